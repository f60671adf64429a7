import type { Tensor } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { add, mul, sub } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import type { Model } from "./mlp.js";
import { full } from "../tensor/tensor.js";
import { type LayerScaling, type ParametrizationChoice, parametrizationSpec, parametrize } from "./parametrization.js";

export type EmbeddingParams = { w: Tensor };

/**
 * Bilinear (tied) word-embedding model: scores s_ij = w_i . w_j for embeddings W (V, d); apply
 * returns the (V, V) score matrix (the input is ignored). Quadratic word embedding models (QWEM,
 * Karkada, Simon et al., arXiv 2502.09863) train it from small init and learn the top eigenspace
 * of a target matrix one rank at a time.
 */
export function embeddingModel(cfg: {
  vocab: number;
  dim: number;
  /** Init std without a parametrization; with one, it multiplies the table's std (default 1). */
  initScale?: number;
  /**
   * A parametrization of the one-layer widths [vocab, dim] (the embedding as a map R^V -> R^d):
   * init std from the table (times initScale), multiplier m on W, so s_ij = m^2 w_i . w_j, and
   * `lrScales` the table's lrScale.
   */
  parametrization?: ParametrizationChoice;
}): Model<EmbeddingParams, null> & { scalings: LayerScaling[] | null; lrScales(params: EmbeddingParams): EmbeddingParams } {
  if (cfg.parametrization === undefined && cfg.initScale === undefined) throw new RangeError("embeddingModel: give initScale (the init std) or a parametrization");
  const table = cfg.parametrization === undefined ? null : parametrize(parametrizationSpec(cfg.parametrization, [cfg.vocab, cfg.dim], cfg.initScale));
  const s = table ? table[0] : null;
  return {
    scalings: table,
    init: (rng) => ({ w: normal(rng, [cfg.vocab, cfg.dim], { std: s ? s.initStd : (cfg.initScale as number) }) }),
    apply: (p) => {
      const scores = mm(p.w, p.w, false, true); // (V, V)
      return s && s.multiplier !== 1 ? mul(scores, s.multiplier * s.multiplier) : scores;
    },
    lrScales: (p) => ({ w: full(p.w.shape, s ? s.lrScale : 1) }),
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
