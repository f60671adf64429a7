import { type DiagonalData, type DiagonalPath, checkDiagonalData, diagonalLoss, diagonalNegativeGradient } from "./diagonal-linear.js";
import { type SignConstraint, signConstrainedLeastSquares } from "./sign-constrained-least-squares.js";

/**
 * The alpha -> 0 saddle-to-saddle path of a diagonal linear network (Pesme & Flammarion,
 * "Saddle-to-saddle dynamics in diagonal linear networks", arXiv 2304.00488, Algorithm 1), to which
 * AGF converges (arXiv 2506.06489, Theorem on diagonal networks). An integrated gradient
 * s in [-1, 1]^d moves as ds/dt = g(beta) = -dL/dbeta in time normalised by log(1/alpha); when a
 * coordinate reaches +-1 the predictor jumps to the least squares with beta_i >= 0 where s_i = 1,
 * beta_i <= 0 where s_i = -1 and beta_i = 0 elsewhere. Returns the same path type as the
 * finite-alpha closed form (times in units of log(1/alpha)).
 */
export function pesmeFlammarion(data: DiagonalData, { maxJumps = 100, gradTol = 1e-12 } = {}): DiagonalPath {
  const { d } = checkDiagonalData(data);
  const s = new Float64Array(d);
  let beta: Float64Array = new Float64Array(d);
  let t = 0;
  const path: DiagonalPath = { levels: [diagonalLoss(data, beta)], betas: [beta], times: [], coordinates: [], removed: [] };
  const onBoundary = (v: number) => Math.abs(v) >= 1 - 1e-12;
  while (path.times.length < maxJumps) {
    const g = diagonalNegativeGradient(data, beta);
    if (g.every((v) => Math.abs(v) <= gradTol)) break;
    let best = -1;
    let delta = Infinity;
    for (let i = 0; i < d; i++) {
      if (!(Math.abs(g[i]) > gradTol)) continue;
      const target = Math.sign(g[i]);
      if (onBoundary(s[i]) && Math.sign(s[i]) === target) continue; // saturated: the constraint holds
      const di = (target - s[i]) / g[i];
      if (di > 0 && di < delta) {
        delta = di;
        best = i;
      }
    }
    if (best < 0) break;
    t += delta;
    for (let i = 0; i < d; i++) s[i] = Math.max(-1, Math.min(1, s[i] + delta * g[i]));
    s[best] = Math.sign(g[best]);
    const constraints: SignConstraint[] = Array.from(s, (v) => (onBoundary(v) ? (v > 0 ? 1 : -1) : 0));
    const next = signConstrainedLeastSquares(data.x, data.y, constraints);
    const removed: number[] = [];
    for (let i = 0; i < d; i++) if (beta[i] !== 0 && next[i] === 0) removed.push(i);
    beta = next;
    path.levels.push(diagonalLoss(data, beta));
    path.betas.push(beta);
    path.times.push(t);
    path.coordinates.push(best);
    path.removed.push(removed);
  }
  return path;
}
