import type { EighResult } from "../../backend.js";

/**
 * Symmetric eigendecomposition A = V diag(w) V^T by Householder tridiagonalisation followed by the
 * implicit QL algorithm with Wilkinson-style shifts (the tred2/tql2 pair of Wilkinson & Reinsch,
 * Handbook for Automatic Computation II, 1971). Reads the lower triangle of the row-major n x n
 * matrix `a`; returns eigenvalues ascending and eigenvectors as the columns of `v` (row-major).
 *
 * The working matrix is kept as rows z[i] = column i of the accumulated transformation, so every
 * inner loop runs over contiguous memory. Cost ~ (4/3 + 6) n^3 flops in the worst case.
 */
export function eigh(a: Float64Array, n: number): EighResult {
  if (n === 0) return { w: new Float64Array(0), v: new Float64Array(0) };
  // zt holds the transpose of the NR "z" matrix: zt[j*n + i] = z[i][j].
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    const x = a[i * n + j];
    zt[j * n + i] = x;
    zt[i * n + j] = x;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(zt, n, d, e);
  tql2(zt, n, d, e);
  // Sort ascending (tql2 leaves them nearly sorted) and emit V with eigenvectors as columns.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[p] - d[q]);
  const w = new Float64Array(n);
  const v = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const src = order[k];
    w[k] = d[src];
    const row = src * n; // zt row `src` = eigenvector `src`
    for (let i = 0; i < n; i++) v[i * n + k] = zt[row + i];
  }
  return { w, v };
}

/**
 * Householder reduction to tridiagonal form. On entry zt is symmetric (so z = zt); on exit zt's
 * row j holds column j of the orthogonal Q with A = Q T Q^T, d the diagonal and e the
 * sub-diagonal (e[0] = 0).
 */
function tred2(zt: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // Work on z[i][j] := zt[j*n+i]. Since z is symmetric initially we can equally work on rows of zt
  // as rows of z; we use Z = zt viewed as z (row i of z is row i of zt) for the reduction, then
  // transpose at the end of accumulation.
  const z = zt;
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    const ri = i * n;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(z[ri + k]);
      if (scale === 0) {
        e[i] = z[ri + l];
      } else {
        for (let k = 0; k <= l; k++) {
          z[ri + k] /= scale;
          h += z[ri + k] * z[ri + k];
        }
        let f = z[ri + l];
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        z[ri + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          const rj = j * n;
          z[rj + i] = z[ri + j] / h;
          let gg = 0;
          for (let k = 0; k <= j; k++) gg += z[rj + k] * z[ri + k];
          for (let k = j + 1; k <= l; k++) gg += z[k * n + j] * z[ri + k];
          e[j] = gg / h;
          f += e[j] * z[ri + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = z[ri + j];
          const gj = (e[j] -= hh * fj);
          const rj = j * n;
          for (let k = 0; k <= j; k++) z[rj + k] -= fj * e[k] + gj * z[ri + k];
        }
      }
    } else {
      e[i] = z[ri + l];
    }
    d[i] = h;
  }
  d[0] = 0;
  e[0] = 0;
  // Accumulate transformations.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    if (d[i] !== 0) {
      for (let j = 0; j < i; j++) {
        let g = 0;
        for (let k = 0; k < i; k++) g += z[ri + k] * z[k * n + j];
        for (let k = 0; k < i; k++) z[k * n + j] -= g * z[k * n + i];
      }
    }
    d[i] = z[ri + i];
    z[ri + i] = 1;
    for (let j = 0; j < i; j++) {
      z[j * n + i] = 0;
      z[ri + j] = 0;
    }
  }
  // z now holds Q (row i, column j at z[i*n+j]); transpose in place so zt row j = column j.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const t = z[i * n + j];
    z[i * n + j] = z[j * n + i];
    z[j * n + i] = t;
  }
}

/**
 * Implicit QL with shifts on the tridiagonal (d, e), accumulating rotations into the rows of zt
 * (row k = eigenvector k). Throws if an eigenvalue fails to converge in 60 iterations.
 */
function tql2(zt: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error(`eigh: the QL iteration did not converge for eigenvalue ${l}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // Rotate eigenvector rows i and i+1.
          const ri = i * n;
          const ri1 = ri + n;
          for (let k = 0; k < n; k++) {
            const zk1 = zt[ri1 + k];
            const zk = zt[ri + k];
            zt[ri1 + k] = s * zk + c * zk1;
            zt[ri + k] = c * zk - s * zk1;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
}
