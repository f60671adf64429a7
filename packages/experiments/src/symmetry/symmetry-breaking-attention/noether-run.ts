import * as S from "@saddle/core";
import type { GradientTransformation, Rng, TransformerParams, Tree } from "@saddle/core";
import type { MarkovCorpus } from "./char-corpus.js";
import { frobenius, qkCurrent, qkSource, type QkCurrent } from "./noether-current.js";
import { batchLoss, batchSampler, makeModel, type BiasSetup, type ModelSetup } from "./training.js";

/** One step's measurements of the Q-K Noether current (maxima over layers and heads). */
export interface NoetherStep {
  /** Step k + 1: the current after the k-th update. */
  step: number;
  loss: number;
  /** max over heads of ||J||_F / (||W~_Q||_F ||P_Q||_F). */
  relativeCurrent: number;
  /**
   * Heavy ball only: max over heads of ||J_{k+1} - beta J_k - S_k||_F / (||W~_Q||_F ||P_Q||_F), the
   * residual of the identity J_{k+1} = beta J_k + S_k with S_k = -antisym(beta_Q (x) g_bQ)
   * (S_k = 0 without beta_Q). NaN for ECD.
   */
  identityResidual: number;
  /** Heavy ball with beta_Q only: max over heads of ||J_{k+1} - beta J_k - S_k|| / ||S_k||. */
  sourceRelativeError: number;
}

export interface NoetherRunOptions {
  model: ModelSetup;
  biases: BiasSetup;
  batch: number;
  steps: number;
  /** Heavy ball, core's ECD (global p.g), or the paper code's ECD (per-tensor p.g, core's ecd with projection "per-tensor"); both ECDs with nu = 0. */
  optimizer: { kind: "sgdm"; lr: number; momentum: number } | { kind: "ecd" | "ecdPerTensor"; lr: number; eta: number; f0: number };
}

/** The optimiser's velocity as a parameter tree: the heavy-ball buffer, or ECD's unit velocity p. */
function velocityOf(kind: NoetherRunOptions["optimizer"]["kind"], state: unknown, params: TransformerParams): TransformerParams {
  if (kind === "sgdm") return (state as [{ velocity: Tree }, unknown])[0].velocity as TransformerParams;
  return S.vectorToTree((state as S.EcdState).p, params);
}

/**
 * Trains the tiny transformer with heavy-ball SGDM (zero initial velocity) or ECD (nu = 0; global or
 * per-tensor projection) and
 * measures the Q-K Noether current after every update. `initRng` fixes the initialisation and
 * `dataRng` the token windows; biases come from `biasRng`, so a symmetric and a beta_Q run see the
 * same windows.
 */
export function noetherRun(corpus: MarkovCorpus, o: NoetherRunOptions, rngs: { init: Rng; data: Rng; bias: Rng }): NoetherStep[] {
  const m = o.model;
  const layout = { dModel: m.dModel, heads: m.heads };
  const model = makeModel(m);
  let params = model.init(rngs.init);
  const oo = o.optimizer;
  const opt: GradientTransformation<unknown> =
    oo.kind === "sgdm"
      ? S.momentum(oo.lr, oo.momentum)
      : oo.kind === "ecd"
        ? S.ecd({ lr: oo.lr, eta: oo.eta, f0: oo.f0, nu: 0 })
        : S.ecd({ lr: oo.lr, eta: oo.eta, f0: oo.f0, nu: 0, projection: "per-tensor" });
  let state = opt.init(params);
  const sample = batchSampler(corpus, m, o.biases, o.batch);
  const beta = o.optimizer.kind === "sgdm" ? o.optimizer.momentum : NaN;
  let previous: QkCurrent[] | null = null;
  const out: NoetherStep[] = [];
  for (let k = 0; k < o.steps; k++) {
    const b = sample(rngs.data, rngs.bias);
    const [lossT, grads] = S.valueAndGrad(batchLoss(model, b))(params);
    const loss = lossT.item();
    const sources = params.blocks.flatMap((_, l) => Array.from({ length: m.heads }, (_, h) => qkSource(grads.blocks[l], b.biases?.query?.data, h, layout)));
    const [updates, next] = opt.update(grads, state, params, { loss });
    params = S.applyUpdates(params, updates);
    state = next;
    const velocity = velocityOf(o.optimizer.kind, state, params);
    const currents = params.blocks.flatMap((blk, l) => Array.from({ length: m.heads }, (_, h) => qkCurrent(blk, velocity.blocks[l], h, layout)));
    let identityResidual = o.optimizer.kind === "sgdm" ? 0 : NaN;
    let sourceRelativeError = o.optimizer.kind === "sgdm" && o.biases.query ? 0 : NaN;
    if (o.optimizer.kind === "sgdm") {
      currents.forEach((c, i) => {
        const r = new Float64Array(c.j.length);
        for (let e = 0; e < r.length; e++) r[e] = c.j[e] - beta * (previous ? previous[i].j[e] : 0) - sources[i][e];
        const rn = frobenius(r);
        identityResidual = Math.max(identityResidual, c.scale > 0 ? rn / c.scale : rn);
        if (o.biases.query) sourceRelativeError = Math.max(sourceRelativeError, rn / frobenius(sources[i]));
      });
    }
    previous = currents;
    out.push({ step: k + 1, loss, relativeCurrent: Math.max(...currents.map((c) => c.relative)), identityResidual, sourceRelativeError });
  }
  return out;
}
