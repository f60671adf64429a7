import type { Tensor } from "../tensor/tensor.js";
import { full, zeros } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { add, mul } from "../ops/elementwise.js";
import { mm, matmul } from "../ops/matmul.js";
import { activation, type ActivationName } from "./activations.js";
import type { Model } from "./mlp.js";
import { type LayerScaling, type ParametrizationChoice, parametrizationSpec, parametrize } from "./parametrization.js";

export type TwoLayerParams = { w: Tensor; a?: Tensor; b?: Tensor };

export interface TwoLayerConfig {
  d: number;
  h: number;
  activation?: ActivationName;
  bias?: boolean;
  readout?: "learned" | "fixed";
  readoutValue?: number;
  /** Init std of every learned entry without a parametrization; with one, it multiplies every std (default 1). */
  initScale?: number;
  /**
   * A parametrization of the widths [d, h, 1] (parametrization.ts): w and a take the table's init
   * stds (times initScale) and forward multipliers, f(x) = m_1 sum_i a_i phi(m_0 w_i . x + mb_0 b_i),
   * and `lrScales` its learning-rate multipliers. Without one: N(0, initScale^2) entries, multipliers 1.
   */
  parametrization?: ParametrizationChoice;
}

/**
 * Two-layer network f(x) = sum_i a_i phi(w_i . x + b_i) (the form used by saddle-to-saddle and
 * conservation-law analyses): w (d, h), optional bias b (h), readout a (h) learned or fixed
 * (fixed: a_i = readoutValue, not a parameter). Init N(0, initScale^2) for every learned entry,
 * or the table of `parametrization` (then with its multipliers). `lrScales(params)` is the tree of
 * per-leaf learning-rate multipliers for `scaleByLrMultiplier` (all 1 without a parametrization).
 */
export function twoLayer(cfg: TwoLayerConfig): Model<TwoLayerParams> & { scalings: LayerScaling[] | null; lrScales(params: TwoLayerParams): TwoLayerParams } {
  const phi = activation(cfg.activation ?? "relu");
  const learned = (cfg.readout ?? "learned") === "learned";
  const fixedA = full([cfg.h], cfg.readoutValue ?? 1 / cfg.h);
  if (cfg.parametrization === undefined && cfg.initScale === undefined) throw new RangeError("twoLayer: give initScale (the init std) or a parametrization");
  const table = cfg.parametrization === undefined ? null : parametrize(parametrizationSpec(cfg.parametrization, [cfg.d, cfg.h, 1], cfg.initScale));
  const std = cfg.initScale ?? 1;
  const [s0, s1] = table ?? [null, null];
  return {
    scalings: table,
    init: (rng) => {
      const p: TwoLayerParams = { w: normal(rng, [cfg.d, cfg.h], { std: s0 ? s0.initStd : std }) };
      if (learned) p.a = normal(rng, [cfg.h], { std: s1 ? s1.initStd : std });
      if (cfg.bias) p.b = s0 && s0.biasStd > 0 ? normal(rng, [cfg.h], { std: s0.biasStd }) : zeros([cfg.h]);
      return p;
    },
    apply: (p, x) => {
      let z = mm(x, p.w); // (n, h)
      if (s0 && s0.multiplier !== 1) z = mul(z, s0.multiplier);
      if (p.b) z = add(z, s0 && s0.biasMultiplier !== 1 ? mul(p.b, s0.biasMultiplier) : p.b);
      const f = matmul(phi(z), p.a ?? fixedA); // (n)
      return s1 && s1.multiplier !== 1 ? mul(f, s1.multiplier) : f;
    },
    lrScales: (p) => {
      const out: TwoLayerParams = { w: full(p.w.shape, s0 ? s0.lrScale : 1) };
      if (p.a) out.a = full(p.a.shape, s1 ? s1.lrScale : 1);
      if (p.b) out.b = full(p.b.shape, s0 ? s0.biasLrScale : 1);
      return out;
    },
  };
}
