import { type FiniteGroup, irrepMultiplicity } from "./group.js";

/** One irrep's part of a group Fourier transform. */
export interface GroupFourierComponent {
  irrep: string;
  dim: number;
  type: "real" | "complex";
  /** f_hat(rho) = sum_g f(g) rho(g)^T, row-major (dim, dim). */
  coefficient: Float64Array;
  /** P(rho) = d / (c |G|) |f_hat(rho)|_F^2, in units of f^2; sum_rho P(rho) = sum_g f(g)^2. */
  power: number;
}

function checkLength(group: FiniteGroup, length: number, what: string): void {
  if (length !== group.order) throw new RangeError(`${what} has ${length} values, but ${group.name} has ${group.order} elements`);
}

/**
 * The group Fourier transform of f: G -> R over the real irreps (the convention of the sequential
 * group composition code, arXiv 2602.03655): f_hat(rho) = sum_g f(g) rho(g)^T and the power
 * P(rho) = d_rho / (c_rho |G|) |f_hat(rho)|_F^2 with c = 1 (real type) or 2 (complex type), so that
 * Plancherel reads sum_g f(g)^2 = sum_rho P(rho). For Z_p the power of irrep k is the one-sided DFT
 * power 2 |x_hat_k|^2 / p, and a model that has not yet fit irreps R has MSE (mean over G) equal to
 * (1/|G|) sum_{rho in R} P(rho) (AGF's plateaus, arXiv 2506.06489).
 */
export function groupFourier(group: FiniteGroup, f: ArrayLike<number>): GroupFourierComponent[] {
  checkLength(group, f.length, "f");
  return group.irreps.map((rho) => {
    const d = rho.dim;
    const coefficient = new Float64Array(d * d);
    for (let g = 0; g < group.order; g++) {
      const fg = f[g];
      if (fg === 0) continue;
      const m = rho.matrices[g];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) coefficient[i * d + j] += fg * m[j * d + i];
    }
    const fro = coefficient.reduce((s, v) => s + v * v, 0);
    return { irrep: rho.name, dim: d, type: rho.type, coefficient, power: (d * fro) / (irrepMultiplicity(rho) * group.order) };
  });
}

/**
 * The inverse transform f(g) = (1/|G|) sum_rho (d_rho / c_rho) tr(rho(g) f_hat(rho)), one
 * coefficient (dim, dim) per irrep in `group.irreps` order. inverseGroupFourier(G,
 * groupFourier(G, f) coefficients) = f.
 */
export function inverseGroupFourier(group: FiniteGroup, coefficients: readonly ArrayLike<number>[]): Float64Array {
  if (coefficients.length !== group.irreps.length) throw new RangeError(`coefficients has ${coefficients.length} entries, but ${group.name} has ${group.irreps.length} irreps`);
  const f = new Float64Array(group.order);
  group.irreps.forEach((rho, r) => {
    const d = rho.dim;
    const c = coefficients[r];
    if (c.length !== d * d) throw new RangeError(`coefficients[${r}] (irrep ${rho.name}) has ${c.length} entries, expected ${d} x ${d}`);
    const scale = d / (irrepMultiplicity(rho) * group.order);
    for (let g = 0; g < group.order; g++) {
      const m = rho.matrices[g];
      let t = 0;
      for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) t += m[i * d + k] * c[k * d + i];
      f[g] += scale * t;
    }
  });
  return f;
}
