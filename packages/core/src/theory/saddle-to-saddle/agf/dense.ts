import { Tensor } from "../../../tensor/tensor.js";
import * as linalg from "../../../linalg/index.js";

/**
 * Small dense helpers on row-major Float64Arrays for the AGF closed forms (no gradients needed):
 * symmetric eigendecompositions and pseudo-inverse solves through Saddle's linalg.
 */

/** Eigenvalues in descending order and eigenvectors as the columns of an (n, n) row-major matrix. */
export function eighDescending(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const { values, vectors } = linalg.eigh(new Tensor(sym, [n, n]));
  const w = values.data as Float64Array;
  const v = vectors.data as Float64Array;
  const outV = new Float64Array(n * n);
  const outW = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const src = n - 1 - c;
    outW[c] = w[src];
    for (let r = 0; r < n; r++) outV[r * n + c] = v[r * n + src];
  }
  return { values: outW, vectors: outV };
}

/** Singular values (descending) of A (m, n). */
export function singularValues(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const { s } = linalg.svd(new Tensor(Float64Array.from(a), [m, n]));
  return Float64Array.from(s.data);
}

/**
 * x = A^+ b for symmetric positive semi-definite A (n, n): eigenvalues at most rcond x the largest
 * are treated as zero (the minimum-norm least-squares solution, numpy's pinv convention).
 */
export function pseudoSolveSymmetric(a: ArrayLike<number>, b: ArrayLike<number>, n: number, rcond = 1e-13): Float64Array {
  if (n === 0) return new Float64Array(0);
  const { values, vectors } = eighDescending(a, n);
  const cut = rcond * Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
  const x = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (!(Math.abs(values[c]) > cut)) continue;
    let proj = 0;
    for (let r = 0; r < n; r++) proj += vectors[r * n + c] * b[r];
    proj /= values[c];
    for (let r = 0; r < n; r++) x[r] += proj * vectors[r * n + c];
  }
  return x;
}
