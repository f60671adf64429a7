import type { DType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

/**
 * The primitive operations. Every other operation in Saddle (softplus, softmax, cross-entropy,
 * attention, mse...) is a composite of these and has no rule of its own. Each primitive has a
 * shape rule, a reference kernel, a VJP rule (written in differentiable ops, so second
 * derivatives work), a conformance row and a gradient row; the tables are mapped types
 * `{ [P in Prim]: ... }`, so a primitive without a rule does not compile.
 */
export const PRIMS = [
  // unary elementwise
  "neg", "recip", "exp", "expm1", "log", "log1p", "sqrt", "tanh", "sin", "cos", "abs", "sign", "erf",
  // binary elementwise, numpy broadcasting
  "add", "sub", "mul", "div", "pow", "maximum", "cmplt", "cmpeq",
  // ternary select, broadcasting
  "where",
  // reductions over a set of axes (the axes are removed)
  "sum", "max",
  // movement
  "reshape", "transpose", "broadcast", "slice", "pad", "concat", "gather", "scatterAdd",
  // contraction, batched over broadcast leading dimensions
  "matmul",
  // dtype conversion
  "cast",
] as const;

export type Prim = (typeof PRIMS)[number];

export const UNARY_PRIMS = ["neg", "recip", "exp", "expm1", "log", "log1p", "sqrt", "tanh", "sin", "cos", "abs", "sign", "erf"] as const;
export type UnaryPrim = (typeof UNARY_PRIMS)[number];
export const BINARY_PRIMS = ["add", "sub", "mul", "div", "pow", "maximum", "cmplt", "cmpeq"] as const;
export type BinaryPrim = (typeof BINARY_PRIMS)[number];

type NoParams = Record<string, never>;

/** Per-primitive parameters (static data, not differentiated). */
export interface PrimParams {
  neg: NoParams; recip: NoParams; exp: NoParams; expm1: NoParams; log: NoParams; log1p: NoParams;
  sqrt: NoParams; tanh: NoParams; sin: NoParams; cos: NoParams; abs: NoParams; sign: NoParams; erf: NoParams;
  add: NoParams; sub: NoParams; mul: NoParams; div: NoParams; pow: NoParams; maximum: NoParams;
  cmplt: NoParams; cmpeq: NoParams;
  where: NoParams;
  /** Sorted, normalised axes to reduce; they are removed from the shape. */
  sum: { axes: readonly number[] };
  max: { axes: readonly number[] };
  reshape: { shape: Shape };
  /** Output dimension i is input dimension perm[i]. */
  transpose: { perm: readonly number[] };
  /** numpy broadcast of the input to `shape`. */
  broadcast: { shape: Shape };
  /** Contiguous block [start, start + size) per axis, with a positive step per axis. */
  slice: { start: readonly number[]; size: readonly number[]; step: readonly number[] };
  /** Zero padding: `before[i]` and `after[i]` zeros on axis i. */
  pad: { before: readonly number[]; after: readonly number[] };
  /** Concatenate all inputs along `axis`. */
  concat: { axis: number };
  /**
   * out[..., j..., ...] = x[..., indices[j], ...] along `axis`; `indexShape` is the shape of the
   * integer index array, which replaces dimension `axis`.
   */
  gather: { axis: number; indices: Int32Array; indexShape: Shape };
  /** The transpose of gather: scatters-and-adds into a dimension of length `size` along `axis`. */
  scatterAdd: { axis: number; indices: Int32Array; indexShape: Shape; size: number };
  /**
   * Batched op(A) @ op(B) with broadcast batch dimensions, both of rank >= 2, where op transposes
   * the last two dimensions when the flag is set: (..., m, k) @ (..., k, n) -> (..., m, n).
   */
  matmul: { transA: boolean; transB: boolean };
  cast: { dtype: DType };
}
