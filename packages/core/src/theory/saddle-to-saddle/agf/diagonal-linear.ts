import { type LossNormalisation, lossScale } from "../../../conventions.js";
import { pseudoSolveSymmetric } from "./dense.js";

/**
 * Regression data for a diagonal linear network f(x) = sum_i u_i v_i x_i = x . beta: n rows x_r
 * of length d and targets y_r. The loss is a squared error under a named normalisation
 * (conventions.ts; Saddle's default 1/2 mean).
 */
export interface DiagonalData {
  x: readonly ArrayLike<number>[];
  y: ArrayLike<number>;
  normalisation?: LossNormalisation;
}

/**
 * The saddle-to-saddle path of a diagonal linear network: levels[k] is the loss on plateau k
 * (levels[0] at beta = 0), betas[k] the predictor there, times[k] the time of jump k + 1 in units
 * of log(1/alpha) of gradient-flow time, coordinates[k] the coordinate that jump acquires, and
 * removed[k] the coordinates that return to zero at that jump.
 */
export interface DiagonalPath {
  levels: number[];
  betas: Float64Array[];
  times: number[];
  coordinates: number[];
  removed: number[][];
}

export function checkDiagonalData(data: DiagonalData): { n: number; d: number; w: number } {
  const n = data.x.length;
  if (n < 1) throw new RangeError("diagonal data: x must have at least one row");
  if (data.y.length !== n) throw new RangeError(`diagonal data: y has length ${data.y.length}, expected ${n} (one per row of x)`);
  const d = data.x[0].length;
  data.x.forEach((row, i) => {
    if (row.length !== d) throw new RangeError(`diagonal data: x[${i}] has length ${row.length}, expected ${d}`);
  });
  // L = (w/2) sum_r (y_r - x_r . beta)^2.
  const w = 2 * lossScale("sum", data.normalisation ?? "half-mean", n, 1);
  return { n, d, w };
}

/** Loss (w/2) |y - X beta|^2 of a predictor beta. */
export function diagonalLoss(data: DiagonalData, beta: ArrayLike<number>): number {
  const { w } = checkDiagonalData(data);
  let s = 0;
  data.x.forEach((row, r) => {
    let f = 0;
    for (let i = 0; i < row.length; i++) f += row[i] * beta[i];
    s += (data.y[r] - f) ** 2;
  });
  return 0.5 * w * s;
}

/** The negative gradient g = -dL/dbeta = w X^T (y - X beta). */
export function diagonalNegativeGradient(data: DiagonalData, beta: ArrayLike<number>): Float64Array {
  const { d, w } = checkDiagonalData(data);
  const g = new Float64Array(d);
  data.x.forEach((row, r) => {
    let f = 0;
    for (let i = 0; i < d; i++) f += row[i] * beta[i];
    const res = w * (data.y[r] - f);
    for (let i = 0; i < d; i++) g[i] += row[i] * res;
  });
  return g;
}

/** Least squares restricted to the coordinates in `support` (pseudo-inverse), zero elsewhere. */
export function supportLeastSquares(data: DiagonalData, support: readonly number[]): Float64Array {
  const { d } = checkDiagonalData(data);
  const k = support.length;
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  data.x.forEach((row, r) => {
    for (let a = 0; a < k; a++) {
      b[a] += row[support[a]] * data.y[r];
      for (let c = 0; c < k; c++) A[a * k + c] += row[support[a]] * row[support[c]];
    }
  });
  const sol = pseudoSolveSymmetric(A, b, k);
  const beta = new Float64Array(d);
  support.forEach((i, a) => (beta[i] = sol[a]));
  return beta;
}

/**
 * Closed-form AGF for a diagonal linear network f = sum_i u_i v_i x_i from u = sqrt(2) alpha,
 * v = 0 (Alternating Gradient Flows, arXiv 2506.06489, section 3). [derived] With g = -dL/dbeta
 * fixed during a plateau, a dormant unit (u_i, v_i) = sqrt(2) alpha (cosh phi_i, sinh phi_i) has
 * d phi_i/dt = g_i, so |theta_i|^2 = 2 alpha^2 cosh(2 phi_i): it activates (norm 1) when
 * |phi_i| = phi* = arccosh(1/(2 alpha^2)) / 2, after (phi* - sign(g_i) phi_i) / |g_i|; the max
 * utility is U*_i = |g_i| / 2, so this is the authors' (arccosh(1/(2 alpha^2)) - c_i) / (4 U*_i).
 * Cost minimisation is least squares on the active support; coordinates whose sign flips leave
 * the support and keep phi = +-phi*, so their return takes 2 phi* / |g_i| (Pesme & Flammarion's
 * 2 / |g_i| in log(1/alpha) units). Times are returned divided by log(1/alpha).
 */
export function diagonalLinearAgf(data: DiagonalData, alpha: number, { maxJumps = 100 } = {}): DiagonalPath {
  if (!(alpha > 0 && alpha < Math.SQRT1_2)) throw new RangeError(`alpha must be in (0, 1/sqrt(2)) so the initial norm sqrt(2) alpha is below 1, got ${alpha}`);
  const { d } = checkDiagonalData(data);
  const phiStar = 0.5 * Math.acosh(1 / (2 * alpha * alpha));
  const phi = new Float64Array(d);
  const dormant = new Set<number>(Array.from({ length: d }, (_, i) => i));
  const active: number[] = [];
  let beta: Float64Array = new Float64Array(d);
  let t = 0;
  const path: DiagonalPath = { levels: [diagonalLoss(data, beta)], betas: [beta], times: [], coordinates: [], removed: [] };
  const logScale = Math.log(1 / alpha);
  const floor = 1e-14 * path.levels[0];
  while (dormant.size > 0 && path.times.length < maxJumps && path.levels[path.levels.length - 1] > floor) {
    const g = diagonalNegativeGradient(data, beta);
    let best = -1;
    let tau = Infinity;
    for (const i of dormant) {
      if (!(Math.abs(g[i]) > 1e-15)) continue;
      const ti = (phiStar - Math.sign(g[i]) * phi[i]) / Math.abs(g[i]);
      if (ti < tau) {
        tau = ti;
        best = i;
      }
    }
    if (best < 0) break;
    for (const i of dormant) phi[i] += g[i] * tau;
    phi[best] = Math.sign(g[best]) * phiStar;
    t += tau;
    dormant.delete(best);
    active.push(best);
    const removed: number[] = [];
    let next = supportLeastSquares(data, active);
    for (;;) {
      const flips = active.filter((i) => next[i] * beta[i] < 0);
      if (flips.length === 0) break;
      for (const i of flips) {
        active.splice(active.indexOf(i), 1);
        dormant.add(i);
        removed.push(i);
      }
      next = supportLeastSquares(data, active);
    }
    beta = next;
    path.levels.push(diagonalLoss(data, beta));
    path.betas.push(beta);
    path.times.push(t / logScale);
    path.coordinates.push(best);
    path.removed.push(removed);
  }
  return path;
}
