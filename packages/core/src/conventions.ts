/**
 * Saddle's conventions that theory depends on, in one module. Every theory curve names its
 * convention and converts through these functions, never ad hoc.
 *
 * Loss: MSE is L = 1/2 * mean over samples and outputs of (f - y)^2 (`mse` in ops/nn.ts).
 * Time: gradient-flow time t = lr * step under GD, t = lr * step / (1 - beta) under heavy-ball
 * momentum with coefficient beta (the momentum's effective step is lr / (1 - beta)). The training
 * loop and `gradientFlow` log `t` next to `step` through these functions.
 */

/** Which MSE normalisation a formula assumes. */
export type LossNormalisation =
  /** 1/2 mean over samples and outputs (Saddle's default). */
  | "half-mean"
  /** 1/2 mean over samples, summed over outputs. */
  | "half-mean-samples"
  /** 1/2 sum over samples and outputs. */
  | "half-sum"
  /** mean over samples and outputs, no 1/2 (PyTorch's nn.MSELoss). */
  | "mean"
  /** sum over samples and outputs, no 1/2. */
  | "sum";

/** Saddle's MSE normalisation. */
export const SADDLE_MSE: LossNormalisation = "half-mean";

const NORMALISATIONS: readonly LossNormalisation[] = ["half-mean", "half-mean-samples", "half-sum", "mean", "sum"];

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/**
 * Factor c with L_to = c * L_from for the same residuals, given n samples and k outputs, e.g.
 * lossScale("half-mean", "half-sum", n, k) = n k. Gradients scale by the same c.
 */
export function lossScale(from: LossNormalisation, to: LossNormalisation, n: number, k = 1): number {
  for (const [name, v] of [["from", from], ["to", to]] as const) {
    if (!NORMALISATIONS.includes(v)) throw new RangeError(`lossScale: ${name} must be one of ${NORMALISATIONS.join(", ")}, got '${v}'`);
  }
  positiveInt("lossScale n (samples)", n);
  positiveInt("lossScale k (outputs)", k);
  const perEntry: Record<LossNormalisation, number> = {
    "half-mean": 1 / (2 * n * k),
    "half-mean-samples": 1 / (2 * n),
    "half-sum": 1 / 2,
    mean: 1 / (n * k),
    sum: 1,
  };
  return perEntry[to] / perEntry[from];
}

/**
 * The gradient-flow time under normalisation `to` that reaches the same parameters as time `t`
 * under `from`: the flow of c L runs c times faster, so t_to = t_from / c with c = lossScale.
 */
export function convertFlowTime(t: number, from: LossNormalisation, to: LossNormalisation, n: number, k = 1): number {
  return t / lossScale(from, to, n, k);
}

/** Gradient-flow time advanced by one step: lr under GD, lr / (1 - beta) under heavy-ball momentum. */
export function timePerStep(lr: number, beta = 0): number {
  if (!(lr >= 0 && Number.isFinite(lr))) throw new RangeError(`learning rate must be a finite number >= 0, got ${lr}`);
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`momentum beta must be in [0, 1), got ${beta}`);
  return lr / (1 - beta);
}

/** Gradient-flow time reached after `step` steps of GD at learning rate `lr`: t = lr * step. */
export function gdTime(step: number, lr: number): number {
  return step * timePerStep(lr, 0);
}

/** Gradient-flow time under heavy-ball momentum beta: t = lr * step / (1 - beta). */
export function momentumTime(step: number, lr: number, beta: number): number {
  return step * timePerStep(lr, beta);
}

/** The time of a step under the given optimizer settings (beta = 0 for plain GD). */
export function flowTime(step: number, lr: number, beta = 0): number {
  return step * timePerStep(lr, beta);
}

/** The (fractional) number of steps that reaches gradient-flow time t: t (1 - beta) / lr. */
export function stepsForTime(t: number, lr: number, beta = 0): number {
  const dt = timePerStep(lr, beta);
  if (!(dt > 0)) throw new RangeError(`stepsForTime needs a learning rate > 0, got ${lr}`);
  return t / dt;
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

/** A time expressed in saddle-to-saddle units: t / saddleTimeScale(alpha, kappa). */
export function rescaledSaddleTime(t: number, alpha: number, kappa = 2): number {
  return t / saddleTimeScale(alpha, kappa);
}
