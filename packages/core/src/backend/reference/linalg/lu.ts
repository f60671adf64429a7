import { checkBuffer, checkDimension } from "./checks.js";

const EPS = 2 ** -52;

/**
 * Solves A X = B for a square n x n matrix A and B (n x nrhs), row-major, by LU factorisation
 * with partial pivoting, P A = L U (Golub & Van Loan, Alg. 3.4.1), followed by forward and back
 * substitution. The row operations are applied to B as the factorisation proceeds.
 * Throws when A is singular to working precision: a pivot |U_kk| <= n eps max|A_ij|.
 */
export function solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  checkDimension("solve", "n", n);
  checkDimension("solve", "nrhs", nrhs);
  checkBuffer("solve", "a", a, n, n);
  checkBuffer("solve", "b", b, n, nrhs);
  const lu = Float64Array.from(a.subarray(0, n * n)); // (n, n)
  const x = Float64Array.from(b.subarray(0, n * nrhs)); // (n, nrhs)
  let amax = 0;
  for (let i = 0; i < n * n; i++) {
    const v = Math.abs(lu[i]);
    if (!(v <= Number.MAX_VALUE)) throw new RangeError(`solve: entry (${Math.floor(i / n)}, ${i % n}) of the matrix is ${lu[i]}; entries must be finite`);
    if (v > amax) amax = v;
  }
  const threshold = n * EPS * amax;
  for (let k = 0; k < n; k++) {
    let p = k;
    let pmax = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > pmax) {
        pmax = v;
        p = i;
      }
    }
    if (pmax === 0 || pmax <= threshold) {
      throw new RangeError(
        `solve: matrix is singular to working precision (pivot ${k} is ${pmax === 0 ? 0 : lu[p * n + k]}, at most n eps max|A| = ${threshold})`,
      );
    }
    if (p !== k) {
      swapRows(lu, n, k, p);
      swapRows(x, nrhs, k, p);
    }
    const rk = k * n;
    const pivot = lu[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = lu[ri + k] / pivot;
      lu[ri + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= f * lu[rk + j];
      const xi = i * nrhs;
      const xk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[xi + c] -= f * x[xk + c];
    }
  }
  // Back substitution U X = Y, row by row of X.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = i * nrhs;
    for (let k = i + 1; k < n; k++) {
      const f = lu[ri + k];
      if (f === 0) continue;
      const xk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[xi + c] -= f * x[xk + c];
    }
    const d = lu[ri + i];
    for (let c = 0; c < nrhs; c++) x[xi + c] /= d;
  }
  return x;
}

function swapRows(x: Float64Array, cols: number, i: number, j: number): void {
  const ri = i * cols;
  const rj = j * cols;
  for (let c = 0; c < cols; c++) {
    const t = x[ri + c];
    x[ri + c] = x[rj + c];
    x[rj + c] = t;
  }
}
