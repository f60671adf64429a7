/**
 * Radial dynamics of a dormant neuron in AGF (Alternating Gradient Flows, arXiv 2506.06489): by
 * Euler's theorem for a neuron homogeneous of degree kappa, d|theta|/dt = kappa |theta|^(kappa-1)
 * U(theta_bar; r), so with the accumulated utility S(t) = kappa int_0^t U(theta_bar(s); r) ds
 *   kappa = 2:  |theta(t)| = |theta(0)| e^S
 *   kappa > 2:  |theta(t)|^(2-kappa) = |theta(0)|^(2-kappa) - (kappa - 2) S.
 * The neuron activates when its norm reaches 1, i.e. when S reaches the threshold
 *   c = -log |theta(0)|                         (kappa = 2)
 *   c = (|theta(0)|^(2-kappa) - 1) / (kappa - 2)  (kappa > 2)
 * [derived by integrating the radial ODE; matches the authors' kappa = 2 and kappa = 3 code].
 * Times are gradient-flow times of the model's loss (learning rate folded in by the caller).
 */

function check(kappa: number, norm0: number): void {
  if (!(kappa >= 2) || !Number.isFinite(kappa)) throw new RangeError(`kappa must be a finite degree >= 2, got ${kappa}`);
  if (!(norm0 > 0 && norm0 < 1)) throw new RangeError(`initial norm must be in (0, 1), got ${norm0}`);
}

/** Activation threshold c(kappa, |theta(0)|) on the accumulated utility S (dimensionless). */
export function activationThreshold(kappa: number, norm0: number): number {
  check(kappa, norm0);
  if (kappa === 2) return -Math.log(norm0);
  return (norm0 ** (2 - kappa) - 1) / (kappa - 2);
}

/** |theta| of a dormant neuron with initial norm norm0 after accumulating utility S (Infinity past blow-up for kappa > 2). */
export function normFromUtility(kappa: number, norm0: number, accumulated: number): number {
  check(kappa, norm0);
  if (kappa === 2) return norm0 * Math.exp(accumulated);
  const base = norm0 ** (2 - kappa) - (kappa - 2) * accumulated;
  return base > 0 ? base ** (-1 / (kappa - 2)) : Infinity;
}

/** The accumulated utility at which a dormant neuron's norm equals `norm` (inverse of normFromUtility). */
export function utilityForNorm(kappa: number, norm0: number, norm: number): number {
  check(kappa, norm0);
  if (!(norm > 0)) throw new RangeError(`norm must be > 0, got ${norm}`);
  if (kappa === 2) return Math.log(norm / norm0);
  return (norm0 ** (2 - kappa) - norm ** (2 - kappa)) / (kappa - 2);
}

/**
 * Speed factor of the directional dynamics, |theta|^(kappa-2), as a function of S: the direction
 * obeys d theta_bar/dt = |theta|^(kappa-2) P_perp grad U(theta_bar; r). Equals 1 for kappa = 2.
 */
export function directionalSpeed(kappa: number, norm0: number, accumulated: number): number {
  if (kappa === 2) return 1;
  const base = norm0 ** (2 - kappa) - (kappa - 2) * accumulated;
  return base > 0 ? 1 / base : Infinity;
}
