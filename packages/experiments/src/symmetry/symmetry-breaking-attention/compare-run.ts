import * as S from "@saddle/core";
import type { GradientTransformation, Rng, TransformerParams } from "@saddle/core";
import type { MarkovCorpus } from "./char-corpus.js";
import { batchLoss, batchSampler, gaussianTree, makeModel, validationLoss, type BiasSetup, type ModelSetup } from "./training.js";

/** The four optimisers of the comparison (arXiv 2601.22257, scripts/train.py), with Saddle's settings. */
export const OPTIMIZERS = ["adamw", "soap", "nesterov", "ecd"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerSettings {
  adamwLr: number;
  soapLr: number;
  nesterovLr: number;
  nesterovMomentum: number;
  /** Std of SGD's Gaussian initial velocity (the reference's sgdm_init_velocity_std = 0.1). */
  initVelocityStd: number;
  ecdLr: number;
  ecdEta: number;
  ecdF0: number;
}

/**
 * The optimiser by name: AdamW (b = (0.9, 0.95), wd 0.01), SOAP (b = (0.95, 0.95), wd 0.01,
 * preconditioner every 10 steps), SGD with Nesterov momentum from a Gaussian initial velocity,
 * and ECD q = 1 (nu = 0), as in the reference's defaults (learning rates retuned for this size).
 */
export function makeOptimizer(name: OptimizerName, s: OptimizerSettings, params: TransformerParams, rng: Rng): GradientTransformation<unknown> {
  switch (name) {
    case "adamw":
      return S.adamw(s.adamwLr, { b1: 0.9, b2: 0.95, wd: 0.01 });
    case "soap":
      return S.soap(s.soapLr, { b1: 0.95, b2: 0.95, wd: 0.01, precondFrequency: 10 });
    case "nesterov":
      return S.nesterov(s.nesterovLr, s.nesterovMomentum, { initialVelocity: gaussianTree(rng, params, s.initVelocityStd) });
    case "ecd":
      return S.ecd({ lr: s.ecdLr, eta: s.ecdEta, f0: s.ecdF0, nu: 0 });
  }
}

export interface CompareResult {
  valLoss: number;
  finalTrainLoss: number;
}

/**
 * One training run of the comparison: `steps` updates on random windows (per-batch biases when
 * `biases` asks for them), then the validation loss with the mean biases. The same `rngs` give
 * the same initialisation and windows for every optimiser and variant (paired comparison).
 */
export function compareRun(
  corpus: MarkovCorpus,
  m: ModelSetup,
  biases: BiasSetup,
  name: OptimizerName,
  settings: OptimizerSettings,
  o: { steps: number; batch: number; valWindows: number },
  rngs: { init: Rng; data: Rng; bias: Rng; optimizer: Rng },
): CompareResult {
  const model = makeModel(m);
  let params = model.init(rngs.init);
  const opt = makeOptimizer(name, settings, params, rngs.optimizer);
  let state = opt.init(params);
  const sample = batchSampler(corpus, m, biases, o.batch);
  let loss = NaN;
  for (let k = 0; k < o.steps; k++) {
    const b = sample(rngs.data, rngs.bias);
    const [lossT, grads] = S.valueAndGrad(batchLoss(model, b))(params);
    loss = lossT.item();
    if (!Number.isFinite(loss)) break;
    const [updates, next] = opt.update(grads, state, params, { loss });
    params = S.applyUpdates(params, updates);
    state = next;
  }
  return { valLoss: validationLoss(model, params, corpus, m, biases, o.valWindows), finalTrainLoss: loss };
}

/** Mean and sample standard deviation (0 for one value). */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}
