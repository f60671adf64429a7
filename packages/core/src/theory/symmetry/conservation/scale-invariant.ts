/**
 * Noether's learning dynamics of a scale-invariant block (Tanaka & Kunin, arXiv 2105.02716,
 * section 5; Neural Mechanics arXiv 2012.04728 for the scale law). With L(c theta) = L(theta) the
 * gradient is orthogonal to theta and of degree -1: g(theta) = ghat(theta / |theta|) / |theta|,
 * ghat the gradient at the unit-norm point. Writing N = |theta|^2, plain (S)GD with coupled wd gives
 *   N_{k+1} = (1 - eta lambda)^2 N_k + eta^2 |ghat_k|^2 / N_k        (exact, discrete.ts)
 * so the direction theta/|theta| moves with the effective ("angular") step eta / N_k.
 */

/** The effective learning rate eta / |theta|^2 of the direction of a scale-invariant block. */
export function effectiveLearningRate(lr: number, normSq: number): number {
  return lr / normSq;
}

/**
 * Without weight decay, N_{k+1}^2 = N_k^2 + 2 eta^2 |ghat_k|^2 + eta^4 |ghat_k|^4 / N_k^2, so the
 * AdaGrad-like law N_K^2 ~= N_0^2 + 2 eta^2 sum_{k<K} |ghat_k|^2 (the Noether charge's motion) drops
 * only the last term: relative error about (eta |ghat| / N)^2 / 2 per step, i.e. O(eta_eff^2 |ghat|^2).
 * Returns N_K^2 = |theta_K|^4.
 */
export function adagradNormFourth(normSq0: number, lr: number, sumGhatSq: number): number {
  return normSq0 * normSq0 + 2 * lr * lr * sumGhatSq;
}

/**
 * The weight-decay equilibrium of N = |theta|^2 (derived): setting N_{k+1} = N_k with a stationary
 * mean <|ghat|^2> gives N^2 (1 - (1 - eta lambda)^2) = eta^2 <|ghat|^2>, i.e.
 *   |theta|^4 = eta <|ghat|^2> / (lambda (2 - eta lambda))  ~=  eta <|ghat|^2> / (2 lambda).
 * `exact = false` returns the paper-style approximation. The relaxation time of N^2 is about
 * 1 / (4 eta lambda) steps ("implicit RMSProp": an exponential moving average of |ghat|^2).
 */
export function equilibriumNormFourth(lr: number, wd: number, meanGhatSq: number, exact = true): number {
  if (!(wd > 0)) throw new RangeError(`equilibriumNormFourth: needs weight decay > 0, got ${wd}`);
  return exact ? (lr * meanGhatSq) / (wd * (2 - lr * wd)) : (lr * meanGhatSq) / (2 * wd);
}

/**
 * "Implicit RMSProp" (derived, arXiv 2105.02716 section 5): with weight decay,
 *   N_{k+1}^2 = (1 - eta lambda)^4 N_k^2 + 2 (1 - eta lambda)^2 eta^2 |ghat_k|^2 + eta^4 |ghat_k|^4 / N_k^2;
 * dropping the last term leaves an exponential moving average of |ghat|^2 with decay
 * (1 - eta lambda)^4. One step of that law for |theta|^4; lambda = 0 gives the AdaGrad-like sum.
 */
export function rmspropNormFourthStep(normFourth: number, ghatSq: number, lr: number, wd: number): number {
  const keep = (1 - lr * wd) ** 2;
  return keep * keep * normFourth + 2 * keep * lr * lr * ghatSq;
}
