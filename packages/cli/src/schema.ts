import type { ZodTypeAny } from "zod";

/** One config key as a person reads it: dotted path, type, allowed values, description. */
export interface KeyDoc {
  key: string;
  type: string;
  allowed: string;
  description: string;
}

interface Def {
  typeName?: string;
  description?: string;
  shape?: () => Record<string, ZodTypeAny>;
  schema?: ZodTypeAny;
  innerType?: ZodTypeAny;
  type?: ZodTypeAny;
  checks?: { kind: string; value?: number; inclusive?: boolean }[];
  minLength?: { value: number } | null;
  maxLength?: { value: number } | null;
  exactLength?: { value: number } | null;
  values?: readonly unknown[];
  value?: unknown;
  options?: ZodTypeAny[];
  items?: ZodTypeAny[];
}

const defOf = (s: ZodTypeAny): Def => (s as unknown as { _def: Def })._def;

/** The schema seen through refinements, defaults and optionals. */
function unwrap(s: ZodTypeAny): ZodTypeAny {
  for (let i = 0; i < 10; i++) {
    const d = defOf(s);
    const next = d.typeName === "ZodEffects" ? d.schema : d.typeName === "ZodOptional" || d.typeName === "ZodDefault" || d.typeName === "ZodNullable" ? d.innerType : undefined;
    if (!next) return s;
    s = next;
  }
  return s;
}

function numberRange(d: Def): string {
  const parts: string[] = [];
  let int = false;
  for (const c of d.checks ?? []) {
    if (c.kind === "int") int = true;
    else if (c.kind === "min") parts.push(`${c.inclusive ? ">=" : ">"} ${c.value}`);
    else if (c.kind === "max") parts.push(`${c.inclusive ? "<=" : "<"} ${c.value}`);
    else if (c.kind === "finite") parts.push("finite");
  }
  return `${int ? "integer" : "number"}${parts.length ? ` ${parts.join(", ")}` : ""}`;
}

/** Type and allowed values of a leaf schema. */
function describeLeaf(s: ZodTypeAny): { type: string; allowed: string } {
  const u = unwrap(s);
  const d = defOf(u);
  switch (d.typeName) {
    case "ZodNumber":
      return { type: "number", allowed: numberRange(d) };
    case "ZodBoolean":
      return { type: "boolean", allowed: "true, false" };
    case "ZodString":
      return { type: "string", allowed: "text" };
    case "ZodEnum":
      return { type: "choice", allowed: (d.values ?? []).join(" | ") };
    case "ZodLiteral":
      return { type: "literal", allowed: JSON.stringify(d.value) };
    case "ZodArray": {
      const item = describeLeaf(d.type as ZodTypeAny);
      const len = d.exactLength ? `exactly ${d.exactLength.value}` : [d.minLength ? `>= ${d.minLength.value}` : "", d.maxLength ? `<= ${d.maxLength.value}` : ""].filter(Boolean).join(", ");
      return { type: `list of ${item.type}`, allowed: `${len ? `length ${len}; ` : ""}each ${item.allowed}` };
    }
    case "ZodTuple":
      return { type: "tuple", allowed: `[${(d.items ?? []).map((x) => describeLeaf(x).allowed).join(", ")}]` };
    case "ZodUnion":
      return { type: "one of", allowed: (d.options ?? []).map((x) => describeLeaf(x).allowed).join(" | ") };
    default:
      return { type: (d.typeName ?? "value").replace(/^Zod/, "").toLowerCase(), allowed: "" };
  }
}

function descriptionOf(s: ZodTypeAny): string {
  for (let x: ZodTypeAny | undefined = s, i = 0; x && i < 10; i++) {
    const d = defOf(x);
    if (d.description) return d.description;
    x = d.schema ?? d.innerType;
  }
  return "";
}

/** The object shape of a schema (through refinements), or null for a non-object. */
export function objectShape(s: ZodTypeAny): Record<string, ZodTypeAny> | null {
  const d = defOf(unwrap(s));
  return d.typeName === "ZodObject" && d.shape ? d.shape() : null;
}

/** Every leaf key of a config schema, nested objects as dotted paths, with type, range and description. */
export function describeSchema(s: ZodTypeAny, prefix = ""): KeyDoc[] {
  const shape = objectShape(s);
  if (!shape) return [];
  const out: KeyDoc[] = [];
  for (const [k, v] of Object.entries(shape)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (objectShape(v)) out.push(...describeSchema(v, path));
    else out.push({ key: path, ...describeLeaf(v), description: descriptionOf(v) });
  }
  return out;
}

/** Leaf config keys as dotted paths. */
export function leafKeys(s: ZodTypeAny): string[] {
  return describeSchema(s).map((k) => k.key);
}

/** Reads a dotted path from a config. */
export function getPath(cfg: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), cfg);
}
