/**
 * The "symmetrized" two-layer ReLU initialisation of Get rich quick (arXiv 2406.06158, section 5;
 * `two-layer-relu/utils.py::get_alpha` of allanraventos/getrichquick): each hidden neuron has
 * w_i = tau alpha u_i (u_i a unit direction) and a_i = +-tau / alpha, in pairs with the same u_i and
 * opposite a_i so that f = 0 at init. Then every neuron has the same conserved quantity
 * delta = a_i^2 - |w_i|^2 = tau^2 (1/alpha^2 - alpha^2), and tau sets the overall scale.
 */

/** alpha with tau^2 (1/alpha^2 - alpha^2) = delta: alpha^2 = (sqrt(4 + (delta/tau^2)^2) - delta/tau^2) / 2. */
export function symmetrizedAlpha(delta: number, tau: number): number {
  if (!(tau > 0) || !Number.isFinite(delta)) throw new RangeError(`symmetrizedAlpha: need tau > 0 and finite delta, got tau = ${tau}, delta = ${delta}`);
  const q = delta / (tau * tau);
  const root = Math.sqrt(4 + q * q);
  // (root - q)/2 without cancellation for q > 0: 2 / (root + q).
  const alpha2 = q > 0 ? 2 / (root + q) : (root - q) / 2;
  return Math.sqrt(alpha2);
}
