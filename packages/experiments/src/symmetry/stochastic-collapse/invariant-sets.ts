import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/** Settings of the invariant-set check on a two-layer tanh network. */
export interface InvarianceRun {
  inputs: number;
  width: number;
  outputs: number;
  samples: number;
  batch: number;
  lr: number;
  momentum: number;
  steps: number;
}

/** What the check measured (all exact floating-point differences). */
export interface InvarianceResult {
  /** max |W1[:, 0]|, |W2[0, :]| of the vanished neuron 0 after training. */
  vanishedMax: number;
  /** max |neuron 1 - neuron 2| over in- and out-weights after training. */
  duplicateMax: number;
  /** Same for a generic pair (neurons 3, 4), which SGD moves apart (sanity: the test can fail). */
  genericGap: number;
  lossStart: number;
  lossEnd: number;
}

type Params = { w1: Tensor; w2: Tensor };

/**
 * Invariant sets of arXiv 2306.04251 on the engine: f(x) = tanh(x W1) W2 (W1 [inputs, width],
 * W2 [width, outputs]) trained by minibatch heavy-ball SGD (S.sgd) on 1/2 MSE against a random
 * tanh teacher. Neuron 0 starts with zero in- and out-weights (sign-invariant set, tanh(0) = 0) and
 * neurons 1, 2 start identical (permutation-invariant set); both must stay so exactly.
 */
export function runInvariance(cfg: InvarianceRun, rng: Rng): InvarianceResult {
  const { inputs: d, width: h, outputs: o, samples: n } = cfg;
  const x = S.normal(rng.fork("x"), [n, d]); // [n, d]
  const teacher = { w1: S.normal(rng.fork("t1"), [d, h], { std: 1 / Math.sqrt(d) }), w2: S.normal(rng.fork("t2"), [h, o], { std: 1 / Math.sqrt(h) }) };
  const y = S.matmul(S.tanh(S.matmul(x, teacher.w1)), teacher.w2); // [n, o]
  const w1 = Float64Array.from(S.normal(rng.fork("w1"), [d, h], { std: 1 / Math.sqrt(d) }).data); // [d, h]
  const w2 = Float64Array.from(S.normal(rng.fork("w2"), [h, o], { std: 1 / Math.sqrt(h) }).data); // [h, o]
  for (let i = 0; i < d; i++) {
    w1[i * h + 0] = 0;
    w1[i * h + 2] = w1[i * h + 1];
  }
  for (let j = 0; j < o; j++) {
    w2[0 * o + j] = 0;
    w2[2 * o + j] = w2[1 * o + j];
  }
  let params: Params = { w1: S.tensor(w1, [d, h]), w2: S.tensor(w2, [h, o]) };
  const lossOn = (xb: Tensor, yb: Tensor) => (p: Params) => S.mse(S.matmul(S.tanh(S.matmul(xb, p.w1)), p.w2), yb);
  const full = lossOn(x, y);
  const lossStart = full(params).item();
  const opt = S.sgd(cfg.lr, { momentum: cfg.momentum });
  let state = opt.init(params);
  const batchRng = rng.fork("batches");
  const xd = x.data;
  const yd = y.data;
  for (let k = 0; k < cfg.steps; k++) {
    const xb = new Float64Array(cfg.batch * d); // [batch, d]
    const yb = new Float64Array(cfg.batch * o); // [batch, o]
    for (let b = 0; b < cfg.batch; b++) {
      const i = batchRng.nextInt(0, n);
      for (let c = 0; c < d; c++) xb[b * d + c] = xd[i * d + c];
      for (let c = 0; c < o; c++) yb[b * o + c] = yd[i * o + c];
    }
    const [, grads] = S.valueAndGrad(lossOn(S.tensor(xb, [cfg.batch, d]), S.tensor(yb, [cfg.batch, o])))(params);
    const [updates, next] = opt.update(grads, state, params);
    state = next;
    params = S.applyUpdates(params, updates);
  }
  const a = params.w1.data;
  const b = params.w2.data;
  let vanishedMax = 0;
  let duplicateMax = 0;
  let genericGap = 0;
  for (let i = 0; i < d; i++) {
    vanishedMax = Math.max(vanishedMax, Math.abs(a[i * h]));
    duplicateMax = Math.max(duplicateMax, Math.abs(a[i * h + 1] - a[i * h + 2]));
    genericGap = Math.max(genericGap, Math.abs(a[i * h + 3] - a[i * h + 4]));
  }
  for (let j = 0; j < o; j++) {
    vanishedMax = Math.max(vanishedMax, Math.abs(b[j]));
    duplicateMax = Math.max(duplicateMax, Math.abs(b[o + j] - b[2 * o + j]));
    genericGap = Math.max(genericGap, Math.abs(b[3 * o + j] - b[4 * o + j]));
  }
  return { vanishedMax, duplicateMax, genericGap, lossStart, lossEnd: full(params).item() };
}
