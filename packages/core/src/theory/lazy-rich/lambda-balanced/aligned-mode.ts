/**
 * One aligned mode of a lambda-balanced two-layer linear network (Domine et al., arXiv 2409.14623):
 * when the init's singular vectors match the target's, the mode's singular value sigma = a b with
 * a^2 - b^2 = lambda (a, b the mode's output- and input-layer weights) and target value s obeys
 *   d sigma / d tau = (a^2 + b^2)(s - sigma) = sqrt(lambda^2 + 4 sigma^2) (s - sigma)
 * in gradient-flow time tau of L = 1/2 |W1 W2 - beta*|_F^2. Exact implicit solution (c = lambda/2,
 * R = sqrt(s^2 + c^2)):
 *   tau(sigma) = T(sigma) - T(sigma_0),  T(sigma) = ln[(R sqrt(sigma^2 + c^2) + s sigma + c^2) / |s - sigma|] / sqrt(4 s^2 + lambda^2).
 * Limits: lambda = 0 is the logistic (Saxe et al. arXiv 1312.6120) sigma = s / (1 + (s/sigma_0 - 1) e^{-2 s tau})
 * (rich, sigmoidal); |lambda| >> s gives sigma - s = (sigma_0 - s) e^{-|lambda| tau} (lazy, exponential).
 */

function antiderivative(sigma: number, s: number, lambda: number): number {
  const c = lambda / 2;
  const R = Math.sqrt(s * s + c * c);
  return Math.log((R * Math.sqrt(sigma * sigma + c * c) + s * sigma + c * c) / Math.abs(s - sigma)) / Math.sqrt(4 * s * s + lambda * lambda);
}

/** Gradient-flow time tau for the mode to go from sigma0 to sigma (both on the same side of s; s > 0). */
export function alignedModeTime(sigma0: number, sigma: number, s: number, lambda: number): number {
  if (!(s > 0)) throw new RangeError(`alignedModeTime: s must be > 0, got ${s}`);
  if ((sigma0 - s) * (sigma - s) <= 0 && sigma !== sigma0) return Infinity;
  return antiderivative(sigma, s, lambda) - antiderivative(sigma0, s, lambda);
}

/** The right-hand side d sigma / d tau = sqrt(lambda^2 + 4 sigma^2)(s - sigma). */
export function alignedModeRate(sigma: number, s: number, lambda: number): number {
  return Math.sqrt(lambda * lambda + 4 * sigma * sigma) * (s - sigma);
}

/** sigma(tau) by inverting `alignedModeTime` (bisection on the monotone map, to round-off). */
export function alignedModeSigma(tau: number, sigma0: number, s: number, lambda: number): number {
  if (tau <= 0 || sigma0 === s) return sigma0;
  let lo = Math.min(sigma0, s);
  let hi = Math.max(sigma0, s);
  const rising = sigma0 < s;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const tm = alignedModeTime(sigma0, mid, s, lambda);
    if ((tm < tau) === rising) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The lambda = 0 limit: the logistic mode s / (1 + (s / sigma0 - 1) e^{-2 s tau}). */
export function logisticMode(tau: number, sigma0: number, s: number): number {
  return s / (1 + (s / sigma0 - 1) * Math.exp(-2 * s * tau));
}

/** The |lambda| >> s limit: the linear (kernel) mode s + (sigma0 - s) e^{-|lambda| tau}. */
export function lazyMode(tau: number, sigma0: number, s: number, lambda: number): number {
  return s + (sigma0 - s) * Math.exp(-Math.abs(lambda) * tau);
}
