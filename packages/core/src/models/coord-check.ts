import type { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { sub } from "../ops/elementwise.js";
import { mse } from "../ops/nn.js";
import { train } from "../train/loop.js";
import { probe } from "../probes/probe.js";
import { chain, type GradientTransformation } from "../optim/transform.js";
import { scaleByAdam, scaleByLearningRate } from "../optim/blocks.js";
import { scaleByLrMultiplier, scaleBySpectralNorm } from "../optim/lr-scale.js";
import { mlp, type MlpParams } from "./mlp.js";
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
  /** Optimizer steps (default 3). */
  steps?: number;
  /** Base learning rate, multiplied per layer by the parametrization's lrScale (default 0.1). */
  lr?: number;
  /**
   * "sgd" (full-batch GD) or "adam" (b1 0.9, b2 0.999, eps 1e-12 (small against Adam's O(1)
   * normalised gradients at every width)); the table's lr scales follow it (default "sgd").
   */
  optimizer?: "sgd" | "adam";
  /**
   * "scaled": the optimizer's direction times lr * lrScale_l (scaleByLrMultiplier); "spectral":
   * the spectral-norm-projected update -lr sqrt(fan_out/fan_in) G/||G||_* (scaleBySpectralNorm,
   * on the gradient for SGD and on Adam's direction for Adam), no lr scales (default "scaled").
   */
  update?: "scaled" | "spectral";
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

/** The optimizer of a coord check: direction (GD or Adam), per-layer lr scales or spectral projection, step -lr. */
export function coordCheckOptimizer(optimizer: "sgd" | "adam", update: "scaled" | "spectral", lr: number, lrScales: MlpParams): GradientTransformation<unknown[]> {
  const blocks: GradientTransformation<unknown>[] = [];
  if (optimizer === "adam") blocks.push(scaleByAdam({ eps: 1e-12 }) as GradientTransformation<unknown>);
  blocks.push(update === "spectral" ? scaleBySpectralNorm() : scaleByLrMultiplier(lrScales));
  blocks.push(scaleByLearningRate(lr) as GradientTransformation<unknown>);
  return chain(...blocks);
}

/**
 * The coordinate check of muP (Yang & Hu, arXiv 2011.14522; Yang et al., arXiv 2203.03466): train a
 * 3-layer MLP [dIn, N, N, 1] with `steps` full-batch steps of core `train()` on the MSE loss (1/2
 * mean) of Gaussian targets at several widths N, with the optimizer of `coordCheckOptimizer`
 * (GD or Adam, per-layer learning rates lr * lrScale_l from the parametrization table, or the
 * spectral-norm-projected update), and record the RMS entry size of the last hidden layer, of its
 * change since init, of the output and of the output's change (all dimensionless), measured by a
 * probe at every step. Under a parametrization that admits feature learning at every width (muP,
 * spectral, mean-field) the hidden change is flat in N; under SP with a width-independent
 * learning rate it grows (like sqrt(N) for SGD, like N for Adam). Data and targets are shared
 * across widths and seeds.
 */
export async function coordCheck(opts: CoordCheckOptions): Promise<CoordCheckRow[]> {
  const { kind, widths, steps = 3, lr = 0.1, seed = 0, seeds = 1, dIn = 16, n = 16, activation = "relu", optimizer = "sgd", update = "scaled" } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`coordCheck: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`coordCheck: seeds must be a positive integer, got ${seeds}`);
  if (!(lr > 0)) throw new RangeError(`coordCheck: lr must be positive, got ${lr}`);
  const data = Rng.seed(seed);
  const x = normal(data, [n, dIn]); // (n, dIn)
  const y = normal(data, [n, 1]); // (n, 1)
  const rows: CoordCheckRow[] = [];
  for (const width of widths) {
    const model = mlp({ widths: [dIn, width, width, 1], parametrization: kind, optimizer, activation, gamma0: opts.gamma0, gamma: opts.gamma, layerInitScales: opts.layerInitScales });
    const sums = Array.from({ length: steps + 1 }, () => ({ hidden: 0, hiddenDelta: 0, output: 0, outputDelta: 0 }));
    for (let s = 0; s < seeds; s++) {
      const params = model.init(Rng.seed(seed + 1 + s).fork(`width-${width}`));
      const hs0 = model.activations(params, x); // [(n, N), (n, N), (n, 1)]
      const [h0, f0] = [hs0[1], hs0[2]];
      const sizes = probe<MlpParams>("coord", ({ params: p }) => {
        const hs = model.activations(p, x);
        return { hidden: rms(hs[1]), hiddenDelta: rms(sub(hs[1], h0)), output: rms(hs[2]), outputDelta: rms(sub(hs[2], f0)) };
      });
      const run = train<MlpParams>({
        params,
        loss: (p) => mse(model.apply(p, x), y),
        optimizer: coordCheckOptimizer(optimizer, update, lr, model.lrScales(params)),
        steps,
        probes: [sizes],
        schedule: { every: 1 },
        divergeAbove: Infinity,
      });
      for await (const row of run) {
        if (row.probe !== "coord") continue;
        const acc = sums[row.step];
        acc[row.key as keyof typeof acc] += row.value / seeds;
      }
      const result = run.result();
      if (result.reason !== "done") throw new RangeError(`coordCheck: ${kind}/${optimizer} at width ${width} stopped: ${result.message}`);
    }
    sums.forEach((acc, step) => rows.push({ width, step, ...acc }));
  }
  return rows;
}
