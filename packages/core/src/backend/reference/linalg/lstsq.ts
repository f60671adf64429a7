import { checkBuffer, checkDimension } from "./checks.js";
import { svd } from "./svd.js";

/**
 * Minimum-norm least-squares solution of A X ~ B for A (m x n) and B (m x nrhs), row-major:
 * with the thin SVD A = U diag(s) V^T, X = V diag(1/s_i) U^T B = A^+ B over the singular values
 * s_i > rcond * s_max; the others are treated as zero, so directions in (numerical) null space get
 * no component and X is the least-squares solution of smallest norm. Returns X (n x nrhs).
 */
export function lstsq(a: Float64Array, m: number, n: number, b: Float64Array, nrhs: number, rcond: number): Float64Array {
  checkDimension("lstsq", "m", m);
  checkDimension("lstsq", "n", n);
  checkDimension("lstsq", "nrhs", nrhs);
  checkBuffer("lstsq", "a", a, m, n);
  checkBuffer("lstsq", "b", b, m, nrhs);
  if (!(rcond >= 0) || !Number.isFinite(rcond)) throw new RangeError(`lstsq: rcond must be a finite number >= 0, got ${rcond}`);
  const { u, s, vt } = svd(a, m, n);
  const k = Math.min(m, n);
  const cutoff = k > 0 ? rcond * s[0] : 0;
  const x = new Float64Array(n * nrhs); // (n, nrhs)
  const coef = new Float64Array(nrhs); // (u_c^T B) / s_c
  for (let c = 0; c < k; c++) {
    if (!(s[c] > cutoff) || s[c] === 0) continue;
    coef.fill(0);
    for (let i = 0; i < m; i++) {
      const ui = u[i * k + c];
      if (ui === 0) continue;
      const bi = i * nrhs;
      for (let r = 0; r < nrhs; r++) coef[r] += ui * b[bi + r];
    }
    for (let r = 0; r < nrhs; r++) coef[r] /= s[c];
    const vc = c * n;
    for (let j = 0; j < n; j++) {
      const vj = vt[vc + j];
      const xj = j * nrhs;
      for (let r = 0; r < nrhs; r++) x[xj + r] += vj * coef[r];
    }
  }
  return x;
}
