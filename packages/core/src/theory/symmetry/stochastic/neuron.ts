/**
 * Single-neuron stochastic collapse (Chen, Kunin, Yamamura & Ganguli, arXiv 2306.04251, Thm 5.1 as
 * coded in the authors' `nbs/Fig2.ipynb`). Model f(x) = w2 sigma(w1 x) with sigma(0) = 0, loss
 * L = 1/(2m) sum_i (f(x_i) - y_i)^2, and SGD modelled by the SDE
 *
 *   dw = -grad L dt + sqrt(eta / m) zeta sum_i grad_w f(w; x_i) dW_i,
 *
 * (label-noise-like diffusion, eta the learning rate, zeta the noise scale, time t = eta step).
 * Linearised at w = 0 (grad f = sigma'(0) x (w2, w1)), u = w1 + w2 obeys
 * du = u [sigma'(0) c dt + sqrt(eta zeta^2 sigma'(0)^2 sum x^2 / m) dB], c = sum x y / m, so the
 * origin attracts iff alpha := eta zeta^2 sigma'(0) / 2 > sum x y / sum x^2.
 */

/** The noise strength alpha = eta zeta^2 sigma'(0) / 2 (dimensionless). */
export function neuronNoiseAlpha(eta: number, zeta: number, sigmaPrime0 = 1): number {
  return (eta * zeta * zeta * sigmaPrime0) / 2;
}

/** Collapse threshold alpha* = sum_i x_i y_i / sum_i x_i^2 (the least-squares slope of y on x). */
export function neuronCollapseThreshold(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let xy = 0;
  let xx = 0;
  for (let i = 0; i < x.length; i++) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
  }
  return xy / xx;
}

/**
 * Linearised growth rate of log|w1 + w2| at the origin, per unit time t = eta step:
 * sigma'(0) (sum x^2 / m) (alpha* - alpha). Negative = collapse.
 */
export function neuronLogGrowthRate(x: ArrayLike<number>, y: ArrayLike<number>, alpha: number, sigmaPrime0 = 1): number {
  let xx = 0;
  for (let i = 0; i < x.length; i++) xx += x[i] * x[i];
  return (sigmaPrime0 * xx * (neuronCollapseThreshold(x, y) - alpha)) / x.length;
}
