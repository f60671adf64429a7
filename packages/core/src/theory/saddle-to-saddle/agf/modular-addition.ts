import { type LossNormalisation, lossScale } from "../../../conventions.js";

/**
 * |x_hat_k| for k = 0..p-1, with x_hat_k = sum_j x_j e^(-2 pi i j k / p) (numpy's fft convention).
 */
export function dftMagnitudes(x: ArrayLike<number>): Float64Array {
  const p = x.length;
  const out = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < p; j++) {
      const a = (-2 * Math.PI * ((j * k) % p)) / p;
      re += x[j] * Math.cos(a);
      im += x[j] * Math.sin(a);
    }
    out[k] = Math.hypot(re, im);
  }
  return out;
}

/**
 * AGF's closed-form staircase for a quadratic network f(x_a, x_b) = W (U x_a + V x_b)^2 learning
 * modular addition with a template x on Z_p (inputs roll(x, a), roll(x, b); target
 * roll(x, a + b); Alternating Gradient Flows, arXiv 2506.06489, section 5; authors' notebook):
 *  - frequencies are learned in decreasing |x_hat_k| (1 <= k <= p/2, nonzero only);
 *  - one-sided power P_k = 2 |x_hat_k|^2 / p (|x_hat_k|^2 / p at the Nyquist k = p/2);
 *  - plateau after learning a set of frequencies: (1/p) sum_{unlearned k} P_k in nn.MSELoss units
 *    (mean over samples and outputs), converted here to `normalisation` (default Saddle's 1/2 mean);
 *  - max utility of a unit-norm neuron on frequency k: U*_k = sqrt(2p/27) |x_hat_k|^3 / p^2 in the
 *    gradient-flow time of 1/2 E|y - f|^2 (sum over outputs) [code, checked numerically in the
 *    tests by utility ascent], converted to the normalisation's time;
 *  - no neuron of initial norm at most norm0 can acquire frequency k before
 *    t_k = (1/norm0 - 1) / (3 U*_k) (kappa = 3 threshold; S <= 3 U*_k t).
 */
export interface ModularAdditionAgf {
  p: number;
  /** Frequencies in learning order. */
  order: number[];
  /** |x_hat_k| in learning order. */
  magnitudes: number[];
  /** P_k in learning order. */
  powers: number[];
  /** Plateau levels: levels[j] after the first j frequencies (levels[0] = the initial loss). */
  levels: number[];
  /** U*_k in learning order (per unit time of the normalisation's gradient flow). */
  maxUtility: number[];
  /** Lower bounds on the activation time of each frequency (NaN without norm0). */
  lowerBounds: number[];
}

export function modularAdditionAgf(template: ArrayLike<number>, { normalisation = "half-mean" as LossNormalisation, norm0 = NaN } = {}): ModularAdditionAgf {
  const p = template.length;
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`template length p must be an integer >= 2, got ${p}`);
  if (!Number.isNaN(norm0) && !(norm0 > 0 && norm0 < 1)) throw new RangeError(`norm0 must be in (0, 1), got ${norm0}`);
  const mags = dftMagnitudes(template);
  const peak = Math.max(...Array.from(mags));
  const freqs: number[] = [];
  for (let k = 1; 2 * k <= p; k++) if (mags[k] > 1e-12 * Math.max(peak, 1e-300)) freqs.push(k);
  const order = freqs.sort((a, b) => mags[b] - mags[a] || a - b);
  const n = p * p;
  const levelScale = lossScale("mean", normalisation, n, p);
  const rateScale = lossScale("half-mean-samples", normalisation, n, p);
  const powers = order.map((k) => ((2 * k === p ? 1 : 2) * mags[k] * mags[k]) / p);
  const levels: number[] = [];
  let rest = powers.reduce((s, v) => s + v, 0);
  levels.push((levelScale * rest) / p);
  for (const P of powers) {
    rest -= P;
    levels.push((levelScale * Math.max(rest, 0)) / p);
  }
  const maxUtility = order.map((k) => (Math.sqrt((2 * p) / 27) * mags[k] ** 3) / (p * p) * rateScale);
  const lowerBounds = maxUtility.map((u) => (Number.isNaN(norm0) ? NaN : (1 / norm0 - 1) / (3 * u)));
  return { p, order, magnitudes: order.map((k) => mags[k]), powers, levels, maxUtility, lowerBounds };
}
