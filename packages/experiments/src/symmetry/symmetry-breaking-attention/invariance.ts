import * as S from "@saddle/core";
import type { AttentionBiases, Rng } from "@saddle/core";
import type { MarkovCorpus } from "./char-corpus.js";
import { randomStarts, windows } from "./char-corpus.js";
import { randomInvertible, randomOrthogonal, rotateQueryKey, transformValueOutput } from "./attention-symmetry.js";
import { makeModel, type ModelSetup } from "./training.js";

/** Relative loss changes |L(T theta) - L(theta)| / L(theta) under the symmetry maps, and the bias identities. */
export interface InvarianceResult {
  /** Q-K rotation (a random R per layer and head), no biases. */
  qkSymmetric: number;
  /** V-O GL map (a random G per layer and head), no biases. */
  voSymmetric: number;
  /** Q-K rotation with the batch's beta_Q added to q. */
  qkBiased: number;
  /** V-O GL map with the batch's beta_V added to v. */
  voBiased: number;
  /**
   * One R for every layer and head: |L(theta R; beta_Q) - L(theta; beta_Q R^T)| / L, 0 in exact
   * arithmetic ((q R + beta_Q).(k R) = (q + beta_Q R^T).k): the bias breaks the symmetry exactly
   * as if it had been rotated back.
   */
  qkBiasRotatedBack: number;
  /** One G for every layer and head: |L(theta G; beta_V) - L(theta; beta_V G^-1)| / L, 0 in exact arithmetic. */
  voBiasMappedBack: number;
}

/** (1, n) row vector times (n, n) row-major matrix. */
function rowTimes(v: ArrayLike<number>, m: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j] += v[i] * m[i * n + j];
  return out;
}

/**
 * Exact-invariance test (arXiv 2601.22257, CPU check 1): a random model (init std `m.initStd`,
 * large enough for O(1) attention scores), one batch of windows, random R in O(dh) and G in GL(dh)
 * per layer and head. In float64 the symmetric model's loss is unchanged to round-off; with an
 * unlearned beta_Q (beta_V) the rotation (GL map) changes it, by exactly the change of rotating
 * (mapping) the bias back instead.
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
  const biasRng = rng.fork("biases");
  const betaQ = S.sampleAttentionBiases(biasRng, dh, { query: true, muQ: biases.muQ }).query!;
  const betaV = S.sampleAttentionBiases(biasRng, dh, { query: false, value: true, muV: biases.muV }).value!;
  const loss = (p: typeof params, b?: AttentionBiases) => S.noGrad(() => model.loss(p, { tokens, batch, biases: b }, targets).item());
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const l0 = loss(params);
  const lq = loss(params, { query: betaQ });
  const lv = loss(params, { value: betaV });
  // One R (one G) shared by every layer and head: beta_Q (beta_V) is one vector for all heads.
  const r = randomOrthogonal(rng.fork("shared-rotation"), dh);
  const g = randomInvertible(rng.fork("shared-gl"), dh);
  const rT = Float64Array.from(r, (_, i) => r[(i % dh) * dh + Math.floor(i / dh)]);
  const sameR = rotateQueryKey(params, params.blocks.map(() => Array.from({ length: m.heads }, () => r)), layout);
  const sameG = transformValueOutput(params, params.blocks.map(() => Array.from({ length: m.heads }, () => g)), layout);
  return {
    qkSymmetric: rel(loss(rotateQueryKey(params, rotations, layout)), l0),
    voSymmetric: rel(loss(transformValueOutput(params, maps, layout)), l0),
    qkBiased: rel(loss(rotateQueryKey(params, rotations, layout), { query: betaQ }), lq),
    voBiased: rel(loss(transformValueOutput(params, maps, layout), { value: betaV }), lv),
    qkBiasRotatedBack: rel(loss(sameR, { query: betaQ }), loss(params, { query: new S.Tensor(rowTimes(betaQ.data, rT, dh), [dh]) })),
    voBiasMappedBack: rel(loss(sameG, { value: betaV }), loss(params, { value: new S.Tensor(rowTimes(betaV.data, g.gInv, dh), [dh]) })),
  };
}
