import { chain, type GradientTransformation } from "./transform.js";
import { scaleByLearningRate, trace, scaleByAdam, scaleByRms, addDecayedWeights } from "./blocks.js";
import { scaleBySoap, type SoapOptions } from "./soap.js";
import type { Schedule } from "./schedules.js";
import type { Tree } from "../tree.js";

// Ready-made optimizers, each a chain of blocks (so `state[i]` is the i-th block's state).
// `lr` is a number or a schedule of the step count.

type Block = GradientTransformation<unknown>;
// Blocks have different state types; chain stores them side by side as unknown.
const blocks = (...ts: (Block | null)[]): Block[] => ts.filter((t): t is Block => t !== null);

/** Gradient descent: theta <- theta - lr g. Gradient-flow time t = lr step (conventions.ts). */
export function gd(lr: number | Schedule): GradientTransformation<unknown[]> {
  return chain(...blocks(scaleByLearningRate(lr)));
}

export interface SgdOptions {
  /** Heavy-ball coefficient beta in [0, 1); 0 = plain SGD. */
  momentum?: number;
  /** Nesterov's form of the momentum. */
  nesterov?: boolean;
  /** Coupled L2 weight decay (added to the gradient before the momentum). */
  wd?: number;
  /** Start velocity (a tree like the parameters); zeros by default. */
  initialVelocity?: Tree;
}

/**
 * SGD (the stochasticity is in the batches the loop feeds it) with optional heavy-ball or Nesterov
 * momentum and coupled weight decay: v <- beta v + (g + wd theta); theta <- theta - lr v
 * (Nesterov: theta <- theta - lr (g + wd theta + beta v)). Time t = lr step / (1 - beta).
 */
export function sgd(lr: number | Schedule, { momentum = 0, nesterov = false, wd = 0, initialVelocity }: SgdOptions = {}): GradientTransformation<unknown[]> {
  if (nesterov && !momentum) throw new RangeError("sgd: nesterov needs momentum > 0");
  return chain(...blocks(
    wd ? addDecayedWeights(wd) : null,
    momentum || initialVelocity ? trace({ decay: momentum, nesterov, initialVelocity }) : null,
    scaleByLearningRate(lr),
  ));
}

/** Heavy-ball momentum SGD (Polyak 1964): `sgd(lr, { momentum: beta })`. */
export function momentum(lr: number | Schedule, beta = 0.9, opts: Omit<SgdOptions, "momentum" | "nesterov"> = {}): GradientTransformation<unknown[]> {
  return sgd(lr, { ...opts, momentum: beta });
}

/** Nesterov momentum SGD: `sgd(lr, { momentum: beta, nesterov: true })`. */
export function nesterov(lr: number | Schedule, beta = 0.9, opts: Omit<SgdOptions, "momentum" | "nesterov"> = {}): GradientTransformation<unknown[]> {
  return sgd(lr, { ...opts, momentum: beta, nesterov: true });
}

/** Adam (arXiv 1412.6980) with optional coupled L2 weight decay `wd` (added to the gradient). */
export function adam(lr: number | Schedule, { b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0 } = {}): GradientTransformation<unknown[]> {
  return chain(...blocks(wd ? addDecayedWeights(wd) : null, scaleByAdam({ b1, b2, eps }), scaleByLearningRate(lr)));
}

/** AdamW (arXiv 1711.05101): decoupled weight decay, theta <- theta - lr (adam_direction + wd theta). */
export function adamw(lr: number | Schedule, { b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 1e-2 } = {}): GradientTransformation<unknown[]> {
  return chain(...blocks(scaleByAdam({ b1, b2, eps }), addDecayedWeights(wd), scaleByLearningRate(lr)));
}

/** RMSProp (Tieleman & Hinton 2012): theta <- theta - lr g / (sqrt(v) + eps). */
export function rmsprop(lr: number | Schedule, { decay = 0.9, eps = 1e-8 } = {}): GradientTransformation<unknown[]> {
  return chain(...blocks(scaleByRms({ decay, eps }), scaleByLearningRate(lr)));
}

/** SOAP (arXiv 2409.11321) with decoupled weight decay: theta <- theta - lr (soap_direction + wd theta). */
export function soap(lr: number | Schedule, { wd = 0, ...opts }: SoapOptions & { wd?: number } = {}): GradientTransformation<unknown[]> {
  return chain(...blocks(scaleBySoap(opts), wd ? addDecayedWeights(wd) : null, scaleByLearningRate(lr)));
}
