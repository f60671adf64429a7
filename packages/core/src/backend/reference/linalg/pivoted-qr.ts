import { reflectColumn, reflectRows } from "./householder.js";

const EPS = 2 ** -52;

/** Householder QR with column pivoting of an m x n matrix (m >= n): A P = Q R. */
export interface PivotedQr {
  /** R (n x n, row-major), upper triangular with |R_00| >= |R_11| >= ... (up to round-off). */
  readonly r: Float64Array;
  /** Reflector k = I - betas[k] v_k v_k^T with v_k in reflectors[k*m + k .. k*m + m-1]. */
  readonly reflectors: Float64Array;
  readonly betas: Float64Array;
  /** Column j of A P is column perm[j] of A. */
  readonly perm: Int32Array;
  readonly m: number;
  readonly n: number;
}

/**
 * Householder QR with column pivoting (Businger & Golub 1965): at step k the remaining column of
 * largest norm below row k is swapped into place, then reflected onto alpha e_k. Partial column
 * norms are downdated, ||x_j||^2 <- ||x_j||^2 - R_kj^2, and recomputed from scratch whenever the
 * downdate has cancelled more than sqrt(eps) of the last recomputed value (the safeguard used by
 * LAPACK's xLAQP2). Used to precondition the Jacobi SVD. Reads the row-major m x n matrix `a`.
 */
export function pivotedQr(a: Float64Array, m: number, n: number): PivotedQr {
  if (m < n) throw new RangeError(`pivotedQr: needs rows >= columns, got ${m} x ${n}`);
  const w = Float64Array.from(a.subarray(0, m * n));
  const reflectors = new Float64Array(n * m);
  const betas = new Float64Array(n);
  const perm = Int32Array.from({ length: n }, (_, j) => j);
  const partial = new Float64Array(n); // current norm of column j below row k
  const reference = new Float64Array(n); // norm at the last recomputation
  for (let j = 0; j < n; j++) partial[j] = reference[j] = columnNorm(w, m, n, j, 0);
  const y = new Float64Array(n);
  const tol = Math.sqrt(EPS);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let j = k + 1; j < n; j++) if (partial[j] > partial[pivot]) pivot = j;
    if (pivot !== k) {
      for (let i = 0; i < m; i++) {
        const t = w[i * n + k];
        w[i * n + k] = w[i * n + pivot];
        w[i * n + pivot] = t;
      }
      [partial[k], partial[pivot]] = [partial[pivot], partial[k]];
      [reference[k], reference[pivot]] = [reference[pivot], reference[k]];
      [perm[k], perm[pivot]] = [perm[pivot], perm[k]];
    }
    const v = reflectors.subarray(k * m, (k + 1) * m);
    betas[k] = reflectColumn(w, m, n, k, k, v);
    reflectRows(w, m, n, v, betas[k], k, k + 1, y);
    for (let j = k + 1; j < n; j++) {
      if (partial[j] === 0) continue;
      const ratio = Math.abs(w[k * n + j]) / partial[j];
      const remaining = Math.max(0, (1 - ratio) * (1 + ratio));
      const relative = remaining * (partial[j] / reference[j]) ** 2;
      if (relative <= tol) {
        partial[j] = reference[j] = columnNorm(w, m, n, j, k + 1);
      } else {
        partial[j] *= Math.sqrt(remaining);
      }
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  return { r, reflectors, betas, perm, m, n };
}

/** x <- Q x for x (m x cols, row-major), Q = H_0 H_1 ... H_{n-1} from a pivoted QR. */
export function applyQ(f: PivotedQr, x: Float64Array, cols: number): void {
  const y = new Float64Array(cols);
  for (let k = f.n - 1; k >= 0; k--) {
    reflectRows(x, f.m, cols, f.reflectors.subarray(k * f.m, (k + 1) * f.m), f.betas[k], k, 0, y);
  }
}

/** Euclidean norm of column j of the row-major m x n matrix w, rows from..m-1 (scaled sum). */
function columnNorm(w: Float64Array, m: number, n: number, j: number, from: number): number {
  let scale = 0;
  for (let i = from; i < m; i++) scale = Math.max(scale, Math.abs(w[i * n + j]));
  if (scale === 0) return 0;
  let ss = 0;
  for (let i = from; i < m; i++) {
    const x = w[i * n + j] / scale;
    ss += x * x;
  }
  return scale * Math.sqrt(ss);
}
