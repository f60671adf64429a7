import type { Tensor } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { add, mul, sub } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import type { Model } from "./mlp.js";

export type EmbeddingParams = { w: Tensor };

/**
 * Bilinear (tied) word-embedding model: scores s_ij = w_i . w_j for embeddings W (V, d); apply
 * returns the (V, V) score matrix (the input is ignored). Quadratic word embedding models (QWEM,
 * Karkada, Simon et al., arXiv 2502.09863) train it from small init and learn the top eigenspace
 * of a target matrix one rank at a time.
 */
export function embeddingModel(cfg: { vocab: number; dim: number; initScale: number }): Model<EmbeddingParams, null> {
  return {
    init: (rng) => ({ w: normal(rng, [cfg.vocab, cfg.dim], { std: cfg.initScale }) }),
    apply: (p) => mm(p.w, p.w, false, true), // (V, V)
  };
}

/**
 * The QWEM loss: the quadratic truncation of skip-gram with negative sampling,
 * l = sum_ij [ w+_ij (-s_ij + s_ij^2 / 4) + w-_ij (s_ij + s_ij^2 / 4) ] with positive-pair weights
 * w+ and negative-pair weights w- (both (V, V)).
 */
export function qwemLoss(scores: Tensor, positive: Tensor, negative: Tensor): Tensor {
  const quad = mul(mul(scores, scores), 0.25);
  return sum(add(mul(positive, sub(quad, scores)), mul(negative, add(scores, quad))));
}
