import type { AgfObjective } from "./objective.js";

/**
 * A model written as a sum of H neurons, f(x; Theta) = sum_i f_i(x; theta_i), each positively
 * homogeneous of degree kappa in its own parameters: f_i(x; c theta) = c^kappa f_i(x; theta) for
 * c > 0 (Alternating Gradient Flows, arXiv 2506.06489, section 2). Outputs are flat vectors of
 * length `objective.size` (every sample and output coordinate). Examples: a diagonal linear unit
 * u v x_i (kappa = 2), a linear unit a (w^T x) (kappa = 2), a quadratic unit w (u^T x_a + v^T x_b)^2
 * (kappa = 3), a linear-attention head (kappa = 3).
 */
export interface NeuronModel {
  /** Number of neurons H. */
  count: number;
  /** Parameters per neuron m (theta_i in R^m). */
  dim: number;
  /** Degree of positive homogeneity kappa >= 2. */
  kappa: number;
  /** The loss as a function of the summed output, with its residual r = -dL/dF. */
  objective: AgfObjective;
  /** Writes f_i(theta) (length objective.size) into `out`. */
  forward(i: number, theta: Float64Array, out: Float64Array): void;
  /** Writes the pullback J_i(theta)^T cot (length dim) into `out`. */
  pullback(i: number, theta: Float64Array, cot: Float64Array, out: Float64Array): void;
  /**
   * Optional fused utility: returns U_i(theta; r) = <f_i(theta), r> and writes its gradient
   * J_i(theta)^T r into `grad`. Defaults to forward + dot + pullback.
   */
  utility?(i: number, theta: Float64Array, residual: Float64Array, grad: Float64Array): number;
  /** Initial parameters theta_i(0) of each neuron (their norms set the activation thresholds). */
  init: readonly Float64Array[];
}

/** Checks a model's sizes and homogeneity degree, naming the field that is wrong. */
export function validateNeuronModel(model: NeuronModel): void {
  if (!Number.isInteger(model.count) || model.count < 1) throw new RangeError(`model.count must be a positive integer, got ${model.count}`);
  if (!Number.isInteger(model.dim) || model.dim < 1) throw new RangeError(`model.dim must be a positive integer, got ${model.dim}`);
  if (!(model.kappa >= 2) || !Number.isFinite(model.kappa)) throw new RangeError(`model.kappa must be a finite degree >= 2, got ${model.kappa}`);
  if (model.init.length !== model.count) throw new RangeError(`model.init must hold ${model.count} parameter vectors, got ${model.init.length}`);
  model.init.forEach((t, i) => {
    if (t.length !== model.dim) throw new RangeError(`model.init[${i}] must have length ${model.dim}, got ${t.length}`);
    let s = 0;
    for (let j = 0; j < t.length; j++) s += t[j] * t[j];
    if (!(s > 0) || !(s < 1)) throw new RangeError(`model.init[${i}] must have norm in (0, 1) (small initialisation), got ${Math.sqrt(s)}`);
  });
}

/** U_i(theta; r) = <f_i(theta), r> and its gradient J_i^T r, using the model's fused path when it has one. */
export function neuronUtility(model: NeuronModel, i: number, theta: Float64Array, residual: Float64Array, grad: Float64Array, scratch: Float64Array): number {
  if (model.utility) return model.utility(i, theta, residual, grad);
  model.forward(i, theta, scratch);
  let u = 0;
  for (let j = 0; j < residual.length; j++) u += scratch[j] * residual[j];
  model.pullback(i, theta, residual, grad);
  return u;
}
