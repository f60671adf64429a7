import * as S from "@saddle/core";
import type { AttentionBiases, Rng, Tensor, TransformerParams, Tree } from "@saddle/core";
import { windows, randomStarts, type MarkovCorpus } from "./char-corpus.js";
import { augmentedHead, type HeadLayout } from "./attention-symmetry.js";
import { qkSource } from "./noether-current.js";

/** The tiny character transformer of the experiment. */
export interface ModelSetup {
  vocab: number;
  dModel: number;
  heads: number;
  layers: number;
  seqLen: number;
  initStd: number;
  /** MLP hidden width / dModel. */
  mlpRatio: number;
}

/** Which unlearned biases a run adds: none (symmetric), beta_Q, or beta_Q and beta_V. */
export interface BiasSetup {
  query: boolean;
  value: boolean;
  muQ: number;
  muV: number;
}

/** A training batch: token windows with targets and the batch's biases. */
export interface CharBatch {
  tokens: Int32Array;
  targets: Int32Array;
  batch: number;
  biases?: AttentionBiases;
}

export type CharTransformer = ReturnType<typeof S.transformer>;

export function makeModel(m: ModelSetup): CharTransformer {
  return S.transformer({ vocab: m.vocab, dModel: m.dModel, heads: m.heads, layers: m.layers, seqLen: m.seqLen, initStd: m.initStd, mlpRatio: m.mlpRatio });
}

/** beta = mu + sigma eps per batch (sampleAttentionBiases), or undefined for the symmetric model. */
export function drawBiases(rng: Rng, dHead: number, b: BiasSetup): AttentionBiases | undefined {
  if (!b.query && !b.value) return undefined;
  return S.sampleAttentionBiases(rng, dHead, { query: b.query, value: b.value, muQ: b.muQ, muV: b.muV });
}

/**
 * The evaluation biases: the means (mu_Q, mu_V), as the reference evaluates its disordered models
 * (`CausalSelfAttentionWithBias`, arXiv 2601.22257 code).
 */
export function meanBiases(dHead: number, b: BiasSetup): AttentionBiases | undefined {
  const out: AttentionBiases = {};
  if (b.query) out.query = S.full([dHead], b.muQ);
  if (b.value) out.value = S.full([dHead], b.muV);
  return b.query || b.value ? out : undefined;
}

/**
 * The batch of training step `step`, from the step alone (resumable): random windows from
 * `dataRng.fork(step)` and fresh biases from `biasRng.fork(step)`, so runs with and without biases
 * see the same windows (paired comparisons).
 */
export function batchAtStep(corpus: MarkovCorpus, m: ModelSetup, biases: BiasSetup, batch: number, dataRng: Rng, biasRng: Rng, step: number): CharBatch {
  const { tokens, targets } = windows(corpus.train, randomStarts(dataRng.fork(step), corpus.train.length, batch, m.seqLen), m.seqLen);
  return { tokens, targets, batch, biases: drawBiases(biasRng.fork(step), m.dModel / m.heads, biases) };
}

/** Mean cross-entropy (nats per character) of a model on evenly spaced validation windows, mean biases. */
export function validationLoss(model: CharTransformer, params: TransformerParams, corpus: MarkovCorpus, m: ModelSetup, biases: BiasSetup, count: number): number {
  const n = corpus.val.length;
  const stride = Math.floor((n - m.seqLen - 1) / count);
  const starts = Int32Array.from({ length: count }, (_, i) => i * stride);
  const { tokens, targets } = windows(corpus.val, starts, m.seqLen);
  return S.noGrad(() => model.loss(params, { tokens, batch: count, biases: meanBiases(m.dModel / m.heads, biases) }, targets).item());
}

/** Loss of the parameters on a batch. */
export function batchLoss(model: CharTransformer, p: TransformerParams, b: CharBatch): Tensor {
  return model.loss(p, { tokens: b.tokens, batch: b.batch, biases: b.biases }, b.targets);
}

/** A tree like `params` with i.i.d. N(0, std^2) entries (SGD's initial velocity). */
export function gaussianTree<T extends Tree>(rng: Rng, like: T, std: number): T {
  return S.treeMap((x: Tensor) => S.normal(rng, x.shape, { std }), like);
}

/**
 * The Q-K rotation symmetry as core's RotationSymmetry: one current per layer and head, rotating
 * the augmented query and key matrices [W_Q; b_Q], [W_K; b_K] ((d + 1, dh) each) together.
 */
export function qkRotationSymmetry(layout: HeadLayout): S.RotationSymmetry<TransformerParams> {
  const dh = layout.dModel / layout.heads;
  return {
    dim: dh,
    sectors: (t) => t.blocks.flatMap((blk) => Array.from({ length: layout.heads }, (_, h) => [augmentedHead(blk, "query", h, layout), augmentedHead(blk, "key", h, layout)])),
  };
}

/** The predicted Noether source per current (layer, head): -antisym(beta_Q (x) dL/db_Q) of the step's batch. */
export function qkSources(layout: HeadLayout): (ctx: S.ProbeContext<TransformerParams>) => Float64Array[] {
  return (ctx) => {
    const betaQ = (ctx.batch as CharBatch).biases?.query?.data;
    return ctx.grads!.blocks.flatMap((blk) => Array.from({ length: layout.heads }, (_, h) => qkSource(blk, betaQ, h, layout)));
  };
}
