import type { Tensor } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { zeros } from "../tensor/tensor.js";
import { add, mul } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { reshape, slice } from "../ops/movement.js";
import { activation, type ActivationName } from "./activations.js";
import type { Model } from "./mlp.js";
import { full } from "../tensor/tensor.js";
import { type LayerScaling, type ParametrizationChoice, parametrizationSpec, parametrize } from "./parametrization.js";

export type RnnParams = { wx: Tensor; wh: Tensor; b: Tensor; wo: Tensor };

export interface RnnConfig {
  dIn: number;
  hidden: number;
  dOut: number;
  activation?: ActivationName;
  recurrentStd?: number;
  /**
   * A parametrization of the widths [dIn, hidden, hidden, dOut] (parametrization.ts): rows 0, 1, 2
   * give W_x, W_h (std times recurrentStd), W_o their init stds and forward multipliers, b takes
   * row 1's bias scalings, and `lrScales` the learning-rate multipliers. Without one: the default below.
   */
  parametrization?: ParametrizationChoice;
}

/**
 * A vanilla (Elman) RNN: h_t = phi(m_x x_t W_x + m_h h_{t-1} W_h + mb b), h_0 = 0, output
 * y = m_o h_T W_o. Input x (B, T, d_in) -> (B, d_out). Default (no parametrization): multipliers 1,
 * std 1/sqrt(d_in) for W_x, `recurrentStd / sqrt(hidden)` for W_h, 1/sqrt(hidden) for W_o (SP).
 */
export function rnn(cfg: RnnConfig): Model<RnnParams> & { scalings: LayerScaling[] | null; lrScales(params: RnnParams): RnnParams } {
  const phi = activation(cfg.activation ?? "tanh");
  const { dIn, hidden, dOut } = cfg;
  const rs = cfg.recurrentStd ?? 1;
  const table = cfg.parametrization === undefined ? null : parametrize(parametrizationSpec(cfg.parametrization, [dIn, hidden, hidden, dOut]));
  const [sx, sh, so] = table ?? [null, null, null];
  const lin = (x: Tensor, w: Tensor, s: LayerScaling | null) => (s && s.multiplier !== 1 ? mul(mm(x, w), s.multiplier) : mm(x, w));
  return {
    scalings: table,
    init: (rng) => ({
      wx: normal(rng, [dIn, hidden], { std: sx ? sx.initStd : 1 / Math.sqrt(dIn) }),
      wh: normal(rng, [hidden, hidden], { std: sh ? rs * sh.initStd : rs / Math.sqrt(hidden) }),
      b: sh && sh.biasStd > 0 ? normal(rng, [hidden], { std: sh.biasStd }) : zeros([hidden]),
      wo: normal(rng, [hidden, dOut], { std: so ? so.initStd : 1 / Math.sqrt(hidden) }),
    }),
    apply: (p, x) => {
      const [b, t] = x.shape;
      const bias = sh && sh.biasMultiplier !== 1 ? mul(p.b, sh.biasMultiplier) : p.b;
      let h = zeros([b, hidden]);
      for (let s = 0; s < t; s++) {
        const xt = reshape(slice(x, [null, [s, s + 1]]), [b, dIn]); // (B, d_in)
        h = phi(add(add(lin(xt, p.wx, sx), lin(h, p.wh, sh)), bias)); // (B, hidden)
      }
      return lin(h, p.wo, so); // (B, d_out)
    },
    lrScales: (p) => ({
      wx: full(p.wx.shape, sx ? sx.lrScale : 1),
      wh: full(p.wh.shape, sh ? sh.lrScale : 1),
      b: full(p.b.shape, sh ? sh.biasLrScale : 1),
      wo: full(p.wo.shape, so ? so.lrScale : 1),
    }),
  };
}
