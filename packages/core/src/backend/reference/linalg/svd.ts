import type { SvdResult } from "../../backend.js";

/**
 * Thin singular value decomposition A = U diag(s) V^T by one-sided Jacobi (Hestenes 1958;
 * Demmel & Veselic 1992): orthogonalise the columns of a working copy G = A V by plane rotations
 * until every pair is orthogonal to round-off, then s_j = |G e_j| and U e_j = G e_j / s_j.
 * Accurate for ill-conditioned and rank-deficient matrices (no A^T A is formed). For m < n the
 * transpose is decomposed. Singular values are returned descending; k = min(m, n).
 *
 * Columns are stored as contiguous rows of G^T and V^T so the rotations stream through memory.
 */
export function svd(a: Float64Array, m: number, n: number): SvdResult {
  if (m < n) {
    const at = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j];
    const r = svd(at, n, m); // A^T = U' S V'^T  =>  A = V' S U'^T
    const k = m;
    const u = new Float64Array(m * k);
    const vt = new Float64Array(k * n);
    // u = V' (m x k) from r.vt (k x m); vt = U'^T (k x n) from r.u (n x k).
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[i * k + j] = r.vt[j * m + i];
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) vt[i * n + j] = r.u[j * k + i];
    return { u, s: r.s, vt };
  }
  const k = n;
  const g = new Float64Array(n * m); // row j = column j of A (then of A V)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j * m + i] = a[i * n + j];
  const v = new Float64Array(n * n); // row j = column j of V
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = dotRows(g, j * m, j * m, m);
  const tol = 2 ** -52 * Math.sqrt(m) * 4;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        if (alpha === 0 || beta === 0) continue;
        const gamma = dotRows(g, p * m, q * m, m);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(g, p * m, q * m, m, c, s);
        rotate(v, p * n, q * n, n, c, s);
        norms[p] = dotRows(g, p * m, p * m, m);
        norms[q] = dotRows(g, q * m, q * m, m);
      }
    }
    if (!rotated) break;
    if (sweep === 79) throw new Error("svd: one-sided Jacobi did not converge in 80 sweeps");
  }
  const sv = Array.from({ length: n }, (_, j) => Math.sqrt(dotRows(g, j * m, j * m, m)));
  const order = sv.map((_, j) => j).sort((x, y) => sv[y] - sv[x]);
  const s = new Float64Array(k);
  const u = new Float64Array(m * k);
  const vt = new Float64Array(k * n);
  const smax = sv[order[0]] ?? 0;
  const filled: number[] = [];
  for (let c = 0; c < k; c++) {
    const j = order[c];
    s[c] = sv[j];
    for (let i = 0; i < n; i++) vt[c * n + i] = v[j * n + i];
    if (sv[j] > smax * 2 ** -52 * Math.max(m, n) && sv[j] > 0) {
      for (let i = 0; i < m; i++) u[i * k + c] = g[j * m + i] / sv[j];
      filled.push(c);
    }
  }
  completeOrthonormalColumns(u, m, k, filled);
  return { u, s, vt };
}

function dotRows(x: Float64Array, a: number, b: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += x[a + i] * x[b + i];
  return s;
}

/** [x_p, x_q] <- [c x_p - s x_q, s x_p + c x_q] on two rows. */
function rotate(x: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const xp = x[p + i];
    const xq = x[q + i];
    x[p + i] = c * xp - s * xq;
    x[q + i] = s * xp + c * xq;
  }
}

/**
 * Fills the columns of u (m x k, row-major) not listed in `filled` with unit vectors orthogonal
 * to all others (Gram-Schmidt against the standard basis, twice for stability). Needed when A is
 * rank-deficient, so U still has orthonormal columns.
 */
export function completeOrthonormalColumns(u: Float64Array, m: number, k: number, filled: number[]): void {
  const have = new Set(filled);
  const done = [...filled];
  let basis = 0;
  for (let c = 0; c < k; c++) {
    if (have.has(c)) continue;
    for (; basis < m; basis++) {
      const col = new Float64Array(m);
      col[basis] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const d of done) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += u[i * k + d] * col[i];
          for (let i = 0; i < m; i++) col[i] -= dot * u[i * k + d];
        }
      }
      let nrm = 0;
      for (let i = 0; i < m; i++) nrm += col[i] * col[i];
      nrm = Math.sqrt(nrm);
      if (nrm > 0.5) {
        for (let i = 0; i < m; i++) u[i * k + c] = col[i] / nrm;
        done.push(c);
        basis++;
        break;
      }
    }
  }
}
