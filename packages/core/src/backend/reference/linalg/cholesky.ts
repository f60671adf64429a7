import { checkBuffer, checkDimension } from "./checks.js";

/**
 * Cholesky factorisation A = L L^T of a symmetric positive-definite n x n matrix (lower triangle
 * read), row by row (Cholesky-Banachiewicz): L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj and
 * L_ii = sqrt(A_ii - sum_{k<i} L_ik^2). Throws, naming the failing pivot, when a pivot is not
 * positive (A is not positive definite to working precision). Returns L (n x n, zero above).
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  checkDimension("cholesky", "n", n);
  checkBuffer("cholesky", "a", a, n, n);
  const l = new Float64Array(n * n); // (n, n)
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) {
          throw new RangeError(
            `cholesky: matrix is not positive definite (pivot ${i} is ${s}; the leading ${i + 1} x ${i + 1} block is not positive definite)`,
          );
        }
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
  }
  return l;
}

/**
 * Solves A X = B given the lower Cholesky factor L of A (A = L L^T): forward substitution
 * L Y = B, then back substitution L^T X = Y. B and X are n x nrhs, row-major; both sweeps update
 * whole rows of X, so inner loops are contiguous.
 */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  checkDimension("choleskySolve", "n", n);
  checkDimension("choleskySolve", "nrhs", nrhs);
  checkBuffer("choleskySolve", "l", l, n, n);
  checkBuffer("choleskySolve", "b", b, n, nrhs);
  const x = Float64Array.from(b.subarray(0, n * nrhs)); // (n, nrhs)
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const xi = i * nrhs;
    for (let k = 0; k < i; k++) {
      const f = l[ri + k];
      if (f === 0) continue;
      const xk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[xi + c] -= f * x[xk + c];
    }
    const d = l[ri + i];
    for (let c = 0; c < nrhs; c++) x[xi + c] /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = i * nrhs;
    const d = l[ri + i];
    for (let c = 0; c < nrhs; c++) x[xi + c] /= d;
    // Row i of L holds column i of L^T: remove x_i's contribution from the rows above.
    for (let k = 0; k < i; k++) {
      const f = l[ri + k];
      if (f === 0) continue;
      const xk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[xk + c] -= f * x[xi + c];
    }
  }
  return x;
}
