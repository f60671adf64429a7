/**
 * Saddle's conventions that theory depends on. Every theory curve names its convention and
 * converts through these functions, never ad hoc.
 *
 * Loss: MSE is L = 1/2 * mean over samples and outputs of (f - y)^2 (`mse` in ops/nn.ts).
 * Time: gradient-flow time t = lr * step under GD, t = lr * step / (1 - beta) under heavy-ball
 * momentum with coefficient beta (the momentum's effective step is lr / (1 - beta)).
 */

/** Which MSE normalisation a formula assumes. */
export type LossNormalisation =
  /** 1/2 mean over samples and outputs (Saddle's default). */
  | "half-mean"
  /** 1/2 mean over samples, summed over outputs. */
  | "half-mean-samples"
  /** 1/2 sum over samples and outputs. */
  | "half-sum"
  /** mean over samples and outputs, no 1/2. */
  | "mean";

/**
 * Factor c with L_to = c * L_from for the same residuals, given n samples and k outputs.
 * Gradient-flow time rescales inversely: the flow of c L runs c times faster (t_to = t_from / c).
 */
export function lossScale(from: LossNormalisation, to: LossNormalisation, n: number, k = 1): number {
  const perEntry: Record<LossNormalisation, number> = {
    "half-mean": 1 / (2 * n * k),
    "half-mean-samples": 1 / (2 * n),
    "half-sum": 1 / 2,
    mean: 1 / (n * k),
  };
  return perEntry[to] / perEntry[from];
}

/** Gradient-flow time reached after `step` steps of GD at learning rate `lr`: t = lr * step. */
export function gdTime(step: number, lr: number): number {
  return lr * step;
}

/** Gradient-flow time under heavy-ball momentum beta: t = lr * step / (1 - beta). */
export function momentumTime(step: number, lr: number, beta: number): number {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`momentum beta must be in [0, 1), got ${beta}`);
  return (lr * step) / (1 - beta);
}

/** The time of a step under the given optimizer settings (beta = 0 for plain GD). */
export function flowTime(step: number, lr: number, beta = 0): number {
  return beta === 0 ? gdTime(step, lr) : momentumTime(step, lr, beta);
}

/**
 * Saddle-to-saddle time units: from initial scale alpha, escape times of degree-2 (kappa = 2)
 * models grow like log(1/alpha), those of degree kappa > 2 like alpha^(2 - kappa). Divide a time
 * by this scale to compare across alpha (AGF, arXiv 2506.06489).
 */
export function saddleTimeScale(alpha: number, kappa = 2): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (kappa === 2) return Math.log(1 / alpha);
  if (kappa > 2) return alpha ** (2 - kappa);
  throw new RangeError(`kappa must be >= 2, got ${kappa}`);
}
