import type { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { type Probe, probe } from "./probe.js";

/** A^T A ("cols", (n, n)) or A A^T ("rows", (m, m)) of a row-major (m, n) matrix, as a plain array. */
export function gram(a: Tensor, side: "cols" | "rows"): Float64Array {
  if (a.rank !== 2) throw new RangeError(`gram: expected a matrix, got shape [${a.shape.join(", ")}]`);
  const [m, n] = a.shape;
  const d = a.data;
  const k = side === "cols" ? n : m;
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      if (side === "cols") for (let r = 0; r < m; r++) s += d[r * n + i] * d[r * n + j];
      else for (let c = 0; c < n; c++) s += d[i * n + c] * d[j * n + c];
      g[i * k + j] = g[j * k + i] = s;
    }
  }
  return g;
}

/**
 * A probe for quantities that should stay constant: `quantity(params)` returns named arrays; each
 * measurement reports, per name, the Frobenius drift |Q(t) - Q(t_first)|, the relative drift
 * drift / max(|Q(t_first)|, tiny) and the norm |Q(t)| (keys "<name>.drift", "<name>.relDrift",
 * "<name>.norm"; `key` changes the format). The reference is the first measurement of this probe
 * instance.
 */
export function conservedProbe<P extends Tree>(
  name: string,
  quantity: (params: P) => Record<string, ArrayLike<number>>,
  key: (quantity: string, stat: "drift" | "relDrift" | "norm") => string = (q, stat) => `${q}.${stat}`,
): Probe<P> {
  let ref: Record<string, Float64Array> | null = null;
  return probe(name, ({ params }) => {
    const qs = quantity(params);
    if (ref === null) ref = Object.fromEntries(Object.entries(qs).map(([k, v]) => [k, Float64Array.from(v)]));
    const out: Record<string, number> = {};
    for (const [k, q] of Object.entries(qs)) {
      const q0 = ref[k];
      if (!q0 || q0.length !== q.length) throw new RangeError(`${name}: quantity '${k}' changed size between measurements`);
      let drift = 0;
      let norm = 0;
      let norm0 = 0;
      for (let i = 0; i < q.length; i++) {
        drift += (q[i] - q0[i]) ** 2;
        norm += q[i] ** 2;
        norm0 += q0[i] ** 2;
      }
      out[key(k, "drift")] = Math.sqrt(drift);
      out[key(k, "relDrift")] = Math.sqrt(drift) / Math.max(Math.sqrt(norm0), 1e-300);
      out[key(k, "norm")] = Math.sqrt(norm);
    }
    return out;
  });
}

/**
 * The balance matrices of a deep linear net, conserved by gradient flow (rescaling symmetry between
 * consecutive layers; Saxe et al. arXiv 1312.6120, Arora et al. arXiv 1802.06509, Du et al. arXiv
 * 1806.00900), one per consecutive pair l, l+1:
 *   layout "row" (f = x W_1 W_2 ... W_L, W_l of shape (d_{l-1}, d_l), Saddle's matmul order):
 *     Q_l = W_l^T W_l - W_{l+1} W_{l+1}^T   (d_l, d_l);
 *   layout "column" (f = W_L ... W_1 x, W_l of shape (d_l, d_{l-1})):
 *     Q_l = W_{l+1}^T W_{l+1} - W_l W_l^T   (d_l, d_l).
 * Keys "drift<l>", "relDrift<l>", "norm<l>" (see conservedProbe). Under GD with step lr
 * the drift grows like lr^2 per step; under gradient flow it stays at round-off.
 */
export function deepLinearConserved<P extends Tree>(getWeights: (p: P) => readonly Tensor[], { layout = "row", name = "conserved" }: { layout?: "row" | "column"; name?: string } = {}): Probe<P> {
  return conservedProbe<P>(name, (params) => {
    const ws = getWeights(params);
    const out: Record<string, Float64Array> = {};
    for (let l = 0; l + 1 < ws.length; l++) {
      const a = layout === "row" ? gram(ws[l], "cols") : gram(ws[l + 1], "cols");
      const b = layout === "row" ? gram(ws[l + 1], "rows") : gram(ws[l], "rows");
      if (a.length !== b.length) throw new RangeError(`deepLinearConserved: layers ${l} and ${l + 1} do not chain in layout '${layout}' (shapes [${ws[l].shape.join(", ")}] and [${ws[l + 1].shape.join(", ")}])`);
      out[`${l}`] = a.map((v, i) => v - b[i]);
    }
    return out;
  }, (q, stat) => `${stat}${q}`);
}

/**
 * Per-neuron a_i^2 - |w_i|^2 of a two-layer net f(x) = sum_i a_i s(w_i . x) with positively
 * 1-homogeneous s (ReLU, linear): conserved by gradient flow (Du et al. arXiv 1806.00900; the
 * "relative scale" of Kunin et al., Get rich quick, arXiv 2406.06158). `w` is (d, h) (column i is
 * w_i), `a` is (h) or (h, 1). Keys: "maxDrift" (max_i |delta_i(t) - delta_i(t_first)|),
 * "meanDelta" (mean_i delta_i).
 */
export function twoLayerConserved<P extends Tree>(get: (p: P) => { w: Tensor; a: Tensor }, name = "conserved"): Probe<P> {
  let d0: Float64Array | null = null;
  return probe(name, ({ params }) => {
    const { w, a } = get(params);
    if (w.rank !== 2 || a.size !== w.shape[1]) throw new RangeError(`twoLayerConserved: w must be (d, h) and a have h entries, got [${w.shape.join(", ")}] and [${a.shape.join(", ")}]`);
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
