import * as S from "@saddle/core";
import type { Probe, Rng, Tensor } from "@saddle/core";

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

export type InvParams = { w1: Tensor; w2: Tensor };

/** The data, teacher outputs and initial parameters of the check (from `rng`). */
export interface InvarianceProblem {
  x: Tensor;
  y: Tensor;
  params: InvParams;
}

/**
 * Invariant sets of arXiv 2306.04251 on the engine: f(x) = tanh(x W1) W2 (W1 [inputs, width],
 * W2 [width, outputs]) against a random tanh teacher. Neuron 0 starts with zero in- and
 * out-weights (sign-invariant set, tanh(0) = 0) and neurons 1, 2 start identical
 * (permutation-invariant set); minibatch heavy-ball SGD must keep both so exactly.
 */
export function invarianceProblem(cfg: InvarianceRun, rng: Rng): InvarianceProblem {
  const { inputs: d, width: h, outputs: o, samples: n } = cfg;
  const x = S.normal(rng.fork("x"), [n, d]); // [n, d]
  const teacher = { w1: S.normal(rng.fork("t1"), [d, h], { std: 1 / Math.sqrt(d) }), w2: S.normal(rng.fork("t2"), [h, o], { std: 1 / Math.sqrt(h) }) };
  const y = S.withBackend("reference", () => S.matmul(S.tanh(S.matmul(x, teacher.w1)), teacher.w2)); // [n, o]
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
  return { x, y, params: { w1: S.tensor(w1, [d, h]), w2: S.tensor(w2, [h, o]) } };
}

const lossOn = (xb: Tensor, yb: Tensor) => (p: InvParams) => S.mse(S.matmul(S.tanh(S.matmul(xb, p.w1)), p.w2), yb);

/**
 * Minibatch loss and gradient for `train()`, on the reference backend (the engine's
 * specification): a BLAS matmul may sum the edge columns in a different order, an ulp-level
 * asymmetry that has nothing to do with SGD. The optimizer's elementwise updates are exact on
 * every backend.
 */
export function invarianceLossAndGrad(): (p: InvParams, b: { x: Tensor; y: Tensor }) => readonly [number, InvParams] {
  return (p, b) =>
    S.withBackend("reference", () => {
      const [l, g] = S.valueAndGrad(lossOn(b.x, b.y))(p);
      return [l.item(), g as InvParams] as const;
    });
}

/** Minibatches of `batch` rows drawn with replacement from the loop's seeded RNG. */
export function invarianceBatches(cfg: InvarianceRun, prob: InvarianceProblem): (step: number, rng: Rng) => { x: Tensor; y: Tensor } {
  const { inputs: d, outputs: o, samples: n, batch } = cfg;
  const xd = prob.x.data;
  const yd = prob.y.data;
  return (_step, rng) => {
    const xb = new Float64Array(batch * d); // [batch, d]
    const yb = new Float64Array(batch * o); // [batch, o]
    for (let b = 0; b < batch; b++) {
      const i = rng.nextInt(0, n);
      for (let c = 0; c < d; c++) xb[b * d + c] = xd[i * d + c];
      for (let c = 0; c < o; c++) yb[b * o + c] = yd[i * o + c];
    }
    return { x: S.tensor(xb, [batch, d]), y: S.tensor(yb, [batch, o]) };
  };
}

/**
 * Probe "invariance": vanishedMax = max |W1[:, 0]|, |W2[0, :]| (neuron 0), duplicateMax =
 * max |neuron 1 - neuron 2| over in- and out-weights, genericGap = the same for a generic pair
 * (neurons 3, 4, which SGD moves apart: the check can fail), fullLoss = the full-batch loss.
 */
export function invarianceProbe(cfg: InvarianceRun, prob: InvarianceProblem): Probe<InvParams> {
  const { inputs: d, width: h, outputs: o } = cfg;
  const full = lossOn(prob.x, prob.y);
  return S.probe<InvParams>("invariance", ({ params }) => {
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
    return { vanishedMax, duplicateMax, genericGap, fullLoss: S.withBackend("reference", () => S.noGrad(() => full(params)).item()) };
  });
}
