import * as S from "@saddle/core";
import type { GradientTransformation, Rng, Row, Tensor } from "@saddle/core";
import { batchRows } from "../neural-mechanics/model.js";
import { normalisedLinearLoss } from "./model.js";

/** Symmetry theory from core (packages/core/src/theory/symmetry). */
const { adagradNormFourth, quadraticStep, rmspropNormFourthStep } = S.symmetry;

/** Which optimizer drives the normalised classifier. */
export type NoetherOptimizer = "gd" | "adam" | "rmsprop";

export interface ScaleInvariantRunSpec {
  probe: string;
  theta: Tensor; // (d, C)
  x: Tensor; // (n, d)
  labels: Int32Array;
  logitScale: number;
  optimizer: NoetherOptimizer;
  lr: number;
  wd: number;
  steps: number;
  /** minibatch size; >= n means full-batch GD. */
  batch: number;
  every: number;
  rng: Rng;
}

/** What a run measured; every error is relative and dimensionless. */
export interface ScaleInvariantSummary {
  /** max_k |N_{k+1} - ((1 - eta lambda)^2 N_k + eta^2 |g_k|^2)| / N_{k+1} (meaningful for gd). */
  recursionMax: number;
  /** N_K^2 - N_0^2 (measured |theta|^4 change) and 2 eta^2 sum |ghat|^2 (the AdaGrad-like law). */
  normFourthChange: number;
  adagradChange: number;
  /** Kinetic symmetry breaking: |(N_K - N_0) - sum_k |u_k|^2| / sum_k |u_k|^2 (u the update), 0 when <theta, u> = 0. */
  chargeViolation: number;
  /** max_k over the run of |effLr measured - effLr predicted| / measured, implicit-RMSProp law. */
  effLrMaxErr: number;
  /** window (second half of the run) means of N^2 and |ghat|^2, for the weight-decay equilibrium. */
  windowMeanNormFourth: number;
  windowMeanGhatSq: number;
  rows: Row[];
}

function makeOptimizer(name: NoetherOptimizer, lr: number, wd: number): GradientTransformation<unknown[]> {
  if (name === "gd") return S.sgd(lr, { wd });
  if (name === "adam") return S.adam(lr, { wd });
  if (wd) throw new RangeError("rmsprop run: Saddle's rmsprop alias has no weight decay; use wd = 0");
  return S.rmsprop(lr);
}

const sumSq = (t: Tensor): number => {
  let s = 0;
  for (const v of t.data) s += v * v;
  return s;
};

/**
 * Trains the weight-normalised classifier and measures Noether's learning dynamics (arXiv 2105.02716):
 * the exact norm recursion, the AdaGrad-like |theta|^4 law, the implicit-RMSProp law for the effective
 * learning rate eta / |theta|^2, and the violation of the GD charge law under adaptive optimizers.
 * Rows (probe = spec.probe, t = lr step): loss, normSq, effLr, effLr.predicted.
 */
export function simulateScaleInvariant(spec: ScaleInvariantRunSpec): ScaleInvariantSummary {
  const { x, labels, lr, wd, steps, batch, every, rng, probe, logitScale } = spec;
  const n = x.shape[0];
  const opt = makeOptimizer(spec.optimizer, lr, wd);
  let params = { theta: spec.theta };
  let state = opt.init(params);
  const N0 = sumSq(params.theta);
  let n4Pred = N0 * N0;
  let sumGhatSq = 0;
  let sumUpdSq = 0;
  let recursionMax = 0;
  let effLrMaxErr = 0;
  let [wN4, wG, wCount] = [0, 0, 0];
  const rows: Row[] = [];
  const emit = (k: number, key: string, value: number) => rows.push({ step: k, t: lr * k, probe, key, value });
  const full = batch >= n;
  for (let k = 0; k < steps; k++) {
    const { xb, yb } = full ? { xb: x, yb: labels } : batchRows(x, labels, Array.from({ length: batch }, () => rng.nextInt(0, n)));
    const [lossT, g] = S.valueAndGrad((p: { theta: Tensor }) => normalisedLinearLoss(p.theta, xb, yb, logitScale))(params);
    const N = sumSq(params.theta);
    const gSq = sumSq(g.theta);
    const ghatSq = N * gSq; // ghat = |theta| g
    if (k % every === 0) {
      emit(k, "loss", lossT.item());
      emit(k, "normSq", N);
      emit(k, "effLr", lr / N);
      emit(k, "effLr.predicted", lr / Math.sqrt(n4Pred));
    }
    effLrMaxErr = Math.max(effLrMaxErr, Math.abs(Math.sqrt(n4Pred) / N - 1));
    if (k >= steps / 2) {
      wN4 += N * N;
      wG += ghatSq;
      wCount++;
    }
    const [u, s] = opt.update(g, state, params);
    state = s;
    params = S.applyUpdates(params, u);
    const N1 = sumSq(params.theta);
    recursionMax = Math.max(recursionMax, Math.abs(N1 - quadraticStep(N, gSq, lr, wd)) / N1);
    sumGhatSq += ghatSq;
    sumUpdSq += sumSq((u as { theta: Tensor }).theta);
    n4Pred = rmspropNormFourthStep(n4Pred, ghatSq, lr, wd);
  }
  const NK = sumSq(params.theta);
  emit(steps, "normSq", NK);
  emit(steps, "effLr", lr / NK);
  emit(steps, "effLr.predicted", lr / Math.sqrt(n4Pred));
  emit(steps, "loss", normalisedLinearLoss(params.theta, x, labels, logitScale).item());
  return {
    recursionMax,
    normFourthChange: NK * NK - N0 * N0,
    adagradChange: adagradNormFourth(N0, lr, sumGhatSq) - N0 * N0,
    chargeViolation: Math.abs(NK - N0 - sumUpdSq) / sumUpdSq,
    effLrMaxErr,
    windowMeanNormFourth: wN4 / wCount,
    windowMeanGhatSq: wG / wCount,
    rows,
  };
}
