/**
 * Exact hard-margin linear SVM through the origin for small data sets (no intercept):
 *   w* = argmin ||w||^2  s.t.  y_i <w, x_i> >= 1.
 * Its direction is the L2 max-margin direction that gradient descent on an exponential-tailed loss
 * converges to for a linear model (Soudry et al., arXiv 1710.10345), the homogeneous (Lambda = I)
 * case of arXiv 2210.03820.
 *
 * Method (derived, standard duality): with z_i = y_i x_i, the SVM direction is the minimum-norm
 * point z* of the convex hull conv{z_i}; w* = z* / ||z*||^2 and the geometric margin is ||z*||.
 * z* lies in the relative interior of a face spanned by at most d affinely independent z_i, so
 * enumerating every subset S (|S| <= d), solving the affine least-norm problem
 *   min ||Z_S^T mu||^2  s.t.  sum mu = 1   (KKT: [G 1; 1^T 0][mu; nu] = [0; 1], G = Z_S Z_S^T)
 * and keeping the candidate with mu >= 0 that satisfies the optimality condition
 * <z*, z_j> >= ||z*||^2 for every j gives z* exactly (to rounding). Cost: sum_k C(n, k) solves of
 * size k + 1, so this is for small n and d only (guarded).
 */
export interface SvmResult {
  /** the max-margin weight vector (margin constraints active at 1) */
  w: number[];
  /** w / ||w|| */
  direction: number[];
  /** geometric margin min_i y_i <direction, x_i> = 1 / ||w|| */
  margin: number;
  /** indices of the support vectors (mu_i > 0) */
  support: number[];
}

/** Solves the small dense system A x = b by Gaussian elimination with partial pivoting; null when singular. */
function solveSmall(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  const scale = Math.max(1e-300, ...a.flat().map(Math.abs));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) <= 1e-12 * scale) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

function* subsets(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc.slice();
    return;
  }
  for (let i = start; i <= n - (k - acc.length); i++) {
    acc.push(i);
    yield* subsets(n, k, i + 1, acc);
    acc.pop();
  }
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/**
 * Minimum-norm point of conv{points} (points: n vectors in R^d) by face enumeration; returns the
 * point and its barycentric weights. Throws when the hull contains the origin (not separable).
 */
export function minNormPointInHull(points: readonly (readonly number[])[], tol = 1e-10): { point: number[]; weights: number[] } {
  const n = points.length;
  if (n === 0) throw new RangeError("minNormPointInHull: no points");
  const d = points[0].length;
  if (points.some((p) => p.length !== d)) throw new RangeError("minNormPointInHull: points have different dimensions");
  const kMax = Math.min(n, d);
  let work = 0;
  for (let k = 1; k <= kMax; k++) work += binomial(n, k);
  if (work > 2e5) throw new RangeError(`minNormPointInHull: ${work} faces to enumerate (n = ${n}, d = ${d}); this exact solver is for small problems`);
  const scale = Math.max(...points.map((p) => dot(p, p)));
  let best: { point: number[]; weights: number[]; norm2: number } | null = null;
  for (let k = 1; k <= kMax; k++) {
    for (const s of subsets(n, k)) {
      const a: number[][] = s.map((i) => [...s.map((j) => dot(points[i], points[j])), 1]);
      a.push([...s.map(() => 1), 0]);
      const sol = solveSmall(a, [...s.map(() => 0), 1]);
      if (!sol) continue;
      const mu = sol.slice(0, k);
      if (mu.some((v) => v < -tol)) continue;
      const z = new Array<number>(d).fill(0);
      s.forEach((i, j) => points[i].forEach((v, c) => (z[c] += mu[j] * v)));
      const norm2 = dot(z, z);
      if (points.some((p) => dot(z, p) < norm2 - tol * scale)) continue; // not optimal over the whole hull
      if (!best || norm2 < best.norm2) {
        const weights = new Array<number>(n).fill(0);
        s.forEach((i, j) => (weights[i] = Math.max(0, mu[j])));
        best = { point: z, weights, norm2 };
      }
    }
  }
  if (!best || best.norm2 <= tol * scale) throw new RangeError("minNormPointInHull: the origin is in the convex hull (data not linearly separable through the origin)");
  return { point: best.point, weights: best.weights };
}

/** Exact hard-margin SVM through the origin: x (n vectors in R^d), labels y_i in {-1, +1}. */
export function hardMarginSvm(x: readonly (readonly number[])[], y: ArrayLike<number>): SvmResult {
  if (x.length !== y.length) throw new RangeError(`hardMarginSvm: ${x.length} inputs but ${y.length} labels`);
  for (let i = 0; i < y.length; i++) if (y[i] !== 1 && y[i] !== -1) throw new RangeError(`hardMarginSvm: labels must be -1 or +1, got y[${i}] = ${y[i]}`);
  const z = x.map((xi, i) => xi.map((v) => y[i] * v));
  const { point, weights } = minNormPointInHull(z);
  const norm2 = dot(point, point);
  const margin = Math.sqrt(norm2);
  return {
    w: point.map((v) => v / norm2),
    direction: point.map((v) => v / margin),
    margin,
    support: weights.flatMap((m, i) => (m > 0 ? [i] : [])),
  };
}

/** Geometric margin min_i y_i <beta, x_i> / ||beta|| of a linear classifier beta. */
export function linearMargin(beta: readonly number[], x: readonly (readonly number[])[], y: ArrayLike<number>): number {
  const nrm = Math.sqrt(dot(beta, beta));
  let m = Infinity;
  x.forEach((xi, i) => (m = Math.min(m, (y[i] * dot(beta, xi)) / nrm)));
  return m;
}

/** Angle (radians) between two vectors. */
export function angleBetween(a: readonly number[], b: readonly number[]): number {
  const c = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  return Math.acos(Math.max(-1, Math.min(1, c)));
}
