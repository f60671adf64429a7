import type { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { valueAndGradWithAux } from "../autodiff/transforms.js";
import { treeMap } from "../tree.js";
import { mul, sub } from "../ops/elementwise.js";
import { mse } from "../ops/nn.js";
import { mlp, lrScaleTree, type MlpParams } from "./mlp.js";
import type { ParametrizationKind } from "./parametrization.js";

export interface CoordCheckRow {
  width: number;
  step: number;
  /** RMS entry size of the last hidden layer's activations, averaged over seeds. */
  hidden: number;
  /** RMS entry size of their change since initialisation (what feature learning moves). */
  hiddenDelta: number;
  /** RMS size of the network output. */
  output: number;
  /** RMS size of the output's change since initialisation. */
  outputDelta: number;
}

export interface CoordCheckOptions {
  kind: ParametrizationKind;
  /** Hidden widths N of the network [dIn, N, N, 1], e.g. 64..2048. */
  widths: readonly number[];
  /** Plain GD steps (default 3). */
  steps?: number;
  /** Base learning rate, multiplied per layer by the parametrization's lrScale (default 0.1). */
  lr?: number;
  /** First seed; seeds seed..seed+seeds-1 are averaged (default 0 and 1). */
  seed?: number;
  seeds?: number;
  /** Input dimension and number of training points (defaults 16 and 16). */
  dIn?: number;
  n?: number;
  activation?: "relu" | "tanh";
  /** Richness gamma0 / output scale gamma for the mean-field and output-scale kinds. */
  gamma0?: number;
  gamma?: number;
  /** Per-layer init multipliers (3 entries), e.g. [1, 1, 0] for a zero readout at init. */
  layerInitScales?: readonly number[];
}

function rms(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s / t.size);
}

/**
 * The coordinate check of muP (Yang & Hu, arXiv 2011.14522; Yang et al., arXiv 2203.03466): train a
 * 3-layer MLP [dIn, N, N, 1] with `steps` steps of full-batch GD on the MSE loss (1/2 mean) of
 * Gaussian targets at several widths N, with per-layer learning rates lr * lrScale, and record the
 * RMS entry size of the last hidden layer, of its change since init, of the output and of the
 * output's change (all dimensionless). Under a parametrization that admits feature learning at
 * every width (muP, mean-field) the hidden change is flat in N; under SP with a width-independent
 * learning rate it grows like sqrt(N). Data and targets are shared across widths and seeds.
 */
export function coordCheck(opts: CoordCheckOptions): CoordCheckRow[] {
  const { kind, widths, steps = 3, lr = 0.1, seed = 0, seeds = 1, dIn = 16, n = 16, activation = "relu" } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`coordCheck: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`coordCheck: seeds must be a positive integer, got ${seeds}`);
  if (!(lr > 0)) throw new RangeError(`coordCheck: lr must be positive, got ${lr}`);
  const data = Rng.seed(seed);
  const x = normal(data, [n, dIn]); // (n, dIn)
  const y = normal(data, [n, 1]); // (n, 1)
  const rows: CoordCheckRow[] = [];
  for (const width of widths) {
    const model = mlp({ widths: [dIn, width, width, 1], parametrization: kind, activation, gamma0: opts.gamma0, gamma: opts.gamma, layerInitScales: opts.layerInitScales });
    const sums = Array.from({ length: steps + 1 }, () => ({ hidden: 0, hiddenDelta: 0, output: 0, outputDelta: 0 }));
    for (let s = 0; s < seeds; s++) {
      let params = model.init(Rng.seed(seed + 1 + s).fork(`width-${width}`));
      const scales = lrScaleTree(params, model.scalings);
      const lossAndLayers = valueAndGradWithAux((p: MlpParams): [Tensor, Tensor[]] => {
        const hs = model.activations(p, x); // [(n, N), (n, N), (n, 1)]
        return [mse(hs[2], y), hs];
      });
      let h0: Tensor | undefined;
      let f0: Tensor | undefined;
      for (let step = 0; step <= steps; step++) {
        // The last row needs a forward pass only; the others reuse the gradient's forward pass.
        const [, g, hs] = step < steps ? lossAndLayers(params) : [undefined, undefined, model.activations(params, x)];
        const [h, f] = [hs[1], hs[2]];
        h0 ??= h;
        f0 ??= f;
        const acc = sums[step];
        acc.hidden += rms(h) / seeds;
        acc.hiddenDelta += rms(sub(h, h0)) / seeds;
        acc.output += rms(f) / seeds;
        acc.outputDelta += rms(sub(f, f0)) / seeds;
        if (g) params = treeMap((p: Tensor, gi: Tensor, sc: Tensor) => sub(p, mul(mul(gi, sc), lr)), params, g, scales);
      }
    }
    sums.forEach((acc, step) => rows.push({ width, step, ...acc }));
  }
  return rows;
}
