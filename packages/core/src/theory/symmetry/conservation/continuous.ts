/**
 * The continuous ("modified gradient flow with weight decay") predictions of Neural Mechanics
 * (Kunin et al., arXiv 2012.04728, Theorems for SGD with weight decay), with time t = eta * step:
 *   translation:     S(t) = e^{-lambda t} S(0)
 *   scale / rescale: Q(t) = e^{-2 lambda t} [Q(0) + eta^2 sum_{k < K} e^{2 lambda t_k} G_k],
 * G_k the measured squared-gradient drive (|g_A|^2, or |g_out|^2 - |g_in|^2) at t_k = eta k.
 * The sum is the paper's "integral buffer" (`scale(time) * g**2` accumulated, times lr^2).
 * Against the exact recursion (discrete.ts) the decay factor e^{-eta lambda} replaces
 * (1 - eta lambda), so the relative error after time t is about eta lambda^2 t (translation:
 * half that): O(eta lambda) per unit of lambda t, halving when eta halves at fixed t.
 */

/** e^{-lambda t} S(0): the translation prediction at time t (t = eta * step). */
export function translationContinuous(sum0: number, wd: number, t: number): number {
  return Math.exp(-wd * t) * sum0;
}

/** The state of a QuadraticContinuousPredictor: the decayed buffer A_K and K. */
export interface ContinuousPredictorState {
  driven: number;
  steps: number;
}

/**
 * Accumulator for the scale / rescale prediction e^{-2 lambda t}[Q0 + eta^2 sum e^{2 lambda t_k} G_k].
 * Kept in the decayed form A_K = e^{-2 lambda t_K} eta^2 sum_{k<K} e^{2 lambda t_k} G_k, updated as
 * A_{K+1} = e^{-2 lambda eta} (A_K + eta^2 G_K), so no exponential overflows at long times.
 */
export class QuadraticContinuousPredictor {
  private driven = 0;
  private steps = 0;
  /** `state` restores a predictor saved with `state()` (plain data, so it can live in a checkpoint). */
  constructor(readonly q0: number, readonly lr: number, readonly wd: number, state?: ContinuousPredictorState) {
    if (state) [this.driven, this.steps] = [state.driven, state.steps];
  }
  /** The accumulated buffer as plain data. */
  state(): ContinuousPredictorState {
    return { driven: this.driven, steps: this.steps };
  }
  /** Feed the drive G_k measured at step k (before that step's update). */
  push(gradSq: number): void {
    this.driven = Math.exp(-2 * this.wd * this.lr) * (this.driven + this.lr * this.lr * gradSq);
    this.steps++;
  }
  /** Prediction after the pushed steps: time t = eta * steps. */
  value(): number {
    return Math.exp(-2 * this.wd * this.lr * this.steps) * this.q0 + this.driven;
  }
}
