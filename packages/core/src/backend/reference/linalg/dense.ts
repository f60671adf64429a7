import type { QrResult } from "../../backend.js";
import { svd } from "./svd.js";

/**
 * Cholesky factorisation A = L L^T (lower L) of a symmetric positive-definite n x n matrix,
 * row-oriented (Cholesky-Banachiewicz). Throws naming the pivot if A is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      const ri = i * n;
      const rj = j * n;
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
  }
  return l;
}

/** Solves L L^T X = B (B n x nrhs) by forward and back substitution. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  const x = Float64Array.from(b);
  for (let c = 0; c < nrhs; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * nrhs + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * nrhs + c];
      x[i * nrhs + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * nrhs + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * nrhs + c];
      x[i * nrhs + c] = s / l[i * n + i];
    }
  }
  return x;
}

/** Solves A X = B by LU with partial pivoting; throws for a singular matrix. */
export function solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  const lu = Float64Array.from(a);
  const x = Float64Array.from(b);
  let amax = 0;
  for (let i = 0; i < lu.length; i++) amax = Math.max(amax, Math.abs(lu[i]));
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    const piv = lu[p * n + k];
    if (piv === 0 || Math.abs(piv) <= amax * n * 2 ** -52) {
      throw new RangeError(`solve: matrix is singular to working precision (pivot ${k} is ${piv})`);
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) [lu[k * n + j], lu[p * n + j]] = [lu[p * n + j], lu[k * n + j]];
      for (let j = 0; j < nrhs; j++) [x[k * nrhs + j], x[p * nrhs + j]] = [x[p * nrhs + j], x[k * nrhs + j]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= piv);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      for (let j = 0; j < nrhs; j++) x[i * nrhs + j] -= f * x[k * nrhs + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = 0; j < nrhs; j++) {
      let s = x[i * nrhs + j];
      for (let k = i + 1; k < n; k++) s -= lu[i * n + k] * x[k * nrhs + j];
      x[i * nrhs + j] = s / lu[i * n + i];
    }
  }
  return x;
}

/**
 * Reduced QR by Householder reflections: A (m x n) = Q (m x k) R (k x n), k = min(m, n), with
 * diag(R) of either sign and Q^T Q = I.
 */
export function qr(a: Float64Array, m: number, n: number): QrResult {
  const k = Math.min(m, n);
  const r = Float64Array.from(a); // becomes R in its upper triangle
  const vs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += r[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - j);
    if (norm === 0) {
      vs.push(v);
      continue;
    }
    const alpha = r[j * n + j] > 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i - j] = r[i * n + j];
    v[0] -= alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    if (vn > 0) {
      for (let c = j; c < n; c++) {
        let dot = 0;
        for (let i = j; i < m; i++) dot += v[i - j] * r[i * n + c];
        const f = (2 * dot) / vn;
        for (let i = j; i < m; i++) r[i * n + c] -= f * v[i - j];
      }
    }
    vs.push(vn > 0 ? v.map((x) => x / Math.sqrt(vn)) : v);
  }
  const q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j] * q[i * k + c];
      for (let i = j; i < m; i++) q[i * k + c] -= 2 * dot * v[i - j];
    }
  }
  const rOut = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let c = i; c < n; c++) rOut[i * n + c] = r[i * n + c];
  return { q, r: rOut };
}

/** Minimum-norm least squares X = V diag(1/s) U^T B, dropping s < rcond * s_max. */
export function lstsq(a: Float64Array, m: number, n: number, b: Float64Array, nrhs: number, rcond: number): Float64Array {
  const { u, s, vt } = svd(a, m, n);
  const k = Math.min(m, n);
  const smax = k > 0 ? s[0] : 0;
  const x = new Float64Array(n * nrhs);
  for (let c = 0; c < k; c++) {
    if (!(s[c] > rcond * smax) || s[c] === 0) continue;
    for (let r = 0; r < nrhs; r++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += u[i * k + c] * b[i * nrhs + r];
      const coef = dot / s[c];
      for (let j = 0; j < n; j++) x[j * nrhs + r] += coef * vt[c * n + j];
    }
  }
  return x;
}
