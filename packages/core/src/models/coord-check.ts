import type { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { valueAndGrad } from "../autodiff/transforms.js";
import { treeMap } from "../tree.js";
import { mul, sub } from "../ops/elementwise.js";
import { mse } from "../ops/nn.js";
import { mm } from "../ops/matmul.js";
import { mlp, lrScaleTree, type MlpParams } from "./mlp.js";
import type { ParametrizationKind } from "./parametrization.js";
import { activation as activationFn } from "./activations.js";

export interface CoordCheckRow {
  width: number;
  step: number;
  /** RMS entry size of the last hidden layer's activations. */
  hidden: number;
  /** RMS entry size of their change since initialisation (what feature learning moves). */
  hiddenDelta: number;
  /** RMS size of the network output. */
  output: number;
}

/**
 * The coordinate check of muP (Yang & Hu, arXiv 2011.14522): train a 3-layer MLP for a few SGD
 * steps at several widths and record the RMS size of hidden activations and outputs. Under a
 * parametrization that admits feature learning at every width, the hidden scale after a few steps
 * is flat across widths; under SP with a width-independent learning rate it grows with width.
 */
export function coordCheck(opts: { kind: ParametrizationKind; widths: number[]; steps?: number; lr?: number; seed?: number; dIn?: number; n?: number; activation?: "relu" | "tanh" }): CoordCheckRow[] {
  const { kind, widths, steps = 3, lr = 0.1, seed = 0, dIn = 16, n = 32, activation = "relu" } = opts;
  const rows: CoordCheckRow[] = [];
  const data = Rng.seed(seed);
  const x = normal(data, [n, dIn]);
  const y = normal(data, [n, 1]);
  for (const width of widths) {
    const model = mlp({ widths: [dIn, width, width, 1], parametrization: kind, activation });
    let params = model.init(Rng.seed(seed + 1));
    const scales = lrScaleTree(params, model.scalings);
    const phi = activationFn(activation);
    const hiddenOf = (p: MlpParams): Tensor => {
      let h = x;
      for (let l = 0; l < 2; l++) {
        h = phi(mul(mm(h, p.layers[l].w), model.scalings[l].multiplier));
      }
      return h;
    };
    const rms = (t: Tensor) => {
      let s = 0;
      for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
      return Math.sqrt(s / t.size);
    };
    const vg = valueAndGrad((p: MlpParams) => mse(model.apply(p, x), y));
    const h0 = hiddenOf(params);
    for (let step = 0; step <= steps; step++) {
      const h = hiddenOf(params);
      rows.push({ width, step, hidden: rms(h), hiddenDelta: rms(sub(h, h0)), output: rms(model.apply(params, x)) });
      if (step === steps) break;
      const [, g] = vg(params);
      params = treeMap((p: Tensor, gi: Tensor, s: Tensor) => sub(p, mul(mul(gi, s), lr)), params, g, scales);
    }
  }
  return rows;
}
