import * as S from "@saddle/core";
import type { AttentionBiases, Rng } from "@saddle/core";
import type { MarkovCorpus } from "./char-corpus.js";
import { randomStarts, windows } from "./char-corpus.js";
import { randomInvertible, randomOrthogonal, rotateQueryKey, transformValueOutput } from "./attention-symmetry.js";
import { makeModel, type ModelSetup } from "./training.js";

/** Relative loss changes |L(T theta) - L(theta)| / L(theta) under the two symmetry maps. */
export interface InvarianceResult {
  /** Q-K rotation, no biases. */
  qkSymmetric: number;
  /** V-O GL map, no biases. */
  voSymmetric: number;
  /** Q-K rotation with the batch's beta_Q added to q. */
  qkBiased: number;
  /** V-O GL map with the batch's beta_V added to v. */
  voBiased: number;
}

/**
 * Exact-invariance test (arXiv 2601.22257, CPU check 1): a random model (init std `m.initStd`,
 * large enough for O(1) attention scores), one batch of windows, one random R in O(dh) and one
 * G in GL(dh) per layer and head. In float64 the symmetric model's loss is unchanged to round-off;
 * with an unlearned beta_Q (beta_V) the rotation (GL map) changes it.
 */
export function invarianceCheck(corpus: MarkovCorpus, m: ModelSetup, biases: { muQ: number; muV: number }, batch: number, rng: Rng): InvarianceResult {
  const layout = { dModel: m.dModel, heads: m.heads };
  const dh = m.dModel / m.heads;
  const model = makeModel(m);
  const params = model.init(rng.fork("init"));
  const { tokens, targets } = windows(corpus.train, randomStarts(rng.fork("windows"), corpus.train.length, batch, m.seqLen), m.seqLen);
  const rotRng = rng.fork("rotations");
  const rotations = params.blocks.map(() => Array.from({ length: m.heads }, () => randomOrthogonal(rotRng, dh)));
  const glRng = rng.fork("gl");
  const maps = params.blocks.map(() => Array.from({ length: m.heads }, () => randomInvertible(glRng, dh)));
  const rotated = rotateQueryKey(params, rotations, layout);
  const mapped = transformValueOutput(params, maps, layout);
  const biasRng = rng.fork("biases");
  const betaQ: AttentionBiases = { query: S.sampleAttentionBiases(biasRng, dh, { query: true, muQ: biases.muQ }).query };
  const betaV: AttentionBiases = { value: S.sampleAttentionBiases(biasRng, dh, { query: false, value: true, muV: biases.muV }).value };
  const loss = (p: typeof params, b?: AttentionBiases) => S.noGrad(() => model.loss(p, { tokens, batch, biases: b }, targets).item());
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const l0 = loss(params);
  const lq = loss(params, betaQ);
  const lv = loss(params, betaV);
  return {
    qkSymmetric: rel(loss(rotated), l0),
    voSymmetric: rel(loss(mapped), l0),
    qkBiased: rel(loss(rotated, betaQ), lq),
    voBiased: rel(loss(mapped, betaV), lv),
  };
}
