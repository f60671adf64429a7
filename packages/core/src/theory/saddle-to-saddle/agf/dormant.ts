import { dopri5 } from "../../../solve/rk45.js";
import { type NeuronModel, neuronUtility } from "./neuron-model.js";
import { activationThreshold, directionalSpeed } from "./threshold.js";

/**
 * A dormant neuron's state in AGF: its direction theta_bar on the unit sphere and its accumulated
 * utility S since its (re)start at norm `norm0`; its norm is implied by S (threshold.ts).
 */
export interface DormantState {
  /** Neuron index in the model. */
  index: number;
  /** Unit direction theta_bar (length dim). */
  direction: Float64Array;
  /** Accumulated utility S = kappa int U(theta_bar; r) dt since the (re)start. */
  accumulated: number;
  /** Norm at the (re)start; with kappa it fixes the threshold. */
  norm0: number;
  /** Activation threshold c on S. */
  threshold: number;
  /**
   * Legs left before activation: 1 = activate at the threshold; 2 = a neuron that returned to
   * dormancy and must first shrink back (the "mirror" rule, engine.ts): reaching the threshold
   * then restarts it from its initial direction instead.
   */
  legs: number;
}

/** A fresh dormant state from initial parameters theta(0). */
export function dormantFromInit(model: NeuronModel, index: number, theta0: Float64Array, legs = 1): DormantState {
  let n = 0;
  for (let j = 0; j < theta0.length; j++) n += theta0[j] * theta0[j];
  n = Math.sqrt(n);
  const direction = new Float64Array(theta0.length);
  for (let j = 0; j < theta0.length; j++) direction[j] = theta0[j] / n;
  return { index, direction, accumulated: 0, norm0: n, threshold: activationThreshold(model.kappa, n), legs };
}

export interface UtilityPhaseOptions {
  /** Longest phase (gradient-flow time) before giving up: no dormant neuron reaches its threshold. */
  tMax: number;
  rtol: number;
  atol: number;
  maxSteps: number;
}

export interface UtilityPhaseResult {
  /** Time the phase lasted (tMax when no neuron crossed). */
  duration: number;
  /** Position in `dormant` of the neuron that reached its threshold first, or -1. */
  winner: number;
  /** Utility-gradient evaluations (per neuron). */
  evaluations: number;
}

/**
 * AGF step 1, utility maximisation: for every dormant neuron, with the residual r held fixed,
 *   d theta_bar_i/dt = |theta_i|^(kappa-2) P_perp grad U_i(theta_bar_i; r),   dS_i/dt = kappa U_i(theta_bar_i; r),
 * integrated jointly by adaptive RK45 until the first S_i reaches its threshold c_i (a terminal
 * event on max_i (S_i - c_i)). Projected gradient ascent of U on the sphere, slowed by the norm
 * for kappa > 2 (arXiv 2506.06489, section 2). Updates each state's direction (renormalised) and
 * S in place; time is the gradient-flow time of the model's loss.
 */
export function utilityMaximisation(model: NeuronModel, dormant: DormantState[], residual: Float64Array, opts: UtilityPhaseOptions): UtilityPhaseResult {
  const m = model.dim;
  const D = dormant.length;
  if (D === 0) return { duration: 0, winner: -1, evaluations: 0 };
  const y0 = new Float64Array(D * m + D);
  dormant.forEach((s, k) => {
    y0.set(s.direction, k * m);
    y0[D * m + k] = s.accumulated;
  });
  const unit = new Float64Array(m);
  const grad = new Float64Array(m);
  const scratch = new Float64Array(model.objective.size);
  let evaluations = 0;
  const rhs = (_t: number, y: Float64Array): Float64Array => {
    const dy = new Float64Array(y.length);
    for (let k = 0; k < D; k++) {
      const off = k * m;
      let nn = 0;
      for (let j = 0; j < m; j++) nn += y[off + j] * y[off + j];
      const inv = 1 / Math.sqrt(nn);
      for (let j = 0; j < m; j++) unit[j] = y[off + j] * inv;
      const s = dormant[k];
      const u = neuronUtility(model, s.index, unit, residual, grad, scratch);
      evaluations++;
      let radial = 0;
      for (let j = 0; j < m; j++) radial += unit[j] * grad[j];
      const speed = directionalSpeed(model.kappa, s.norm0, y[D * m + k]);
      for (let j = 0; j < m; j++) dy[off + j] = speed * (grad[j] - radial * unit[j]);
      dy[D * m + k] = model.kappa * u;
    }
    return dy;
  };
  const gap = (_t: number, y: Float64Array) => {
    let best = -Infinity;
    for (let k = 0; k < D; k++) best = Math.max(best, y[D * m + k] - dormant[k].threshold);
    return best;
  };
  const res = dopri5(rhs, 0, y0, opts.tMax, {
    rtol: opts.rtol,
    atol: opts.atol,
    maxSteps: opts.maxSteps,
    events: [{ name: "threshold", fn: gap, direction: 1, terminal: true }],
  });
  const y = res.yEnd;
  let winner = -1;
  let best = -Infinity;
  dormant.forEach((s, k) => {
    const dir = y.subarray(k * m, (k + 1) * m);
    let nn = 0;
    for (let j = 0; j < m; j++) nn += dir[j] * dir[j];
    const inv = 1 / Math.sqrt(nn);
    for (let j = 0; j < m; j++) s.direction[j] = dir[j] * inv;
    s.accumulated = y[D * m + k];
    const g = s.accumulated - s.threshold;
    if (g > best) {
      best = g;
      winner = k;
    }
  });
  const crossed = res.stoppedBy === "threshold";
  if (crossed) dormant[winner].accumulated = dormant[winner].threshold;
  return { duration: res.tEnd, winner: crossed ? winner : -1, evaluations };
}
