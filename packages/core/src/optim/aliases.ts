import { chain, type GradientTransformation } from "./transform.js";
import { scaleByLearningRate, trace, scaleByAdam, scaleByRms, addDecayedWeights } from "./blocks.js";
import { scaleBySoap } from "./soap.js";
import type { Schedule } from "./schedules.js";

/** Plain gradient descent: theta <- theta - lr g. */
export const gd = (lr: number | Schedule) => chain(scaleByLearningRate(lr));

/**
 * SGD with optional heavy-ball or Nesterov momentum and coupled weight decay (added to the
 * gradient before momentum): v <- beta v + (g + wd theta); theta <- theta - lr v.
 */
export function sgd(lr: number | Schedule, { momentum = 0, nesterov = false, wd = 0 } = {}): GradientTransformation<unknown[]> {
  const parts: GradientTransformation<unknown>[] = [];
  if (wd) parts.push(addDecayedWeights(wd) as GradientTransformation<unknown>);
  if (momentum) parts.push(trace({ decay: momentum, nesterov }) as GradientTransformation<unknown>);
  parts.push(scaleByLearningRate(lr) as GradientTransformation<unknown>);
  return chain(...parts);
}

/** Adam (arXiv 1412.6980) with coupled L2 weight decay `wd` (added to the gradient). */
export function adam(lr: number | Schedule, { b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0 } = {}) {
  const parts: GradientTransformation<unknown>[] = [];
  if (wd) parts.push(addDecayedWeights(wd) as GradientTransformation<unknown>);
  parts.push(scaleByAdam({ b1, b2, eps }) as GradientTransformation<unknown>, scaleByLearningRate(lr) as GradientTransformation<unknown>);
  return chain(...parts);
}

/** AdamW (arXiv 1711.05101): decoupled weight decay, theta <- theta - lr (adam_dir + wd theta). */
export function adamw(lr: number | Schedule, { b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 1e-2 } = {}) {
  return chain(scaleByAdam({ b1, b2, eps }), addDecayedWeights(wd), scaleByLearningRate(lr));
}

/** RMSProp: theta <- theta - lr g / (sqrt(v) + eps). */
export function rmsprop(lr: number | Schedule, { decay = 0.9, eps = 1e-8 } = {}) {
  return chain(scaleByRms({ decay, eps }), scaleByLearningRate(lr));
}

/** SOAP (arXiv 2409.11321) with decoupled weight decay. */
export function soap(lr: number | Schedule, { b1 = 0.95, b2 = 0.95, eps = 1e-8, wd = 0, precondFrequency = 10 } = {}) {
  return chain(scaleBySoap({ b1, b2, eps, precondFrequency }), addDecayedWeights(wd), scaleByLearningRate(lr));
}
