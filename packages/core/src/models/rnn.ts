import type { Tensor } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { zeros } from "../tensor/tensor.js";
import { add } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { reshape, slice } from "../ops/movement.js";
import { activation, type ActivationName } from "./activations.js";
import type { Model } from "./mlp.js";

export type RnnParams = { wx: Tensor; wh: Tensor; b: Tensor; wo: Tensor };

/**
 * A vanilla (Elman) RNN: h_t = phi(x_t W_x + h_{t-1} W_h + b), h_0 = 0, output y = h_T W_o.
 * Input x (B, T, d_in) -> (B, d_out). Recurrent init std `recurrentStd / sqrt(hidden)`.
 */
export function rnn(cfg: { dIn: number; hidden: number; dOut: number; activation?: ActivationName; recurrentStd?: number }): Model<RnnParams> {
  const phi = activation(cfg.activation ?? "tanh");
  const { dIn, hidden, dOut } = cfg;
  return {
    init: (rng) => ({
      wx: normal(rng, [dIn, hidden], { std: 1 / Math.sqrt(dIn) }),
      wh: normal(rng, [hidden, hidden], { std: (cfg.recurrentStd ?? 1) / Math.sqrt(hidden) }),
      b: zeros([hidden]),
      wo: normal(rng, [hidden, dOut], { std: 1 / Math.sqrt(hidden) }),
    }),
    apply: (p, x) => {
      const [b, t] = x.shape;
      let h = zeros([b, hidden]);
      for (let s = 0; s < t; s++) {
        const xt = reshape(slice(x, [null, [s, s + 1]]), [b, dIn]); // (B, d_in)
        h = phi(add(add(mm(xt, p.wx), mm(h, p.wh)), p.b)); // (B, hidden)
      }
      return mm(h, p.wo); // (B, d_out)
    },
  };
}
