import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { fft } from "../linalg/index.js";
import { type FiniteGroup, groupFourier } from "../data/index.js";
import { type Probe, probe } from "./probe.js";

/**
 * Fourier power of a weight over Z_p: the rows of w (p, h) are indexed by the residues 0..p-1 (an
 * embedding or first layer acting on one-hot inputs). Returns power[f] for frequencies
 * f = 0..floor(p/2), power[f] = sum over columns c of (|W_hat_c(f)|^2 + |W_hat_c(p - f)|^2) / p
 * (f and p - f folded; once for f = 0 and f = p/2), W_hat_c(f) = sum_r w[r, c] e^(-2 pi i f r / p).
 * By Parseval the powers sum to |w|_F^2. Modular-arithmetic networks concentrate it on a few
 * frequencies (Nanda et al., arXiv 2301.05217).
 */
export function fourierPowerZp(w: Tensor): Float64Array {
  if (w.rank !== 2) throw new RangeError(`fourierPowerZp: w must be (p, h), got shape [${w.shape.join(", ")}]`);
  const [p, h] = w.shape;
  const cols = new Float64Array(h * p); // (h, p): one signal per column of w
  for (let c = 0; c < h; c++) for (let r = 0; r < p; r++) cols[c * p + r] = w.data[r * h + c];
  const { re, im } = fft(new Tensor(cols, [h, p]));
  const power = new Float64Array(Math.floor(p / 2) + 1);
  for (let c = 0; c < h; c++) {
    for (let k = 0; k < p; k++) power[Math.min(k, p - k)] += (re.data[c * p + k] ** 2 + im.data[c * p + k] ** 2) / p;
  }
  return power;
}

/**
 * Fourier power of a weight over a finite group: the rows of w (|G|, h) are indexed by group
 * elements; for each irrep rho, power = sum over columns c of the Plancherel power
 * (d_rho / (c_rho |G|)) |sum_g w[g, c] rho(g)|_F^2 (data/groups.ts `groupFourier`). Powers sum to
 * |w|_F^2. Returns irreps in the group's order.
 */
export function groupFourierPower(g: FiniteGroup, w: Tensor): { irrep: string; power: number }[] {
  if (w.rank !== 2 || w.shape[0] !== g.order) throw new RangeError(`groupFourierPower: w must be (|G| = ${g.order}, h), got shape [${w.shape.join(", ")}]`);
  const h = w.shape[1];
  const total = g.irreps.map((rho) => ({ irrep: rho.name, power: 0 }));
  const col = new Float64Array(g.order);
  for (let c = 0; c < h; c++) {
    for (let e = 0; e < g.order; e++) col[e] = w.data[e * h + c];
    groupFourier(g, col).forEach((r, i) => (total[i].power += r.power));
  }
  return total;
}

/** Summary of a power spectrum: fraction in the largest component, participation ratio, index of the top one. */
function spectrumSummary(power: ArrayLike<number>): { top: number; topFraction: number; participation: number } {
  let sum = 0;
  let sq = 0;
  let top = 0;
  for (let i = 0; i < power.length; i++) {
    sum += power[i];
    sq += power[i] ** 2;
    if (power[i] > power[top]) top = i;
  }
  return { top, topFraction: sum > 0 ? power[top] / sum : 0, participation: sq > 0 ? (sum * sum) / sq : 0 };
}

/**
 * Fourier power of a weight matrix over Z_p (rows = residues) or over a finite group `group`
 * (rows = elements) during training. Keys: "f<k>" (Z_p frequency k) or the irrep names (group)
 * with the fraction of the total power, "topFraction", "top" (index of the strongest component)
 * and "participation" ((sum P)^2 / sum P^2: the effective number of active frequencies).
 */
export function fourierProbe<P extends Tree>(get: (p: P) => Tensor, { group, name = "fourier" }: { group?: FiniteGroup; name?: string } = {}): Probe<P> {
  return probe(name, ({ params }) => {
    const w = get(params);
    const comps = group ? groupFourierPower(group, w).map((r) => [r.irrep, r.power] as const) : Array.from(fourierPowerZp(w), (v, k) => [`f${k}`, v] as const);
    const powers = comps.map((c) => c[1]);
    const total = powers.reduce((s, v) => s + v, 0);
    const out: Record<string, number> = {};
    for (const [key, v] of comps) out[key] = total > 0 ? v / total : 0;
    const s = spectrumSummary(powers);
    out.topFraction = s.topFraction;
    out.top = s.top;
    out.participation = s.participation;
    return out;
  });
}
