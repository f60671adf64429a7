import { describe, it, expect } from "vitest";
import type { ZodTypeAny } from "zod";
import { EXPERIMENTS } from "@saddle/experiments";

/**
 * Every size-like config key has a stated maximum, so no config can ask for unbounded work or
 * memory: integer keys (steps, widths, trials, every, ...) carry a `.max`, and arrays a maximum
 * length. Real-valued keys may be unbounded only where the schema says so by a finite max or a
 * bound of the quantity (they are rates and scales, checked finite by the CLI).
 */
type Def = { typeName: string; checks?: { kind: string }[]; shape?: () => Record<string, ZodTypeAny>; type?: ZodTypeAny; maxLength?: { value: number } | null; items?: ZodTypeAny[]; schema?: ZodTypeAny; innerType?: ZodTypeAny; options?: ZodTypeAny[] };
const def = (s: ZodTypeAny) => (s as unknown as { _def: Def })._def;

function unbounded(s: ZodTypeAny, path: string, out: string[]): void {
  const d = def(s);
  switch (d.typeName) {
    case "ZodEffects":
      return unbounded(d.schema!, path, out);
    case "ZodOptional":
    case "ZodDefault":
    case "ZodNullable":
      return unbounded(d.innerType!, path, out);
    case "ZodObject":
      for (const [k, v] of Object.entries(d.shape!())) unbounded(v, path ? `${path}.${k}` : k, out);
      return;
    case "ZodArray":
      if (!d.maxLength) out.push(`${path}: array without a maximum length`);
      return unbounded(d.type!, `${path}[]`, out);
    case "ZodTuple":
      d.items!.forEach((x, i) => unbounded(x, `${path}[${i}]`, out));
      return;
    case "ZodUnion":
      d.options!.forEach((x) => unbounded(x, path, out));
      return;
    case "ZodNumber": {
      const kinds = (d.checks ?? []).map((c) => c.kind);
      if (kinds.includes("int") && !kinds.includes("max")) out.push(`${path}: integer without a maximum`);
      return;
    }
    default:
      return;
  }
}

describe("config limits", () => {
  for (const e of EXPERIMENTS)
    it(`${e.id}: every integer key has a maximum and every list a maximum length`, () => {
      const out: string[] = [];
      unbounded(e.schema as unknown as ZodTypeAny, "", out);
      expect(out).toEqual([]);
    });
});
