import type { NeuronModel } from "./neuron-model.js";
import { type LbfgsOptions, type LbfgsResult, lbfgs } from "../../../solve/lbfgs.js";

/** The summed output F = sum_{i in A} f_i(theta_i) of the given neurons (length objective.size). */
export function activeOutput(model: NeuronModel, active: ReadonlyMap<number, Float64Array>): Float64Array {
  const F = new Float64Array(model.objective.size);
  const f = new Float64Array(model.objective.size);
  for (const [i, theta] of active) {
    model.forward(i, theta, f);
    for (let j = 0; j < F.length; j++) F[j] += f[j];
  }
  return F;
}

/** The residual r = -dL/dF of the active network alone (all dormant neurons taken as zero). */
export function activeResidual(model: NeuronModel, active: ReadonlyMap<number, Float64Array>): Float64Array {
  const r = new Float64Array(model.objective.size);
  model.objective.residual(activeOutput(model, active), r);
  return r;
}

/**
 * AGF step 2, cost minimisation: C(Theta_A) = L(sum_{i in A} f_i(theta_i)) minimised over the
 * active neurons' parameters, starting from their current values (the end point of gradient flow
 * restricted to A, which takes no AGF time; arXiv 2506.06489, section 2). Gradient:
 * dC/dtheta_i = -J_i^T r. Minimised by L-BFGS; the parameters in `active` are updated in place.
 */
export function costMinimisation(model: NeuronModel, active: Map<number, Float64Array>, opts: LbfgsOptions = {}): LbfgsResult {
  const ids = [...active.keys()];
  const m = model.dim;
  const x = new Float64Array(ids.length * m);
  ids.forEach((i, k) => x.set(active.get(i)!, k * m));
  const F = new Float64Array(model.objective.size);
  const f = new Float64Array(model.objective.size);
  const r = new Float64Array(model.objective.size);
  const pull = new Float64Array(m);
  const objective = (v: Float64Array, grad: Float64Array): number => {
    F.fill(0);
    ids.forEach((i, k) => {
      model.forward(i, v.subarray(k * m, (k + 1) * m), f);
      for (let j = 0; j < F.length; j++) F[j] += f[j];
    });
    const value = model.objective.value(F);
    model.objective.residual(F, r);
    ids.forEach((i, k) => {
      model.pullback(i, v.subarray(k * m, (k + 1) * m), r, pull);
      for (let j = 0; j < m; j++) grad[k * m + j] = -pull[j];
    });
    return value;
  };
  const result = lbfgs(objective, x, opts);
  ids.forEach((i, k) => active.get(i)!.set(x.subarray(k * m, (k + 1) * m)));
  return result;
}

/**
 * Loss of the whole network sum_i f_i(theta_i) and its gradient dL/dtheta_i = -J_i^T r for every
 * neuron (written into `grads`, one array per neuron): one full-batch gradient evaluation, for
 * simulating gradient descent on a neuron model with its own (structured) forward and pullback.
 */
export function networkLossAndGrad(model: NeuronModel, thetas: readonly Float64Array[], grads: Float64Array[]): number {
  if (thetas.length !== model.count || grads.length !== model.count) throw new RangeError(`networkLossAndGrad needs ${model.count} parameter and gradient arrays, got ${thetas.length} and ${grads.length}`);
  const F = new Float64Array(model.objective.size);
  const f = new Float64Array(model.objective.size);
  thetas.forEach((theta, i) => {
    model.forward(i, theta, f);
    for (let j = 0; j < F.length; j++) F[j] += f[j];
  });
  const value = model.objective.value(F);
  const r = new Float64Array(model.objective.size);
  model.objective.residual(F, r);
  thetas.forEach((theta, i) => {
    model.pullback(i, theta, r, grads[i]);
    for (let j = 0; j < grads[i].length; j++) grads[i][j] = -grads[i][j];
  });
  return value;
}
