import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { svd } from "../linalg/index.js";
import { type Probe, probe } from "./probe.js";

/**
 * Effective rank exp(H(p)) with p_i = s_i / sum_j s_j the normalised singular values and H the
 * Shannon entropy (Roy & Vetterli 2007): 1 for a rank-one matrix, r for r equal singular values.
 * 0 for an all-zero spectrum.
 */
export function effectiveRank(s: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    if (!(s[i] >= 0)) throw new RangeError(`effectiveRank: singular values must be >= 0, got s[${i}] = ${s[i]}`);
    total += s[i];
  }
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i] / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/**
 * Singular values per layer: for each matrix `get` picks (vectors are treated as one column), the
 * top-k singular values ("<name>.s0" >= "<name>.s1" >= ...) and the effective rank
 * ("<name>.erank").
 */
export function singularValues<P extends Tree>(get: (p: P) => Record<string, Tensor>, k = 5, name = "svd"): Probe<P> {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`singularValues k must be a positive integer, got ${k}`);
  return probe(name, ({ params }) => {
    const out: Record<string, number> = {};
    for (const [layer, w] of Object.entries(get(params))) {
      if (w.rank > 2) throw new RangeError(`singularValues: '${layer}' has shape [${w.shape.join(", ")}]; pick a matrix or reshape it`);
      const m = w.rank === 2 ? w : new Tensor(w.data, [w.size, 1]);
      const { s } = svd(m);
      for (let i = 0; i < Math.min(k, s.size); i++) out[`${layer}.s${i}`] = s.data[i];
      out[`${layer}.erank`] = effectiveRank(s.data);
    }
    return out;
  });
}
