import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { add, mul } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { full, zeros } from "../tensor/tensor.js";
import { type LayerScaling, type ParametrizationSpec, parametrize } from "./parametrization.js";
import { activation, type ActivationName } from "./activations.js";

/** A model: a parameter-tree initialiser and a pure apply. */
export interface Model<P, X = Tensor> {
  init(rng: Rng): P;
  apply(params: P, x: X): Tensor;
}

export type MlpParams = {
  layers: { w: Tensor; b?: Tensor }[];
};

export interface MlpConfig extends Omit<ParametrizationSpec, "kind"> {
  parametrization?: ParametrizationSpec["kind"];
  activation?: ActivationName;
  bias?: boolean;
}

/**
 * A fully connected network of any depth: h_0 = x (n, d_in);
 * h_{l+1} = phi(m_l h_l W_l + mb_l b_l) for hidden layers, output without phi; multipliers m_l
 * and init stds come from the parametrization table. Depth 1 is a linear model, activation
 * "linear" gives a deep linear network, depth 2 a two-layer network.
 */
export function mlp(cfg: MlpConfig): Model<MlpParams> & { scalings: LayerScaling[]; activations(params: MlpParams, x: Tensor): Tensor[]; lrScales(params: MlpParams): MlpParams } {
  const scalings = parametrize({ ...cfg, kind: cfg.parametrization ?? "sp" });
  const phi = activation(cfg.activation ?? "relu");
  const bias = cfg.bias ?? false;
  const { widths } = cfg;
  const activations = (params: MlpParams, x: Tensor): Tensor[] => {
    if (x.shape.length !== 2 || x.shape[1] !== widths[0]) throw new RangeError(`mlp: x must have shape (n, ${widths[0]}), got [${x.shape.join(", ")}]`);
    const out: Tensor[] = [];
    let h = x; // (n, d_in)
    params.layers.forEach((layer, l) => {
      const s = scalings[l];
      h = mm(h, layer.w); // (n, n_{l+1})
      if (s.multiplier !== 1) h = mul(h, s.multiplier);
      if (layer.b) h = add(h, s.biasMultiplier === 1 ? layer.b : mul(layer.b, s.biasMultiplier));
      if (l < params.layers.length - 1) h = phi(h);
      out.push(h);
    });
    return out;
  };
  return {
    scalings,
    init: (rng) => ({
      layers: scalings.map((s, l) => {
        const layer: { w: Tensor; b?: Tensor } = { w: normal(rng, [widths[l], widths[l + 1]], { std: s.initStd }) };
        if (bias) layer.b = s.biasStd > 0 ? normal(rng, [widths[l + 1]], { std: s.biasStd }) : zeros([widths[l + 1]]);
        return layer;
      }),
    }),
    apply: (params, x) => {
      const hs = activations(params, x);
      return hs[hs.length - 1]; // (n, d_out)
    },
    /** Every layer's output: post-activation hidden layers (n, n_l), then the network output. */
    activations,
    /** The per-leaf learning-rate multipliers (lrScaleTree), for `scaleByLrMultiplier`. */
    lrScales: (params) => lrScaleTree(params, scalings),
  };
}

/**
 * Per-leaf learning-rate multipliers of an MLP's parameter tree, from its parametrization: a tree
 * of the same structure whose weight leaves are filled with lrScale and bias leaves with
 * biasLrScale. An optimizer multiplies each leaf's step by it.
 */
export function lrScaleTree(params: MlpParams, scalings: readonly LayerScaling[]): MlpParams {
  if (params.layers.length !== scalings.length) {
    throw new RangeError(`lrScaleTree: params have ${params.layers.length} layers but the parametrization has ${scalings.length}`);
  }
  return {
    layers: params.layers.map((layer, l) => {
      const out: { w: Tensor; b?: Tensor } = { w: full(layer.w.shape, scalings[l].lrScale) };
      if (layer.b) out.b = full(layer.b.shape, scalings[l].biasLrScale);
      return out;
    }),
  };
}
