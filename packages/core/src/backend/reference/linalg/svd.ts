import type { SvdResult } from "../../backend.js";
import { checkBuffer, checkDimension, checkFinite } from "./checks.js";
import { completeOrthonormalRows } from "./complete-basis.js";
import { applyQ, pivotedQr } from "./pivoted-qr.js";
import { maxAbs, safeExponent, scaleByPowerOfTwo } from "./scaling.js";

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;
/** Below this a computed singular value is treated as exactly zero when forming vectors. */
const TINY = 2 ** -960;

/**
 * Thin singular value decomposition A = U diag(s) V^T of a row-major m x n matrix, k = min(m, n):
 * u (m x k) and vt (k x n) with orthonormal columns/rows, s descending and non-negative.
 *
 * Method (Drmac & Veselic, "New fast and accurate Jacobi SVD algorithm", SIAM J. Matrix Anal.
 * Appl. 29, 2008): for m >= n, rows sorted by decreasing norm and a pivoted QR, Pi A P = Q R, then
 * one-sided Jacobi (Hestenes 1958) on X = R^T: plane rotations X <- X J orthogonalise the columns
 * of X until every pair satisfies |x_p.x_q| <= sqrt(n) eps ||x_p|| ||x_q||, giving
 * X V_x = U_x diag(s). Then R = V_x diag(s) U_x^T, so U = Pi^T Q V_x and V = P U_x.
 * No A^T A is formed: small singular values keep high relative accuracy (for matrices graded by
 * rows or columns, measured ~1e-15 relative down to s = 1e-30), and rank-deficient input is
 * handled; right singular vectors of exactly-zero singular values are completed to an
 * orthonormal set. The pivoted R^T needs fewer sweeps than A itself (markedly so when graded).
 * For m < n the transpose is decomposed. Inputs of extreme magnitude are scaled by a power of two.
 */
export function svd(a: Float64Array, m: number, n: number): SvdResult {
  checkDimension("svd", "m", m);
  checkDimension("svd", "n", n);
  checkBuffer("svd", "a", a, m, n);
  checkFinite("svd", a, m, n);
  if (m < n) {
    const at = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j];
    const t = svd(at, n, m); // A^T = U' S V'^T, so A = V' S U'^T
    const k = m;
    const u = new Float64Array(m * k); // V' (m x k) from t.vt (k x m)
    const vt = new Float64Array(k * n); // U'^T (k x n) from t.u (n x k)
    for (let c = 0; c < k; c++) for (let i = 0; i < m; i++) u[i * k + c] = t.vt[c * m + i];
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) vt[c * n + i] = t.u[i * k + c];
    return { u, s: t.s, vt };
  }
  const k = n;
  if (k === 0) return { u: new Float64Array(0), s: new Float64Array(0), vt: new Float64Array(0) };
  // Rows sorted by decreasing max-norm (row pivoting), as required for the pivoted QR to be
  // row-wise backward stable on row-graded input (Cox & Higham 1998): Pi A P = Q R.
  const rowOrder = rowsByDecreasingNorm(a, m, n);
  const sorted = new Float64Array(m * n); // (m, n)
  for (let i = 0; i < m; i++) sorted.set(a.subarray(rowOrder[i] * n, rowOrder[i] * n + n), i * n);
  const exponent = safeExponent(maxAbs(sorted));
  scaleByPowerOfTwo(sorted, -exponent);
  const qr = pivotedQr(sorted, m, n);
  const x = qr.r; // row p of R = column p of X = R^T; (n, n)
  const vx = new Float64Array(n * n); // row p = column p of V_x; (n, n)
  for (let p = 0; p < n; p++) vx[p * n + p] = 1;
  oneSidedJacobi(x, n, n, vx);

  const sigma = new Float64Array(n);
  for (let p = 0; p < n; p++) sigma[p] = Math.sqrt(dotRows(x, p * n, p * n, n));
  const order = Array.from({ length: n }, (_, p) => p).sort((p, q) => sigma[q] - sigma[p]);
  const s = new Float64Array(k);
  const vt = new Float64Array(k * n); // row c = column c of V = P U_x; (k, n)
  const filled: boolean[] = [];
  const qvx = new Float64Array(m * k); // [V_x; 0] in singular-value order, then Q times it; (m, k)
  for (let c = 0; c < k; c++) {
    const p = order[c];
    s[c] = sigma[p];
    const rp = p * n;
    if (sigma[p] > TINY) {
      for (let i = 0; i < n; i++) vt[c * n + qr.perm[i]] = x[rp + i] / sigma[p];
      filled.push(true);
    } else {
      filled.push(false);
    }
    for (let i = 0; i < n; i++) qvx[i * k + c] = vx[rp + i];
  }
  completeOrthonormalRows(vt, k, n, filled);
  applyQ(qr, qvx, k);
  const u = new Float64Array(m * k); // U = Pi^T Q V_x; (m, k)
  for (let i = 0; i < m; i++) u.set(qvx.subarray(i * k, (i + 1) * k), rowOrder[i] * k);
  scaleByPowerOfTwo(s, exponent);
  return { u, s, vt };
}

/**
 * One-sided Jacobi: orthogonalises the `cols` rows of x (each of length `len`, the columns of the
 * matrix being diagonalised, stored contiguously) by cyclic-by-rows plane rotations, applying each
 * rotation also to the rows of v. For a pair (p, q) with alpha = |x_p|^2, beta = |x_q|^2,
 * gamma = x_p.x_q: zeta = (beta - alpha) / (2 gamma), t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)),
 * c = 1 / sqrt(1 + t^2), s = c t, and [x_p, x_q] <- [c x_p - s x_q, s x_p + c x_q] makes the pair
 * orthogonal. Converged when a sweep finds every |gamma| <= sqrt(len) eps sqrt(alpha beta).
 * Squared norms are recomputed in the same pass as each rotation. Before the pairs (p, .) of a
 * sweep, the remaining column of largest norm is swapped into position p (de Rijk 1989, SIAM J.
 * Sci. Stat. Comput. 10), which saves about one sweep and leaves the columns nearly sorted.
 */
function oneSidedJacobi(x: Float64Array, cols: number, len: number, v: Float64Array): void {
  const norms = new Float64Array(cols);
  for (let p = 0; p < cols; p++) norms[p] = dotRows(x, p * len, p * len, len);
  const tol = Math.sqrt(len) * EPS;
  const vlen = cols;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      // de Rijk's pivoting: bring the largest remaining column to position p first.
      let largest = p;
      for (let q = p + 1; q < cols; q++) if (norms[q] > norms[largest]) largest = q;
      if (largest !== p) {
        swapRows(x, len, p, largest);
        swapRows(v, vlen, p, largest);
        [norms[p], norms[largest]] = [norms[largest], norms[p]];
      }
      const rp = p * len;
      for (let q = p + 1; q < cols; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        if (alpha === 0 || beta === 0) continue;
        const rq = q * len;
        const gamma = dotRows(x, rp, rq, len);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        let np = 0;
        let nq = 0;
        for (let i = 0; i < len; i++) {
          const xp = x[rp + i];
          const xq = x[rq + i];
          const yp = c * xp - s * xq;
          const yq = s * xp + c * xq;
          x[rp + i] = yp;
          x[rq + i] = yq;
          np += yp * yp;
          nq += yq * yq;
        }
        norms[p] = np;
        norms[q] = nq;
        const vp = p * vlen;
        const vq = q * vlen;
        for (let i = 0; i < vlen; i++) {
          const a = v[vp + i];
          const b = v[vq + i];
          v[vp + i] = c * a - s * b;
          v[vq + i] = s * a + c * b;
        }
      }
    }
    if (!rotated) return;
  }
  throw new Error(`svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps`);
}

/** Row indices sorted by decreasing max |a_ij| (stable, so ties keep their order). */
function rowsByDecreasingNorm(a: Float64Array, m: number, n: number): Int32Array {
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) norms[i] = maxAbs(a.subarray(i * n, (i + 1) * n));
  return Int32Array.from({ length: m }, (_, i) => i).sort((p, q) => norms[q] - norms[p]);
}

function dotRows(x: Float64Array, a: number, b: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += x[a + i] * x[b + i];
  return s;
}

function swapRows(x: Float64Array, len: number, p: number, q: number): void {
  const rp = p * len;
  const rq = q * len;
  for (let i = 0; i < len; i++) {
    const t = x[rp + i];
    x[rp + i] = x[rq + i];
    x[rq + i] = t;
  }
}
