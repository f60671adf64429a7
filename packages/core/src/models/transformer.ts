import { Tensor, zeros } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { add, mul } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { reshape, slice, take, transpose } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { attention, gelu, layerNorm, crossEntropy } from "../ops/nn.js";
import type { Model } from "./mlp.js";
import { full } from "../tensor/tensor.js";
import { type LayerScaling, type ParametrizationChoice, parametrizationSpec, parametrize } from "./parametrization.js";

/** In-context regression prompts: B prompts of N (x, y) pairs and a query x_q. */
export interface IclBatch {
  /** (B, N, D) */
  xs: Tensor;
  /** (B, N) */
  ys: Tensor;
  /** (B, D) */
  xq: Tensor;
}

export type LinearAttentionParams = { q: Tensor; k: Tensor; v: Tensor };

/**
 * Attention-only linear transformer for in-context linear regression, as in AGF's setting
 * (arXiv 2506.06489): head h predicts v_h (k_h . sum_n y_n x_n)(q_h . x_q), and the output is the
 * sum over heads (degree kappa = 3 in the parameters). Parameters q, k (H, D), v (H); init
 * N(0, initScale^2).
 */
export function linearAttention(cfg: { d: number; heads: number; initScale: number }): Model<LinearAttentionParams, IclBatch> {
  return {
    init: (rng) => ({
      q: normal(rng, [cfg.heads, cfg.d], { std: cfg.initScale }),
      k: normal(rng, [cfg.heads, cfg.d], { std: cfg.initScale }),
      v: normal(rng, [cfg.heads], { std: cfg.initScale }),
    }),
    apply: (p, { xs, ys, xq }) => {
      const [b, n, d] = xs.shape;
      const s = reshape(mm(reshape(ys, [b, 1, n]), xs), [b, d]); // (B, D): sum_n y_n x_n
      const kp = mm(s, p.k, false, true); // (B, H)
      const qp = mm(xq, p.q, false, true); // (B, H)
      return sum(mul(mul(kp, qp), p.v), 1); // (B)
    },
  };
}

/** Unlearned per-batch attention biases (arXiv 2601.22257): beta_Q (and beta_V) of length d_head. */
export interface AttentionBiases {
  query?: Tensor;
  value?: Tensor;
}

/**
 * Samples the per-batch biases beta = mu + sigma * eps, eps ~ N(0, I), one vector shared by all
 * heads, positions and sequences of the batch. Defaults follow the reference: mu_Q = 0.5,
 * sigma_Q = linspace(0.05, 0.15, d_head); beta_V ~ N(mu_V, 0.05^2) when `value` is requested.
 */
export function sampleAttentionBiases(rng: Rng, dHead: number, { query = true, value = false, muQ = 0.5, muV = 0 } = {}): AttentionBiases {
  const out: AttentionBiases = {};
  if (query) {
    const q = new Float64Array(dHead);
    for (let i = 0; i < dHead; i++) q[i] = muQ + (dHead === 1 ? 0.1 : 0.05 + (0.1 * i) / (dHead - 1)) * rng.nextNormal();
    out.query = new Tensor(q, [dHead]);
  }
  if (value) {
    const v = new Float64Array(dHead);
    for (let i = 0; i < dHead; i++) v[i] = muV + 0.05 * rng.nextNormal();
    out.value = new Tensor(v, [dHead]);
  }
  return out;
}

export type TransformerBlock = { wqkv: Tensor; bqkv: Tensor; wo: Tensor; bo: Tensor; w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
export type TransformerParams = { embed: Tensor; pos: Tensor; blocks: TransformerBlock[]; unembed: Tensor };

export interface TransformerConfig {
  vocab: number;
  dModel: number;
  heads: number;
  layers: number;
  /** Maximum sequence length (positional embeddings). */
  seqLen: number;
  mlpRatio?: number;
  initStd?: number;
  /**
   * A parametrization (parametrization.ts): every weight matrix gets the table row of its role and
   * fans, the embeddings (token and positional) the input row of [vocab, d, d, vocab], the
   * unembedding its output row, and every hidden matrix W (fan_in, fan_out) (wqkv, wo, w1, w2) row 1
   * of [vocab, fan_in, fan_out, d, vocab] (hidden rows depend on the fans, and mean-field's on the
   * readout fan-in d); wo and w2 keep the GPT-2 residual factor 1/sqrt(2 layers) on their std.
   * Forward multipliers multiply each matmul, and `lrScales` gives the learning-rate multipliers.
   * Without one: std `initStd` (0.02) everywhere, multipliers 1.
   */
  parametrization?: ParametrizationChoice;
}

/** Token ids for a batch of sequences, and optional per-batch biases (from sampleAttentionBiases). */
export interface TokenBatch {
  /** (B * T) token ids, row-major (B, T). */
  tokens: Int32Array;
  batch: number;
  biases?: AttentionBiases;
}

/** Input embeddings (B, T, dModel) instead of token ids (the token embedding is skipped). */
export interface EmbeddingBatch {
  embeddings: Tensor;
  biases?: AttentionBiases;
}

export type TransformerInput = TokenBatch | EmbeddingBatch;

/**
 * A small pre-layer-norm softmax transformer (GPT-style): token and positional embeddings,
 * causal multi-head attention with learned q/k/v biases plus optional unlearned per-batch query and
 * value biases (arXiv 2601.22257; sample them once per batch with sampleAttentionBiases(rng, dHead)
 * and pass them in the input), a GELU MLP, layer norm without affine parameters, and an untied
 * unembedding. Input: token ids (TokenBatch) or embeddings (EmbeddingBatch); apply returns logits
 * (B, T, vocab) and `loss` the mean cross-entropy of the logits against target ids (B * T).
 */
export function transformer(cfg: TransformerConfig): Model<TransformerParams, TransformerInput> & {
  loss(p: TransformerParams, batch: TransformerInput, targets: Int32Array): Tensor;
  lrScales(p: TransformerParams): TransformerParams;
} {
  const { vocab, dModel: d, heads, layers, seqLen } = cfg;
  if (d % heads !== 0) throw new RangeError(`dModel (${d}) must be divisible by heads (${heads})`);
  const dh = d / heads;
  const hidden = (cfg.mlpRatio ?? 4) * d;
  const std = cfg.initStd ?? 0.02;
  const choice = cfg.parametrization;
  const ends = choice === undefined ? null : parametrize(parametrizationSpec(choice, [vocab, d, d, vocab]));
  const hiddenRow = (fanIn: number, fanOut: number): LayerScaling | null => (choice === undefined ? null : parametrize(parametrizationSpec(choice, [vocab, fanIn, fanOut, d, vocab]))[1]);
  const rows = { embed: ends && ends[0], unembed: ends && ends[2], qkv: hiddenRow(d, 3 * d), o: hiddenRow(d, d), w1: hiddenRow(d, hidden), w2: hiddenRow(hidden, d) };
  const stdOf = (r: LayerScaling | null, factor = 1) => (r ? r.initStd : std) * factor;
  const mOf = (r: LayerScaling | null) => (r ? r.multiplier : 1);
  const bmOf = (r: LayerScaling | null) => (r ? r.biasMultiplier : 1);
  const scaled = (t: Tensor, m: number) => (m === 1 ? t : mul(t, m));
  /** m x W + mb b. */
  const lin = (x: Tensor, w: Tensor, b: Tensor, r: LayerScaling | null) => add(scaled(mm(x, w), mOf(r)), scaled(b, bmOf(r)));
  const embed = (p: TransformerParams, input: TransformerInput): Tensor => {
    if ("embeddings" in input) {
      const e = input.embeddings;
      if (e.shape.length !== 3 || e.shape[2] !== d || e.shape[1] > seqLen) {
        throw new RangeError(`transformer: embeddings must have shape (B, T <= ${seqLen}, ${d}), got [${e.shape.join(", ")}]`);
      }
      return add(e, scaled(slice(p.pos, [[0, e.shape[1]]]), mOf(rows.embed))); // (B, T, d)
    }
    const { tokens, batch } = input;
    const t = tokens.length / batch;
    if (!Number.isInteger(t) || t > seqLen) throw new RangeError(`transformer: ${tokens.length} token ids do not form ${batch} sequences of length <= ${seqLen}`);
    return scaled(add(reshape(take(p.embed, tokens, 0), [batch, t, d]), slice(p.pos, [[0, t]])), mOf(rows.embed)); // (B, T, d)
  };
  const model: Model<TransformerParams, TransformerInput> = {
    init: (rng) => ({
      embed: normal(rng, [vocab, d], { std: stdOf(rows.embed) }),
      pos: normal(rng, [seqLen, d], { std: stdOf(rows.embed) }),
      blocks: Array.from({ length: layers }, () => ({
        wqkv: normal(rng, [d, 3 * d], { std: stdOf(rows.qkv) }),
        bqkv: zeros([3 * d]),
        wo: normal(rng, [d, d], { std: stdOf(rows.o, 1 / Math.sqrt(2 * layers)) }),
        bo: zeros([d]),
        w1: normal(rng, [d, hidden], { std: stdOf(rows.w1) }),
        b1: zeros([hidden]),
        w2: normal(rng, [hidden, d], { std: stdOf(rows.w2, 1 / Math.sqrt(2 * layers)) }),
        b2: zeros([d]),
      })),
      unembed: normal(rng, [d, vocab], { std: stdOf(rows.unembed) }),
    }),
    apply: (p, input) => {
      const biases = input.biases;
      let h = embed(p, input); // (B, T, d)
      const [batch, t] = h.shape;
      for (const blk of p.blocks) {
        const x = layerNorm(h);
        const qkv = lin(x, blk.wqkv, blk.bqkv, rows.qkv); // (B, T, 3d)
        const split = (i: number) => transpose(reshape(slice(qkv, [null, null, [i * d, (i + 1) * d]]), [batch, t, heads, dh]), [0, 2, 1, 3]); // (B, H, T, dh)
        let q = split(0);
        const k = split(1);
        let v = split(2);
        if (biases?.query) q = add(q, biases.query);
        if (biases?.value) v = add(v, biases.value);
        const a = reshape(transpose(attention(q, k, v, { causal: true }), [0, 2, 1, 3]), [batch, t, d]); // (B, T, d)
        h = add(h, lin(a, blk.wo, blk.bo, rows.o));
        const y = layerNorm(h);
        h = add(h, lin(gelu(lin(y, blk.w1, blk.b1, rows.w1)), blk.w2, blk.b2, rows.w2));
      }
      return scaled(mm(layerNorm(h), p.unembed), mOf(rows.unembed)); // (B, T, vocab)
    },
  };
  const w = (r: LayerScaling | null) => (r ? r.lrScale : 1);
  const wb = (r: LayerScaling | null) => (r ? r.biasLrScale : 1);
  return {
    ...model,
    lrScales: (p) => ({
      embed: full(p.embed.shape, w(rows.embed)),
      pos: full(p.pos.shape, w(rows.embed)),
      blocks: p.blocks.map((b) => ({
        wqkv: full(b.wqkv.shape, w(rows.qkv)),
        bqkv: full(b.bqkv.shape, wb(rows.qkv)),
        wo: full(b.wo.shape, w(rows.o)),
        bo: full(b.bo.shape, wb(rows.o)),
        w1: full(b.w1.shape, w(rows.w1)),
        b1: full(b.b1.shape, wb(rows.w1)),
        w2: full(b.w2.shape, w(rows.w2)),
        b2: full(b.b2.shape, wb(rows.w2)),
      })),
      unembed: full(p.unembed.shape, w(rows.unembed)),
    }),
    loss: (p, batch, targets) => {
      const logits = model.apply(p, batch);
      return crossEntropy(reshape(logits, [targets.length, vocab]), targets);
    },
  };
}
