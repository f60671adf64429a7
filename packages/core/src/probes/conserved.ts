import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { type Probe, probe } from "./probe.js";

/** G = A^T A (cols) or A A^T (rows) of a row-major matrix, as a plain array. */
function gram(a: Tensor, side: "cols" | "rows"): Float64Array {
  const [m, n] = a.shape;
  const k = side === "cols" ? n : m;
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    if (side === "cols") for (let r = 0; r < m; r++) s += a.data[r * n + i] * a.data[r * n + j];
    else for (let c = 0; c < n; c++) s += a.data[i * n + c] * a.data[j * n + c];
    g[i * k + j] = s;
  }
  return g;
}

/**
 * The conserved matrices of gradient flow on a deep linear net y = x W_1 W_2 ... W_L (weights
 * (d_l, d_{l+1})): Q_l = W_l^T W_l - W_{l+1} W_{l+1}^T (hidden x hidden) is constant in time
 * (rescaling symmetry; Saxe et al. 2014, Du et al. 2018). Reports |Q_l(t) - Q_l(0)|_F per layer
 * pair and |Q_l|_F.
 */
export function deepLinearConserved<P extends Tree>(getWeights: (p: P) => Tensor[]): Probe<P> {
  let q0: Float64Array[] | null = null;
  return probe("conserved", ({ params }) => {
    const ws = getWeights(params);
    const qs: Float64Array[] = [];
    for (let l = 0; l + 1 < ws.length; l++) {
      const a = gram(ws[l], "cols");
      const b = gram(ws[l + 1], "rows");
      qs.push(a.map((v, i) => v - b[i]));
    }
    if (q0 === null) q0 = qs.map((q) => Float64Array.from(q));
    const out: Record<string, number> = {};
    qs.forEach((q, l) => {
      let drift = 0;
      let norm = 0;
      for (let i = 0; i < q.length; i++) {
        drift += (q[i] - (q0 as Float64Array[])[l][i]) ** 2;
        norm += q[i] ** 2;
      }
      out[`drift${l}`] = Math.sqrt(drift);
      out[`norm${l}`] = Math.sqrt(norm);
    });
    return out;
  });
}

/**
 * Per-neuron a_i^2 - |w_i|^2 of a two-layer net f(x) = sum_i a_i s(w_i . x) with positively
 * homogeneous s (conserved under gradient flow; arXiv 2406.06158). `w` is (d, h), `a` is (h) or
 * (h, 1). Reports max drift from the first measurement and the mean value.
 */
export function twoLayerConserved<P extends Tree>(get: (p: P) => { w: Tensor; a: Tensor }): Probe<P> {
  let d0: Float64Array | null = null;
  return probe("conserved", ({ params }) => {
    const { w, a } = get(params);
    const [d, h] = w.shape;
    const delta = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += w.data[r * h + i] ** 2;
      delta[i] = a.data[i] ** 2 - s;
    }
    if (d0 === null) d0 = Float64Array.from(delta);
    let drift = 0;
    let mean = 0;
    for (let i = 0; i < h; i++) {
      drift = Math.max(drift, Math.abs(delta[i] - d0[i]));
      mean += delta[i] / h;
    }
    return { maxDrift: drift, meanDelta: mean };
  });
}
