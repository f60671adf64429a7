import { Tensor } from "../tensor/tensor.js";

/**
 * Encodes plain data containing tensors (parameter trees, optimizer states, checkpoints) as JSON
 * values and back. Tensors become {"__tensor": {dtype, shape, data}}; numbers round-trip exactly
 * (JavaScript prints the shortest decimal that parses back to the same double), so a resumed run
 * continues bit for bit. Non-finite numbers are encoded as strings.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const num = (v: number): JsonValue => (Number.isFinite(v) ? v : String(v));
const denum = (v: JsonValue): number => (typeof v === "string" ? Number(v) : (v as number));

export function encodeState(x: unknown): JsonValue {
  if (x === null || x === undefined) return null;
  if (x instanceof Tensor) return { __tensor: { dtype: x.dtype, shape: [...x.shape], data: Array.from(x.data, num) } };
  if (x instanceof Float64Array || x instanceof Float32Array) return { __f64: Array.from(x, num) };
  if (typeof x === "number") return num(x);
  if (typeof x === "boolean" || typeof x === "string") return x;
  if (Array.isArray(x)) return x.map(encodeState);
  if (typeof x === "object") {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (v !== undefined) out[k] = encodeState(v);
    return out;
  }
  throw new TypeError(`encodeState: cannot encode a ${typeof x}`);
}

export function decodeState<T = unknown>(x: JsonValue): T {
  const rec = (v: JsonValue): unknown => {
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "number") return v;
    if (typeof v === "string") return v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v;
    if (Array.isArray(v)) return v.map(rec);
    if ("__tensor" in v) {
      const t = v.__tensor as { dtype: string; shape: number[]; data: JsonValue[] };
      const data = t.dtype === "f32" ? Float32Array.from(t.data, denum) : Float64Array.from(t.data, denum);
      return new Tensor(data, t.shape);
    }
    if ("__f64" in v) return Float64Array.from(v.__f64 as JsonValue[], denum);
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = rec(val);
    return out;
  };
  return rec(x) as T;
}
