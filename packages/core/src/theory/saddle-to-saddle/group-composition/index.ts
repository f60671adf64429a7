// Sequential group composition (Marchetti, Kunin et al., arXiv 2602.03655), k = 2: Saddle's own
// theory for a two-layer network with square activation learning x_(g1 g2) from (x_g1, x_g2).
// Plateau levels and learning order from the template's group Fourier powers, the width threshold,
// and the network itself (fused loss/gradient with the per-neuron scaled step of the paper code).
import { type FiniteGroup, irrepMultiplicity } from "../../../data/groups/group.js";
import { groupFourier } from "../../../data/groups/fourier.js";
import { translateTemplate } from "../../../data/groups/template.js";
import { type LossNormalisation, SADDLE_MSE, lossScale } from "../../../conventions.js";

/** One irrep's share of a template. */
export interface IrrepPower {
  /** Stable id: `irrep-<index in group.irreps>`. */
  id: string;
  index: number;
  name: string;
  /** Real dimension d_rho. */
  dim: number;
  /** Complex dimension n_rho (d / c: 1 for the realified pair of a complex character). */
  complexDim: number;
  /** P(rho) = d / (c |G|) |x_hat(rho)|_F^2 (Plancherel: sum = sum_g x(g)^2). */
  power: number;
  /** Operator norm |x_hat(rho)|_op (for a realified complex character: |x_hat| of the character). */
  opNorm: number;
}

function opNorm(c: Float64Array, d: number): number {
  if (d === 1) return Math.abs(c[0]);
  if (d === 2) {
    // Largest singular value of a 2x2 matrix [[a, b], [c, e]] in closed form.
    const [a, b, cc, e] = c;
    const s = a * a + b * b + cc * cc + e * e;
    const det = a * e - b * cc;
    return Math.sqrt((s + Math.sqrt(Math.max(0, s * s - 4 * det * det))) / 2);
  }
  // Power iteration on c^T c for larger irreps.
  let v = new Float64Array(d).fill(1 / Math.sqrt(d));
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    const w = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let ci = 0;
      for (let j = 0; j < d; j++) ci += c[i * d + j] * v[j];
      for (let j = 0; j < d; j++) w[j] += c[i * d + j] * ci;
    }
    lambda = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    if (lambda === 0) return 0;
    v = w.map((x) => x / lambda);
  }
  return Math.sqrt(lambda);
}

/** The template's power and operator norm per irrep, in `group.irreps` order. */
export function irrepPowers(group: FiniteGroup, template: ArrayLike<number>): IrrepPower[] {
  return groupFourier(group, template).map((f, index) => {
    const rho = group.irreps[index];
    return { id: `irrep-${index}`, index, name: f.irrep, dim: f.dim, complexDim: f.dim / irrepMultiplicity(rho), power: f.power, opNorm: opNorm(f.coefficient, f.dim) };
  });
}

/** Whether every irrep of the group is 1-dimensional over C (abelian groups). */
export function isAbelian(group: FiniteGroup): boolean {
  return group.irreps.every((r) => r.dim / irrepMultiplicity(r) === 1);
}

/**
 * The plateaus of the staircase for irreps learned in the given order (arXiv 2602.03655, the
 * code's viz.py::loss_plateau_predictions): before any irrep is learned and after each one,
 * L_i = (1/|G|) sum_{rho not yet learned} P(rho) in the paper's units (mean over samples and the
 * |G| outputs, no 1/2: PyTorch's nn.MSELoss), converted to `to` (default Saddle's 1/2 mean) through
 * conventions.lossScale. Derivation: a network that fits the isotypic components of the learned
 * irreps exactly and outputs nothing in the others leaves the residual r_s = the target's unlearned
 * components; by Plancherel sum_h r_s(h)^2 = sum_{unlearned} P(rho) for every sequence s (the
 * translates x_g have the template's powers), so the mean over |G| outputs is that sum / |G|.
 * Returns levels[0..K]: levels[0] = all the power, levels[K] = what is left after the whole order.
 */
export function plateauLevels(group: FiniteGroup, powers: readonly IrrepPower[], order: readonly string[], to: LossNormalisation = SADDLE_MSE): number[] {
  const scale = lossScale("mean", to, 1, group.order);
  const byId = new Map(powers.map((p) => [p.id, p]));
  let remaining = powers.reduce((s, p) => s + p.power, 0);
  const levels = [(scale * remaining) / group.order];
  for (const id of order) {
    const p = byId.get(id);
    if (!p) throw new RangeError(`plateauLevels: unknown irrep id ${id}`);
    remaining -= p.power;
    levels.push((scale * Math.max(0, remaining)) / group.order);
  }
  return levels;
}

/**
 * The learning-order score of Theorem 4.1 of arXiv 2602.03655 for k = 2 where it is derived:
 * irreps are learned in decreasing |x_hat(rho)|_op^(k+1) / (C_rho n_rho)^((k-1)/2). For abelian
 * groups n_rho = 1 and C_rho is one constant, so the order is decreasing |x_hat(rho)| (for Z_p at
 * k = 2, AGF's modular-addition result, arXiv 2506.06489), which for a template of c_rho-type
 * irreps of one type is decreasing power. For non-abelian groups C_rho is not defined in any source
 * Saddle could read (reference notes, unverified), so no order is derived: returns null.
 * Irreps with zero power (below 1e-12 of the total: round-off) are never learned and are left out.
 */
export function learningOrder(group: FiniteGroup, powers: readonly IrrepPower[], k = 2): string[] | null {
  if (!isAbelian(group)) return null;
  const tiny = 1e-12 * powers.reduce((s, p) => s + p.power, 0);
  return powers
    .filter((p) => p.power > tiny)
    .sort((a, b) => b.opNorm ** (k + 1) - a.opNorm ** (k + 1))
    .map((p) => p.id);
}

/** Irreps with positive power, by decreasing power (the order the plateaus are drawn in; for abelian groups = learningOrder). */
export function byDecreasingPower(powers: readonly IrrepPower[]): string[] {
  const tiny = 1e-12 * powers.reduce((s, p) => s + p.power, 0);
  return powers.filter((p) => p.power > tiny).sort((a, b) => b.power - a.power).map((p) => p.id);
}

/**
 * Width for a perfect fit by the two-layer net (arXiv 2602.03655, sweep_analysis.plot_theory_boundaries):
 * H >= m 2^(k-1) |G|, m = k + 1 for the paper's solid line (6 |G| at k = 2, AGF's 6 neurons per
 * frequency). The reference notes also say "12 |G| for k = 3", which this formula does not give
 * (it gives 16 |G|); unverified, and not claimed by any experiment here.
 */
export function widthThreshold(groupOrder: number, k = 2, m = k + 1): number {
  return m * 2 ** (k - 1) * groupOrder;
}

/** Per-irrep mean residual power: mean over sequences s of P_rho(f_s - y_s); sums to mean_s |f_s - y_s|^2. */
export function residualIrrepPowers(group: FiniteGroup, outputs: ArrayLike<number>, targets: ArrayLike<number>, count: number): Float64Array {
  const n = group.order;
  const out = new Float64Array(group.irreps.length);
  const r = new Float64Array(n);
  for (let s = 0; s < count; s++) {
    for (let h = 0; h < n; h++) r[h] = outputs[s * n + h] - targets[s * n + h];
    groupFourier(group, r).forEach((f, i) => (out[i] += f.power / count));
  }
  return out;
}

/**
 * The k = 2 network of the paper code (TwoLayerMLP, square activation): f(g1, g2) = W_out (W_in
 * [x_g1; x_g2])^2, one neuron theta_h = [u_h (|G|) | v_h (|G|) | w_h (|G|)] with W_in[h] = [u_h,
 * v_h], W_out[:, h] = w_h, on all |G|^2 sequences. The returned function writes the gradient of
 * Saddle's loss (1/2 mean over sequences and outputs) into `grad` and returns the loss; with
 * `scaled`, each neuron's gradient is multiplied by |theta_h|^(1-k) = 1 / |theta_h| (the code's
 * PerNeuronScaledSGD, so that SGD at rate lr takes the per-neuron step lr |theta_h|^(1-k) grad).
 * `outputs`, when given, receives f for all sequences (|G|^2, |G|). Cost 3 |G|^3 H per call.
 */
export function compositionMlp(group: FiniteGroup, template: ArrayLike<number>, hidden: number, opts: { scaled?: boolean } = {}) {
  const n = group.order;
  const H = hidden;
  const N = n * n;
  const dim = 3 * n;
  const enc = Array.from({ length: n }, (_, g) => translateTemplate(group, template, g));
  const E = new Float64Array(n * n);
  enc.forEach((e, g) => E.set(e, g * n));
  const Y = new Float64Array(N * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) Y.set(enc[group.mul[a * n + b]], (a * n + b) * n);
  const A = new Float64Array(H * n);
  const B = new Float64Array(H * n);
  const Z = new Float64Array(N * H);
  const F = new Float64Array(N * n);
  const dA = new Float64Array(H * n);
  const dB = new Float64Array(H * n);
  const lossAndGrad = (theta: Float64Array, grad: Float64Array, outputs?: Float64Array): number => {
    // Pre-activations per neuron and element: A[h, g] = u_h . x_g, B[h, g] = v_h . x_g.
    for (let h = 0; h < H; h++) {
      const o = h * dim;
      for (let g = 0; g < n; g++) {
        let sa = 0;
        let sb = 0;
        for (let j = 0; j < n; j++) {
          sa += theta[o + j] * E[g * n + j];
          sb += theta[o + n + j] * E[g * n + j];
        }
        A[h * n + g] = sa;
        B[h * n + g] = sb;
      }
    }
    F.fill(0);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      const s = a * n + b;
      for (let h = 0; h < H; h++) {
        const z = A[h * n + a] + B[h * n + b];
        Z[s * H + h] = z;
        const q = z * z;
        const w = h * dim + 2 * n;
        for (let i = 0; i < n; i++) F[s * n + i] += theta[w + i] * q;
      }
    }
    if (outputs) outputs.set(F);
    let loss = 0;
    const c = 1 / (N * n);
    for (let i = 0; i < N * n; i++) {
      const r = F[i] - Y[i];
      loss += r * r;
      F[i] = r * c; // dL/df
    }
    grad.fill(0);
    dA.fill(0);
    dB.fill(0);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      const s = a * n + b;
      for (let h = 0; h < H; h++) {
        const z = Z[s * H + h];
        const q = z * z;
        const w = h * dim + 2 * n;
        let dq = 0;
        for (let i = 0; i < n; i++) {
          const r = F[s * n + i];
          grad[w + i] += r * q;
          dq += theta[w + i] * r;
        }
        const dz = 2 * z * dq;
        dA[h * n + a] += dz;
        dB[h * n + b] += dz;
      }
    }
    for (let h = 0; h < H; h++) {
      const o = h * dim;
      for (let g = 0; g < n; g++) {
        const da = dA[h * n + g];
        const db = dB[h * n + g];
        for (let j = 0; j < n; j++) {
          grad[o + j] += da * E[g * n + j];
          grad[o + n + j] += db * E[g * n + j];
        }
      }
      if (opts.scaled) {
        let nn = 0;
        for (let j = 0; j < dim; j++) nn += theta[o + j] * theta[o + j];
        const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;
        for (let j = 0; j < dim; j++) grad[o + j] *= inv;
      }
    }
    return loss / (2 * N * n);
  };
  return { lossAndGrad, targets: Y, count: N, dim, size: H * dim };
}
