import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { ZodError, ZodType, ZodTypeAny } from "zod";
import type { AnyExperiment } from "@saddle/experiments";
import { leafKeys } from "./schema.js";
import { UsageError, didYouMean } from "./errors.js";

/** The leaf keys an experiment's schema accepts, nested groups as dotted paths (e.g. qqt.lambda). */
export function configKeys(e: AnyExperiment): string[] {
  return leafKeys(e.schema as unknown as ZodTypeAny);
}

/** Sets a dotted path in a nested config (copying the objects on the way). */
function setPath(cfg: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (rest.length === 0) return { ...cfg, [head]: value };
  const inner = cfg[head];
  return { ...cfg, [head]: setPath(inner !== null && typeof inner === "object" && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest.join("."), value) };
}

/** A nested config flattened to dotted leaf paths (the inverse of setPath over its leaves). */
function flatten(cfg: Record<string, unknown>, keys: readonly string[], prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(cfg)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !keys.includes(path)) out.push(...flatten(v as Record<string, unknown>, keys, path));
    else out.push([path, v]);
  }
  return out;
}

/** Parses one `--set key=value`: the value as JSON when it parses (numbers, arrays, booleans), else a string. */
export function parseAssignment(arg: string): [string, unknown] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new UsageError(`--set '${arg}' is not of the form key=value`);
  const key = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    if (/^[-+0-9.e,\s]+$/i.test(raw) && raw.includes(",")) value = raw.split(",").map(Number);
  }
  return [key, value];
}

/** Reads a YAML or JSON config file; errors name the file and what is wrong. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (path.trim() === "") throw new UsageError("-c/--config needs a file name");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read config file '${path}': ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(`config file '${path}' is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(`config file '${path}' must hold a mapping of config keys to values, got ${Array.isArray(data) ? "a list" : typeof data}`);
  }
  return data as Record<string, unknown>;
}

function describeZodError(err: ZodError, cfg: Record<string, unknown>): string {
  return err.issues
    .map((iss) => {
      const path = iss.path.join(".") || "(config)";
      const value = iss.path.length ? JSON.stringify(iss.path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], cfg)) : "";
      return `config key '${path}'${value !== undefined && value !== "" ? ` = ${value}` : ""}: ${iss.message}`;
    })
    .join("; ");
}

/**
 * Rejects numbers no config may hold, whatever the schema says: non-finite values (JSON `1e999`,
 * YAML `.inf`, `NaN`) and integers beyond 2^53 - 1, which a float64 cannot represent exactly
 * (`steps=9007199254740993` would silently become ...992).
 */
function checkNumbers(v: unknown, path = ""): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new UsageError(`config key '${path}' = ${v}: must be a finite number`);
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) throw new UsageError(`config key '${path}' = ${v}: integers must be at most 2^53 - 1 = ${Number.MAX_SAFE_INTEGER} in magnitude`);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkNumbers(x, `${path}[${i}]`));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) checkNumbers(x, path ? `${path}.${k}` : k);
}

/**
 * The validated config of a run: preset, then the config file, then --set overrides. Unknown keys
 * are rejected with the nearest valid name; invalid values name the key, the value and the rule.
 */
export function buildConfig(e: AnyExperiment, opts: { preset: string; file?: string; set?: string[]; config?: Record<string, unknown> }): Record<string, unknown> {
  const presets = Object.keys(e.presets);
  const preset = (e.presets as Record<string, Record<string, unknown>>)[opts.preset];
  if (!preset) throw new UsageError(`preset '${opts.preset}' is unknown for ${e.id}; allowed: ${presets.join(", ")}${didYouMean(opts.preset, presets)}`);
  const keys = configKeys(e);
  let merged: Record<string, unknown> = { ...preset };
  const apply = (k: string, v: unknown, where: string) => {
    if (!keys.includes(k)) throw new UsageError(`unknown config key '${k}' (${where}) for ${e.id}${didYouMean(k, keys)}; valid keys: ${keys.join(", ")}`);
    merged = setPath(merged, k, v);
  };
  if (opts.config) for (const [k, v] of flatten(opts.config, keys)) apply(k, v, "in the config");
  if (opts.file !== undefined) for (const [k, v] of flatten(readConfigFile(opts.file), keys)) apply(k, v, `in ${opts.file}`);
  for (const a of opts.set ?? []) {
    const [k, v] = parseAssignment(a);
    apply(k, v, "--set");
  }
  checkNumbers(merged);
  const r = (e.schema as ZodType).safeParse(merged);
  if (!r.success) throw new UsageError(describeZodError(r.error as ZodError, merged));
  return r.data as Record<string, unknown>;
}
