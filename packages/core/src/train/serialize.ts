import { Tensor } from "../tensor/tensor.js";

/**
 * Encodes plain data containing tensors (parameter trees, optimizer states, checkpoints) as JSON
 * values and back. Tensors become {"__tensor": {dtype, shape, data}}, Float64Arrays (ECD's
 * velocity) {"__f64": [...]}. Numbers round-trip exactly (JavaScript prints the shortest decimal
 * that parses back to the same double), so a resumed run continues bit for bit; non-finite
 * numbers and -0 are encoded as strings.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const SPECIAL = new Set(["NaN", "Infinity", "-Infinity", "-0"]);
const num = (v: number): JsonValue => (Object.is(v, -0) ? "-0" : Number.isFinite(v) ? v : String(v));
const denum = (v: JsonValue): number => (typeof v === "string" ? Number(v) : (v as number));

/** Plain data with tensors -> a JSON value (see the module note). */
export function encodeState(x: unknown): JsonValue {
  if (x === null || x === undefined) return null;
  if (x instanceof Tensor) return { __tensor: { dtype: x.dtype, shape: [...x.shape], data: Array.from(x.data, num) } };
  if (x instanceof Float64Array) return { __f64: Array.from(x, num) };
  if (x instanceof Float32Array) return { __f32: Array.from(x, num) };
  if (typeof x === "number") return num(x);
  if (typeof x === "boolean" || typeof x === "string") {
    if (typeof x === "string" && SPECIAL.has(x)) throw new TypeError(`encodeState: the string '${x}' is reserved for numbers`);
    return x;
  }
  if (Array.isArray(x)) return x.map(encodeState);
  if (typeof x === "object" && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (v !== undefined) out[k] = encodeState(v);
    return out;
  }
  throw new TypeError(`encodeState: cannot encode ${typeof x === "object" ? (x as object).constructor?.name ?? "an object" : `a ${typeof x}`}; states must be plain data (numbers, arrays, objects, tensors, Float64Arrays)`);
}

/** The inverse of encodeState. */
export function decodeState<T = unknown>(x: JsonValue): T {
  const rec = (v: JsonValue): unknown => {
    if (v === null || typeof v === "boolean" || typeof v === "number") return v;
    if (typeof v === "string") return SPECIAL.has(v) ? Number(v) : v;
    if (Array.isArray(v)) return v.map(rec);
    if ("__tensor" in v) {
      const t = v.__tensor as { dtype: string; shape: number[]; data: JsonValue[] };
      const data = t.dtype === "f32" ? Float32Array.from(t.data, denum) : Float64Array.from(t.data, denum);
      return new Tensor(data, t.shape);
    }
    if ("__f64" in v) return Float64Array.from(v.__f64 as JsonValue[], denum);
    if ("__f32" in v) return Float32Array.from(v.__f32 as JsonValue[], denum);
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = rec(val);
    return out;
  };
  return rec(x) as T;
}

/** An optimizer state (or any checkpoint) as a JSON string. */
export function serializeState(state: unknown): string {
  return JSON.stringify(encodeState(state));
}

/** The inverse of serializeState. */
export function deserializeState<T = unknown>(text: string): T {
  return decodeState<T>(JSON.parse(text) as JsonValue);
}
