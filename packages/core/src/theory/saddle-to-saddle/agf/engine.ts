import { type NeuronModel, validateNeuronModel } from "./neuron-model.js";
import { type DormantState, dormantFromInit, utilityMaximisation } from "./dormant.js";
import { activeOutput, activeResidual, costMinimisation } from "./cost.js";
import type { LbfgsOptions } from "../../../solve/lbfgs.js";

/** How a neuron that leaves the active set re-enters the dormant set. */
export type ReturnRule =
  /**
   * The neuron must first shrink back to its initial scale and then regrow: it restarts from its
   * initial direction and must reach the threshold twice, the first time standing for the descent
   * (the time to shrink from norm 1 is taken equal to the time to grow back under the current
   * residual). [derived] Exact for diagonal linear networks as alpha -> 0: their gradient flow
   * conserves u^2 - v^2, so a collapsing unit passes through its initial point, and the
   * descent mirrors the ascent; this reproduces the Pesme-Flammarion re-activation time 2/|g_i|.
   */
  | "mirror"
  /** The neuron restarts afresh from its initial parameters (one leg). */
  | "restart";

export interface AgfOptions {
  /** Re-entry rule for neurons that leave the active set. Default "mirror". */
  onReturn?: ReturnRule;
  /** An active neuron whose norm falls below this returns to dormancy. Default 1e-3. */
  collapseNorm?: number;
  /** An active neuron whose output reverses (<f_i after, f_i at activation> < 0) returns to dormancy. Default true. */
  deactivateOnSignFlip?: boolean;
  /** Stop once the loss is at most this. Default 1e-14 times the initial loss. */
  stopLoss?: number;
  /** Most activations. Default 4 x the number of neurons. */
  maxJumps?: number;
  /**
   * Longest utility-maximisation phase in gradient-flow time; a phase that reaches it stops AGF
   * ("stalled": no dormant neuron gains utility, e.g. the residual is orthogonal to every neuron).
   * Default 1e6 x the first jump time (1e12 for the first phase).
   */
  tMax?: number;
  /** RK45 tolerances of the dormant dynamics. Defaults 1e-10 and 1e-12. */
  rtol?: number;
  atol?: number;
  /** RK45 step cap per phase. Default 200000. */
  maxSteps?: number;
  /** Cost-minimisation (L-BFGS) options. */
  cost?: LbfgsOptions;
  /** Labels the feature an activated neuron acquires (e.g. a coordinate, a frequency). */
  feature?: (neuron: number, theta: Float64Array) => number;
}

/** One AGF iteration: a neuron activates at time t and the active set is re-fit. */
export interface AgfJump {
  /** 1-based jump number. */
  k: number;
  /** Gradient-flow time of the activation. */
  t: number;
  /** The neuron that activated. */
  neuron: number;
  /** The feature it acquired (options.feature), or NaN. */
  feature: number;
  /** Neurons that returned to dormancy during this cost minimisation. */
  deactivated: number[];
  /** Loss after cost minimisation: the plateau level until the next jump. */
  level: number;
  /** Active neurons after the jump, with their parameters (copies). */
  active: Map<number, Float64Array>;
  /** Cost-minimisation iterations this jump took. */
  costIterations: number;
}

export type AgfStopReason = "converged" | "no-dormant" | "stalled" | "max-jumps";

export interface AgfResult {
  /** Loss at t = 0 (all neurons dormant, output zero). */
  initialLoss: number;
  jumps: AgfJump[];
  stopReason: AgfStopReason;
  /** Time the last phase ended (the last jump, or the end of a stalled phase). */
  tEnd: number;
  /** Utility-gradient evaluations and cost-function evaluations spent. */
  utilityEvaluations: number;
  costEvaluations: number;
  /** Dormant neurons at the end with their directions and accumulated utilities. */
  dormant: DormantState[];
}

/**
 * Alternating Gradient Flows (Kunin, Marchetti, Chen, Karkada, Simon, DeWeese, Ganguli & Miolane,
 * arXiv 2506.06489), for any model that is a sum of neurons homogeneous of degree kappa
 * (neuron-model.ts). All neurons start dormant at their initial parameters; then repeat:
 *  1. utility maximisation (dormant.ts): dormant directions ascend U_i(theta_bar; r) on the sphere
 *     while S_i = kappa int U_i dt accumulates, until the first S_i reaches its threshold c_i; t
 *     advances by that time;
 *  2. cost minimisation (cost.ts): the neuron joins the active set at norm 1 along its direction
 *     and the active set is fit to convergence (no time passes); an active neuron whose norm
 *     collapses below `collapseNorm` or whose output reverses returns to dormancy (`onReturn`),
 *     and the rest are re-fit;
 * until the loss vanishes, no dormant neuron is left, or none can reach its threshold. Returns
 * the staircase: jump times, plateau levels and which neuron (feature) each jump acquires. Times
 * are gradient-flow times of the model's loss (divide by the learning rate for GD steps).
 */
export function alternatingGradientFlow(model: NeuronModel, options: AgfOptions = {}): AgfResult {
  validateNeuronModel(model);
  const {
    onReturn = "mirror",
    collapseNorm = 1e-3,
    deactivateOnSignFlip = true,
    maxJumps = 4 * model.count,
    tMax: tMaxOption,
    rtol = 1e-10,
    atol = 1e-12,
    maxSteps = 200_000,
    cost = {},
    feature,
  } = options;
  if (onReturn !== "mirror" && onReturn !== "restart") throw new RangeError(`onReturn must be "mirror" or "restart", got '${String(onReturn)}'`);
  if (!(collapseNorm >= 0 && collapseNorm < 1)) throw new RangeError(`collapseNorm must be in [0, 1), got ${collapseNorm}`);
  if (tMaxOption !== undefined && !(tMaxOption > 0)) throw new RangeError(`tMax must be > 0, got ${tMaxOption}`);
  const size = model.objective.size;
  const initialLoss = model.objective.value(new Float64Array(size));
  const stopLoss = options.stopLoss ?? 1e-14 * initialLoss;
  const dormant: DormantState[] = model.init.map((t, i) => dormantFromInit(model, i, t));
  const active = new Map<number, Float64Array>();
  const activationOutput = new Map<number, Float64Array>();
  const jumps: AgfJump[] = [];
  let t = 0;
  let utilityEvaluations = 0;
  let costEvaluations = 0;
  let stopReason: AgfStopReason = "max-jumps";
  let level = initialLoss;
  const outputOf = (i: number, theta: Float64Array) => {
    const f = new Float64Array(size);
    model.forward(i, theta, f);
    return f;
  };
  while (jumps.length < maxJumps) {
    if (level <= stopLoss) {
      stopReason = "converged";
      break;
    }
    if (dormant.length === 0) {
      stopReason = "no-dormant";
      break;
    }
    const residual = activeResidual(model, active);
    const tMax = tMaxOption ?? (jumps.length > 0 ? 1e6 * jumps[0].t : 1e12);
    const phase = utilityMaximisation(model, dormant, residual, { tMax, rtol, atol, maxSteps });
    utilityEvaluations += phase.evaluations;
    t += phase.duration;
    if (phase.winner < 0) {
      stopReason = "stalled";
      break;
    }
    const winner = dormant[phase.winner];
    if (winner.legs > 1) {
      // A returning neuron finished shrinking back: it restarts from its initial direction.
      const fresh = dormantFromInit(model, winner.index, model.init[winner.index], winner.legs - 1);
      dormant[phase.winner] = fresh;
      continue;
    }
    dormant.splice(phase.winner, 1);
    const theta = Float64Array.from(winner.direction); // norm 1 along theta_bar
    active.set(winner.index, theta);
    activationOutput.set(winner.index, outputOf(winner.index, theta));
    const deactivated: number[] = [];
    let costIterations = 0;
    for (;;) {
      const res = costMinimisation(model, active, cost);
      costIterations += res.iterations;
      costEvaluations += res.evaluations;
      const leaving: number[] = [];
      for (const [i, th] of active) {
        let nn = 0;
        for (let j = 0; j < th.length; j++) nn += th[j] * th[j];
        let flipped = false;
        if (deactivateOnSignFlip) {
          const now = outputOf(i, th);
          const then = activationOutput.get(i)!;
          let d = 0;
          for (let j = 0; j < size; j++) d += now[j] * then[j];
          flipped = d < 0;
        }
        if (Math.sqrt(nn) < collapseNorm || flipped) leaving.push(i);
      }
      if (leaving.length === 0) break;
      for (const i of leaving) {
        active.delete(i);
        activationOutput.delete(i);
        deactivated.push(i);
        dormant.push(dormantFromInit(model, i, model.init[i], onReturn === "mirror" ? 2 : 1));
      }
      if (active.size === 0) break;
    }
    level = model.objective.value(activeOutput(model, active));
    const snapshot = new Map<number, Float64Array>();
    for (const [i, th] of active) snapshot.set(i, Float64Array.from(th));
    jumps.push({
      k: jumps.length + 1,
      t,
      neuron: winner.index,
      feature: feature && active.has(winner.index) ? feature(winner.index, active.get(winner.index)!) : NaN,
      deactivated,
      level,
      active: snapshot,
      costIterations,
    });
  }
  return { initialLoss, jumps, stopReason, tEnd: t, utilityEvaluations, costEvaluations, dormant };
}
