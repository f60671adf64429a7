import { type FiniteGroup, irrepMultiplicity } from "./group.js";
import { inverseGroupFourier } from "./fourier.js";
import { identity } from "./small-matrix.js";

/**
 * A template x: G -> R with a chosen Fourier power per irrep: x_hat(rho) = a_rho I with
 * a_rho = sqrt(c_rho |G| P_rho) / d_rho, so that P(rho) = d / (c |G|) |x_hat(rho)|_F^2 = P_rho
 * exactly and sum_g x(g)^2 = sum_rho P_rho (the `custom_fourier` templates of the sequential group
 * composition experiments, arXiv 2602.03655, where a_rho = sqrt(|G| P_rho / d_rho^2) for complex
 * irreps). `powers` lists P_rho >= 0 in `group.irreps` order; set the trivial irrep's power to 0
 * for a mean-centred template.
 */
export function groupTemplate(group: FiniteGroup, powers: ArrayLike<number>): Float64Array {
  if (powers.length !== group.irreps.length) {
    throw new RangeError(`powers has ${powers.length} values, but ${group.name} has ${group.irreps.length} irreps (${group.irreps.map((r) => r.name).join(", ")})`);
  }
  const coefficients = group.irreps.map((rho, r) => {
    const p = powers[r];
    if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`powers[${r}] (irrep ${rho.name}) must be a finite number >= 0, got ${p}`);
    const a = Math.sqrt(irrepMultiplicity(rho) * group.order * p) / rho.dim;
    return identity(rho.dim).map((v) => v * a);
  });
  return inverseGroupFourier(group, coefficients);
}

/**
 * The encoding of element g by a template x: the left translate x_g(h) = x(g^-1 h), i.e.
 * x_g = lambda(g) x with lambda the left regular representation, so that x_(gh) = lambda(g) x_h.
 * For Z_p this is the cyclic shift x_a[j] = x[(j - a) mod p] (numpy's roll(x, a)); the one-hot
 * template x = e_identity encodes g as the one-hot e_g.
 */
export function translateTemplate(group: FiniteGroup, template: ArrayLike<number>, g: number): Float64Array {
  const n = group.order;
  if (template.length !== n) throw new RangeError(`template has ${template.length} values, but ${group.name} has ${n} elements`);
  if (!Number.isInteger(g) || g < 0 || g >= n) throw new RangeError(`element g must be an integer in 0..${n - 1}, got ${g}`);
  const gi = group.inverse[g];
  return Float64Array.from({ length: n }, (_, h) => template[group.mul[gi * n + h]]);
}
