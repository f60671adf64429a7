import * as S from "@saddle/core";
import type { Rng, Row, Tensor } from "@saddle/core";
import { batchRows, mechanicsLoss, type MechanicsParams } from "./model.js";
import { constraintResiduals, rescaleQuantity, scaleQuantity, sumSq, translationVector } from "./quantities.js";

/** Symmetry theory from core (packages/core/src/theory/symmetry). */
const { MomentumOscillatorPredictor, QuadraticContinuousPredictor, quadraticMomentumStep, quadraticStep, translationMomentumStep } = S.symmetry;

/** One training run of the Neural Mechanics network with SGD (+ heavy ball) and coupled weight decay. */
export interface MechanicsRunSpec {
  probe: string;
  params: MechanicsParams;
  x: Tensor; // (n, d)
  labels: Int32Array; // (n,)
  lr: number;
  wd: number;
  beta: number;
  steps: number;
  batch: number;
  every: number;
  rng: Rng;
}

/** Worst / final errors of a run (all relative, dimensionless). */
export interface MechanicsRunSummary {
  /** max over steps of the residuals of the gradient constraints. */
  constraint: { translation: number; scale: number; rescale: number };
  /** max over steps of the exact one-step identity's relative error (plain or heavy-ball form). */
  exactStep: { translation: number; scale: number; rescale: number };
  /** relative error of the continuous e^{-lambda t} forms at the last step (plain SGD runs). */
  continuousFinal: { translation: number; scale: number; rescale: number };
  /** max over steps of the damped-oscillator prediction's relative error (momentum runs). */
  oscillatorMax: { scale: number; rescale: number; translation: number };
  /** the same errors divided by the largest change |Q - Q_0| instead of |Q| (how much of the motion is explained). */
  oscillatorMaxOfChange: { scale: number; rescale: number };
  rows: Row[];
}

const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
};
const diffNorm = (a: ArrayLike<number>, b: ArrayLike<number>, f = 1): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - f * b[i]) ** 2;
  return Math.sqrt(s);
};

/**
 * Trains and, at every step, checks the symmetry identities of Neural Mechanics (arXiv 2012.04728):
 * the gradient constraints, the exact one-step recursions (theory/symmetry/discrete.ts), the
 * continuous weight-decay forms (plain runs) and the damped-oscillator forms (momentum runs).
 * Rows (every `every` steps, probe = spec.probe): loss, scale, rescale, translation (norm of the
 * class-sum vector) and their predictions `<q>.continuous` / `<q>.oscillator`. Time t = lr step for
 * plain SGD and lr step / (1 - beta) under heavy ball (conventions.ts); the oscillator itself runs
 * on tau = lr step, the paper's time variable.
 */
export function simulateMechanics(spec: MechanicsRunSpec): MechanicsRunSummary {
  const { lr, wd, beta, steps, batch, every, rng, x, labels, probe } = spec;
  const n = x.shape[0];
  const momentum = beta > 0;
  const opt = S.sgd(lr, { momentum: beta, wd });
  let params = spec.params;
  let state = opt.init(params);
  const T0 = translationVector(params);
  const N0 = scaleQuantity(params);
  const D0 = rescaleQuantity(params).diff;
  const contScale = new QuadraticContinuousPredictor(N0, lr, wd);
  const contRescale = new QuadraticContinuousPredictor(D0, lr, wd);
  const oscScale = new MomentumOscillatorPredictor(N0, lr, wd, beta, "quadratic");
  const oscRescale = new MomentumOscillatorPredictor(D0, lr, wd, beta, "quadratic");
  const oscTranslation = new MomentumOscillatorPredictor(1, lr, wd, beta, "translation");
  // Exact heavy-ball recursion state: previous quantity and previous |v|^2 (v_0 = 0).
  let [Tprev, Nprev, Dprev, VN, VD] = [T0, N0, D0, 0, 0];
  const summary: MechanicsRunSummary = {
    constraint: { translation: 0, scale: 0, rescale: 0 },
    exactStep: { translation: 0, scale: 0, rescale: 0 },
    continuousFinal: { translation: NaN, scale: NaN, rescale: NaN },
    oscillatorMax: { scale: 0, rescale: 0, translation: 0 },
    oscillatorMaxOfChange: { scale: 0, rescale: 0 },
    rows: [],
  };
  let maxChangeN = 0;
  let maxChangeD = 0;
  let maxAbsErrN = 0;
  let maxAbsErrD = 0;
  const time = (k: number) => (momentum ? (lr * k) / (1 - beta) : lr * k);
  const emit = (k: number, key: string, value: number) => summary.rows.push({ step: k, t: time(k), probe, key, value });
  const logState = (k: number, T: Float64Array, N: number, D: number, loss: number) => {
    emit(k, "loss", loss);
    emit(k, "scale", N);
    emit(k, "rescale", D);
    emit(k, "translation", norm(T));
    if (!momentum) {
      emit(k, "scale.continuous", contScale.value());
      emit(k, "rescale.continuous", contRescale.value());
      emit(k, "translation.continuous", Math.exp(-wd * lr * k) * norm(T0));
    } else {
      emit(k, "scale.oscillator", oscScale.value());
      emit(k, "rescale.oscillator", oscRescale.value());
      emit(k, "translation.oscillator", oscTranslation.value() * norm(T0));
    }
  };

  for (let k = 0; k < steps; k++) {
    const idx = Array.from({ length: batch }, () => rng.nextInt(0, n));
    const { xb, yb } = batchRows(x, labels, idx);
    const [lossT, g] = S.valueAndGrad((p: MechanicsParams) => mechanicsLoss(p, xb, yb))(params);
    const T = translationVector(params);
    const N = scaleQuantity(params);
    const D = rescaleQuantity(params).diff;
    if (k % every === 0) logState(k, T, N, D, lossT.item());
    const c = constraintResiduals(params, g);
    summary.constraint.translation = Math.max(summary.constraint.translation, c.translation);
    summary.constraint.scale = Math.max(summary.constraint.scale, c.scale);
    summary.constraint.rescale = Math.max(summary.constraint.rescale, c.rescale);

    const [u, s] = opt.update(g, state, params);
    state = s;
    params = S.applyUpdates(params, u);
    const up = u as MechanicsParams; // u = -lr v (momentum) or -lr (g + wd theta)
    const VNnext = sumSq(up.w1) / (lr * lr);
    const VDnext = (sumSq(up.w3) - sumSq(up.w2) - sumSq(up.b2)) / (lr * lr);
    const T1 = translationVector(params);
    const N1 = scaleQuantity(params);
    const D1 = rescaleQuantity(params).diff;

    // Exact one-step identities (discrete.ts).
    let predT: Float64Array;
    let predN: number;
    let predD: number;
    if (momentum) {
      predT = T.map((v, i) => translationMomentumStep(v, Tprev[i], lr, wd, beta));
      predN = quadraticMomentumStep(N, Nprev, VNnext, VN, lr, wd, beta);
      predD = quadraticMomentumStep(D, Dprev, VDnext, VD, lr, wd, beta);
    } else {
      predT = T.map((v) => (1 - lr * wd) * v);
      predN = quadraticStep(N, sumSq(g.w1), lr, wd);
      predD = quadraticStep(D, sumSq(g.w3) - sumSq(g.w2) - sumSq(g.b2), lr, wd);
    }
    summary.exactStep.translation = Math.max(summary.exactStep.translation, diffNorm(T1, predT) / norm(T1));
    summary.exactStep.scale = Math.max(summary.exactStep.scale, Math.abs(N1 - predN) / N1);
    summary.exactStep.rescale = Math.max(summary.exactStep.rescale, Math.abs(D1 - predD) / Math.abs(D1));
    [Tprev, Nprev, Dprev, VN, VD] = [T, N, D, VNnext, VDnext];

    // Continuous predictors, advanced to step k + 1.
    contScale.push(sumSq(g.w1));
    contRescale.push(sumSq(g.w3) - sumSq(g.w2) - sumSq(g.b2));
    oscScale.push(VNnext);
    oscRescale.push(VDnext);
    oscTranslation.push();
    if (momentum) {
      const eN = Math.abs(N1 - oscScale.value());
      const eD = Math.abs(D1 - oscRescale.value());
      summary.oscillatorMax.scale = Math.max(summary.oscillatorMax.scale, eN / N1);
      summary.oscillatorMax.rescale = Math.max(summary.oscillatorMax.rescale, eD / Math.abs(D1));
      summary.oscillatorMax.translation = Math.max(summary.oscillatorMax.translation, diffNorm(T1, T0, oscTranslation.value()) / norm(T1));
      maxAbsErrN = Math.max(maxAbsErrN, eN);
      maxAbsErrD = Math.max(maxAbsErrD, eD);
      maxChangeN = Math.max(maxChangeN, Math.abs(N1 - N0));
      maxChangeD = Math.max(maxChangeD, Math.abs(D1 - D0));
    }
    if (k + 1 === steps) {
      const loss1 = mechanicsLoss(params, x, labels).item();
      logState(steps, T1, N1, D1, loss1);
      if (!momentum) {
        const decay = Math.exp(-wd * lr * steps);
        summary.continuousFinal = {
          translation: diffNorm(T1, T0, decay) / (decay * norm(T0)),
          scale: Math.abs(N1 - contScale.value()) / N1,
          rescale: Math.abs(D1 - contRescale.value()) / Math.abs(D1),
        };
      }
    }
  }
  if (momentum) summary.oscillatorMaxOfChange = { scale: maxAbsErrN / maxChangeN, rescale: maxAbsErrD / maxChangeD };
  return summary;
}
