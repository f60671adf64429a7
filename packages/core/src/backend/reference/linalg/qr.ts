import type { QrResult } from "../../backend.js";
import { checkBuffer, checkDimension } from "./checks.js";
import { reflectColumn, reflectRows } from "./householder.js";

/**
 * Reduced QR decomposition A = Q R of a row-major m x n matrix by Householder reflections
 * (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 5.2.1), k = min(m, n):
 * R = H_{k-1} ... H_0 A (k x n, upper triangular; diagonal entries of either sign) and
 * Q = H_0 ... H_{k-1} [I_k; 0] (m x k, orthonormal columns), formed by backward accumulation.
 * Every reflection is applied row by row, so inner loops are contiguous. Input is not modified.
 */
export function qr(a: Float64Array, m: number, n: number): QrResult {
  checkDimension("qr", "m", m);
  checkDimension("qr", "n", n);
  checkBuffer("qr", "a", a, m, n);
  const k = Math.min(m, n);
  const w = Float64Array.from(a.subarray(0, m * n)); // becomes R in rows 0..k-1; (m, n)
  const reflectors = new Float64Array(k * m); // v_j in [j*m + j, j*m + m)
  const betas = new Float64Array(k);
  const y = new Float64Array(Math.max(n, k));
  for (let j = 0; j < k; j++) {
    const v = reflectors.subarray(j * m, (j + 1) * m);
    betas[j] = reflectColumn(w, m, n, j, j, v);
    reflectRows(w, m, n, v, betas[j], j, j + 1, y);
  }
  const r = new Float64Array(k * n); // (k, n)
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  const q = new Float64Array(m * k); // (m, k)
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    // H_{j+1..k-1} leave columns < j equal to e_c, which H_j does not touch either.
    reflectRows(q, m, k, reflectors.subarray(j * m, (j + 1) * m), betas[j], j, j, y);
  }
  return { q, r };
}
