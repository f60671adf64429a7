import type { Tensor } from "../tensor/tensor.js";
import { full, zeros } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { add } from "../ops/elementwise.js";
import { mm, matmul } from "../ops/matmul.js";
import { activation, type ActivationName } from "./activations.js";
import type { Model } from "./mlp.js";

export type TwoLayerParams = { w: Tensor; a?: Tensor; b?: Tensor };

/**
 * Two-layer network f(x) = sum_i a_i phi(w_i . x + b_i) (the form used by saddle-to-saddle and
 * conservation-law analyses): w (d, h), optional bias b (h), readout a (h) learned or fixed
 * (fixed: a_i = readoutValue, not a parameter). Init N(0, initScale^2) for every learned entry.
 */
export function twoLayer(cfg: { d: number; h: number; activation?: ActivationName; bias?: boolean; readout?: "learned" | "fixed"; readoutValue?: number; initScale: number }): Model<TwoLayerParams> {
  const phi = activation(cfg.activation ?? "relu");
  const learned = (cfg.readout ?? "learned") === "learned";
  const fixedA = full([cfg.h], cfg.readoutValue ?? 1 / cfg.h);
  return {
    init: (rng) => {
      const p: TwoLayerParams = { w: normal(rng, [cfg.d, cfg.h], { std: cfg.initScale }) };
      if (learned) p.a = normal(rng, [cfg.h], { std: cfg.initScale });
      if (cfg.bias) p.b = zeros([cfg.h]);
      return p;
    },
    apply: (p, x) => {
      let z = mm(x, p.w); // (n, h)
      if (p.b) z = add(z, p.b);
      return matmul(phi(z), p.a ?? fixedA); // (n)
    },
  };
}


