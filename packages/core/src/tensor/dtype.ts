/**
 * Element types. `f64` is the default everywhere: theory comparisons and conservation laws are
 * checked to 1e-12, which float32 cannot carry. `f32` is optional, for speed.
 */
export type DType = "f64" | "f32";

/** The typed array that stores a dtype's elements (GC-owned, contiguous, row-major). */
export type TypedArray = Float64Array | Float32Array;

export const DEFAULT_DTYPE: DType = "f64";

/** A fresh zero-filled buffer of `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === "f64" ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype stored by a typed array. */
export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float64Array ? "f64" : "f32";
}

/** Machine epsilon per dtype (spacing of floats at 1). */
export const EPS: Record<DType, number> = { f64: 2 ** -52, f32: 2 ** -23 };
