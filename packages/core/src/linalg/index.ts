import { Tensor } from "../tensor/tensor.js";
import { linalgFor } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";

export { matMulRowMajor, transposeRowMajor } from "./row-major.js";

/**
 * Dense linear algebra on tensors, dispatched through the active backend (a native backend takes
 * these over; the pure-TS reference is the fallback). Computation is in float64; results take the
 * input's dtype. These functions are not differentiable (they act on values).
 */

function f64(x: Tensor): Float64Array {
  return x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
}

function wrap(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(dtype === "f64" ? data : Float32Array.from(data), shape);
}

function square(x: Tensor, who: string): number {
  if (x.rank !== 2 || x.shape[0] !== x.shape[1]) throw new RangeError(`${who} needs a square matrix, got shape [${x.shape.join(", ")}]`);
  return x.shape[0];
}

function matrix(x: Tensor, who: string): [number, number] {
  if (x.rank !== 2) throw new RangeError(`${who} needs a matrix (rank 2), got shape [${x.shape.join(", ")}]`);
  return [x.shape[0], x.shape[1]];
}

function rhs(b: Tensor, n: number, who: string): number {
  if (b.shape[0] !== n || b.rank > 2 || b.rank < 1) throw new RangeError(`${who}: right-hand side of shape [${b.shape.join(", ")}] needs ${n} rows`);
  return b.rank === 1 ? 1 : b.shape[1];
}

/**
 * Symmetric eigendecomposition A = V diag(w) V^T (lower triangle read). Eigenvalues ascending;
 * eigenvectors are the columns of V.
 */
export function eigh(a: Tensor): { values: Tensor; vectors: Tensor } {
  const n = square(a, "eigh");
  const { w, v } = linalgFor("eigh")(f64(a), n);
  return { values: wrap(w, [n], a.dtype), vectors: wrap(v, [n, n], a.dtype) };
}

/** Eigenvalues of a symmetric matrix, ascending. */
export function eigvalsh(a: Tensor): Tensor {
  return eigh(a).values;
}

/** Thin SVD A = U diag(S) V^T; singular values descending. */
export function svd(a: Tensor): { u: Tensor; s: Tensor; vt: Tensor } {
  const [m, n] = matrix(a, "svd");
  const k = Math.min(m, n);
  const r = linalgFor("svd")(f64(a), m, n);
  return { u: wrap(r.u, [m, k], a.dtype), s: wrap(r.s, [k], a.dtype), vt: wrap(r.vt, [k, n], a.dtype) };
}

/** Lower Cholesky factor L with L L^T = A; throws if A is not positive definite. */
export function cholesky(a: Tensor): Tensor {
  const n = square(a, "cholesky");
  return wrap(linalgFor("cholesky")(f64(a), n), [n, n], a.dtype);
}

/** Solves A X = B (partial pivoting). B may be a vector or a matrix. */
export function solve(a: Tensor, b: Tensor): Tensor {
  const n = square(a, "solve");
  const nrhs = rhs(b, n, "solve");
  return wrap(linalgFor("solve")(f64(a), n, f64(b), nrhs), b.shape, a.dtype);
}

/** Solves A X = B for symmetric positive-definite A via its Cholesky factor. */
export function choleskySolve(l: Tensor, b: Tensor): Tensor {
  const n = square(l, "choleskySolve");
  const nrhs = rhs(b, n, "choleskySolve");
  return wrap(linalgFor("choleskySolve")(f64(l), n, f64(b), nrhs), b.shape, l.dtype);
}

/** Reduced QR decomposition. */
export function qr(a: Tensor): { q: Tensor; r: Tensor } {
  const [m, n] = matrix(a, "qr");
  const k = Math.min(m, n);
  const res = linalgFor("qr")(f64(a), m, n);
  return { q: wrap(res.q, [m, k], a.dtype), r: wrap(res.r, [k, n], a.dtype) };
}

/** Minimum-norm least-squares solution of A X ~ B (singular values below rcond * s_max dropped). */
export function lstsq(a: Tensor, b: Tensor, rcond = 1e-13): Tensor {
  const [m, n] = matrix(a, "lstsq");
  const nrhs = rhs(b, m, "lstsq");
  const x = linalgFor("lstsq")(f64(a), m, n, f64(b), nrhs, rcond);
  return wrap(x, b.rank === 1 ? [n] : [n, nrhs], a.dtype);
}

/**
 * Discrete Fourier transform along the last axis, any length (radix-2, Bluestein otherwise):
 * X_k = sum_j x_j exp(-2 pi i jk / n). Returns real and imaginary parts; `im` defaults to zero.
 */
export function fft(re: Tensor, im?: Tensor): { re: Tensor; im: Tensor } {
  return transform(re, im, false);
}

/** Inverse DFT (with the 1/n factor): x_j = (1/n) sum_k X_k exp(+2 pi i jk / n). */
export function ifft(re: Tensor, im?: Tensor): { re: Tensor; im: Tensor } {
  return transform(re, im, true);
}

function transform(re: Tensor, im: Tensor | undefined, inverse: boolean): { re: Tensor; im: Tensor } {
  if (re.rank === 0) throw new RangeError("fft needs at least one dimension");
  if (im && im.shape.join() !== re.shape.join()) throw new RangeError(`fft: re [${re.shape.join(", ")}] and im [${im.shape.join(", ")}] shapes differ`);
  const n = re.shape[re.rank - 1];
  const batch = n === 0 ? 0 : re.size / n;
  const r = Float64Array.from(re.data);
  const i = im ? Float64Array.from(im.data) : new Float64Array(re.size);
  if (n > 0) linalgFor("fft")(r, i, n, batch, inverse);
  return { re: wrap(r, re.shape, re.dtype), im: wrap(i, re.shape, re.dtype) };
}
