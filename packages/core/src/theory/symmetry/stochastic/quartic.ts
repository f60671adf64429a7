/**
 * The canonical stochastic-collapse SDE of Chen, Kunin, Yamamura & Ganguli (arXiv 2306.04251,
 * "Stochastic Collapse", NeurIPS 2023, Fig. 1):
 *
 *   d theta = -(theta^3 - mu theta) dt + zeta theta dW.
 *
 * The noise vanishes on the invariant set {theta = 0}. By Ito, y = log|theta| obeys
 * dy = (mu - theta^2 - zeta^2 / 2) dt + zeta dW, so near 0 the set is attractive iff
 * zeta > sqrt(2 mu) even though 0 is a local maximum of the loss (theta^4/4 - mu theta^2/2).
 * Time t is the SDE's own time (dimensionless).
 */

/** Collapse threshold zeta* = sqrt(2 mu): {0} attracts iff zeta > zeta*. */
export function quarticCollapseThreshold(mu: number): number {
  return Math.sqrt(2 * mu);
}

/** Growth rate of log|theta| near 0 (per unit time): mu - zeta^2 / 2 (negative = collapse). */
export function quarticLogGrowthRate(mu: number, zeta: number): number {
  return mu - (zeta * zeta) / 2;
}

/**
 * Unnormalised stationary density on theta != 0 (zero-flux Fokker-Planck solution):
 * p(theta) = |theta|^{2 mu / zeta^2 - 2} exp(-theta^2 / zeta^2). Integrable at 0 iff zeta^2 < 2 mu,
 * the same threshold as the growth rate: above it the only stationary law is the point mass at 0.
 */
export function quarticStationaryDensity(theta: number, mu: number, zeta: number): number {
  const z2 = zeta * zeta;
  return Math.pow(Math.abs(theta), (2 * mu) / z2 - 2) * Math.exp(-(theta * theta) / z2);
}

/**
 * Stationary second moment E[theta^2] = mu - zeta^2 / 2 for zeta < sqrt(2 mu) (from the density
 * above: a Gamma law of theta^2 with shape mu/zeta^2 - 1/2 and scale zeta^2); NaN above threshold
 * (the law there is the point mass at 0). As zeta -> 0 it tends to mu, the deterministic minimum.
 */
export function quarticStationarySecondMoment(mu: number, zeta: number): number {
  return zeta * zeta < 2 * mu ? mu - (zeta * zeta) / 2 : NaN;
}

/**
 * Finite-time 50% collapse crossing, upper bound: the zeta at which the median of log|theta_t|,
 * ignoring the confining quartic (which only lowers log|theta|), reaches log(eps) from theta0 at
 * time t: zeta = sqrt(2 mu + 2 (log|theta0| - log eps) / t). Tends to sqrt(2 mu) as t -> infinity.
 * The measured crossing of P(|theta_t| < eps) = 1/2 lies between sqrt(2 mu) and this value.
 */
export function quarticFiniteTimeCrossingBound(mu: number, theta0: number, eps: number, t: number): number {
  return Math.sqrt(2 * mu + (2 * (Math.log(Math.abs(theta0)) - Math.log(eps))) / t);
}
