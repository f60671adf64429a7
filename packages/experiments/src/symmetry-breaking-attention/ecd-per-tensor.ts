import * as S from "@saddle/core";
import type { GradientTransformation, Tree } from "@saddle/core";

/** State of the per-tensor ECD variant: step count and velocity (flattened over all parameters). */
export interface EcdPerTensorState {
  count: number;
  p: Float64Array;
}

/**
 * ECD q = 1 exactly as the paper's code writes it (`ecd_symbreak/optimizer.py::ECD_q1_scaled`,
 * arXiv 2601.22257), with nu = 0 (no bounce). It differs from core's `ecd` in one place: the
 * projection p (p.g) of the kick uses the dot product of *each parameter tensor* separately,
 *   p_l <- p_l - dt k / (F - F0) (g_l - p_l (p_l . g_l))   for every leaf l,
 * instead of the global p.g of the ECD equations (which core implements). Everything else is the
 * same: p_0 = -g/|g| (global), |p| renormalised to 1 before each kick, theta <- theta + dt p,
 * dt = lr / sqrt(eta), k = eta d / (2 (d - 1)).
 *
 * Consequence (derived here): the per-leaf kick is not orthogonal to p, and it scales the leaves of
 * one augmented head matrix W~ = [W; b] (weight and bias are separate tensors) by different
 * factors (1 + c p_l.g_l), so the Q-K Noether current is not kept at zero even for a symmetric
 * loss; the experiment reports how large it gets.
 */
export function ecdPerTensor({ lr, eta = 100, f0 = 0 }: { lr: number; eta?: number; f0?: number }): GradientTransformation<EcdPerTensorState> {
  const dt = lr / Math.sqrt(eta);
  return {
    init: () => ({ count: 0, p: new Float64Array(0) }),
    update: (grads, state, _params, info) => {
      if (info?.loss === undefined) throw new TypeError("ecdPerTensor needs the loss value: update(grads, state, params, { loss })");
      const g = S.treeToVector(grads); // (d)
      const d = g.length;
      const F = info.loss;
      if (!(F - f0 > 0)) throw new RangeError(`ecdPerTensor: F - F0 = ${F - f0} must be > 0`);
      let p: Float64Array;
      if (state.count === 0) {
        let gn = 0;
        for (let i = 0; i < d; i++) gn += g[i] * g[i];
        gn = Math.sqrt(gn);
        p = Float64Array.from(g, (x) => -x / gn);
      } else {
        p = Float64Array.from(state.p);
        let pn = 0;
        for (let i = 0; i < d; i++) pn += p[i] * p[i];
        pn = Math.sqrt(pn);
        for (let i = 0; i < d; i++) p[i] /= pn;
      }
      const c = (dt * eta * d) / (2 * (d - 1)) / (F - f0);
      let offset = 0;
      for (const leaf of S.leaves(grads as Tree)) {
        const n = leaf.size;
        let pg = 0;
        for (let i = offset; i < offset + n; i++) pg += p[i] * g[i];
        for (let i = offset; i < offset + n; i++) p[i] -= c * (g[i] - p[i] * pg);
        offset += n;
      }
      const step = Float64Array.from(p, (x) => dt * x);
      return [S.vectorToTree(step, grads), { count: state.count + 1, p }];
    },
  };
}
