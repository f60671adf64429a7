import * as S from "@saddle/core";
import type { Row, Rng, Tensor } from "@saddle/core";
import { linearSteps } from "./schedule.js";

/**
 * The asymmetric-margin toy of arXiv 2210.03820 (section 7.2 of the reference note; the exact
 * example of the paper is [unverified]): f(x) = a1 x1 + a2 b2 x2, rates Lambda = (1, 1/2, 1/2),
 * so only a1 carries the maximal rate. The effective linear classifier is beta = (a1, a2 b2).
 * Trained on the exponential loss L = 1/n sum exp(-y_i f_i) by normalised GD
 *   theta <- theta - eta grad L / L = theta - eta grad log L,
 * i.e. GD with learning rate eta / L (computed as logsumexp so it never underflows). s = eta * step
 * is the normalised time.
 */
export type ToyParams = { a1: Tensor; a2: Tensor; b2: Tensor };
export const TOY_RATES = { a1: 1, a2: 0.5, b2: 0.5 } as const;

export interface ToyData {
  x: number[][];
  y: number[];
}

/** log(n L) = logsumexp_i(-margin_i) with margin_i = y_i f_i. */
function logLoss(margins: Tensor): Tensor {
  return S.logsumexp(S.neg(margins), 0);
}

export function toyMargins(p: ToyParams, data: ToyData): Tensor {
  const Y = S.tensor(data.y); // (n)
  const x1 = S.tensor(data.x.map((r) => r[0])); // (n)
  const x2 = S.tensor(data.x.map((r) => r[1])); // (n)
  return S.mul(Y, S.add(S.mul(x1, p.a1), S.mul(x2, S.mul(p.a2, p.b2)))); // (n)
}

/** The model's output f(theta; x) on the data (n), for the Euler table. */
export function toyOutput(p: ToyParams, data: ToyData): Tensor {
  return S.mul(toyMargins(p, data), S.tensor(data.y));
}

function l2Margin(beta: readonly number[], data: ToyData): number {
  const nrm = Math.hypot(beta[0], beta[1]);
  return Math.min(...data.x.map((xi, i) => (data.y[i] * (beta[0] * xi[0] + beta[1] * xi[1])) / nrm));
}

/**
 * Normalised GD on the quasi-homogeneous toy, yielding rows (probe "toy"): beta1Abs = |beta_1|,
 * logBeta1, a1, logW = log |a2 b2|, l2Margin (geometric margin of beta), qhMargin (the
 * Lambda-normalised margin min_i y_i f_i / |a1|^{1/lambda_max}, lambda_max = 1), logLoss = log L.
 */
export function* runToy(data: ToyData, init: { scale: number; rng: Rng }, lr: number, steps: number, points: number): Generator<Row> {
  const r = init.rng;
  let p: ToyParams = { a1: S.mul(S.normal(r, []), init.scale), a2: S.mul(S.normal(r, []), init.scale), b2: S.mul(S.normal(r, []), init.scale) };
  const vg = S.valueAndGradWithAux((q: ToyParams): [Tensor, Tensor] => {
    const m = toyMargins(q, data);
    return [logLoss(m), m];
  });
  const log = linearSteps(steps, points);
  const n = data.y.length;
  for (let k = 0; k <= steps; k++) {
    const [lossNL, g, margins] = vg(p);
    if (log.has(k)) {
      const a1 = p.a1.item();
      const w = p.a2.item() * p.b2.item();
      const nrm = Math.hypot(a1, w);
      const t = lr * k;
      const row = (key: string, value: number): Row => ({ step: k, t, probe: "toy", key, value });
      yield row("beta1Abs", Math.abs(a1) / nrm);
      yield row("logBeta1", Math.log(Math.abs(a1)) - Math.log(nrm));
      yield row("a1", a1);
      yield row("logW", Math.log(Math.abs(w)));
      yield row("l2Margin", l2Margin([a1, w], data));
      yield row("qhMargin", Math.min(...margins.data) / Math.abs(a1));
      yield row("logLoss", lossNL.item() - Math.log(n));
    }
    if (k < steps) p = { a1: S.sub(p.a1, S.mul(g.a1, lr)), a2: S.sub(p.a2, S.mul(g.a2, lr)), b2: S.sub(p.b2, S.mul(g.b2, lr)) };
  }
}

/**
 * Control: the homogeneous linear model f = theta . x (Lambda = I) under the same normalised GD.
 * It converges in direction to the L2 max-margin (SVM) direction (Soudry et al., arXiv 1710.10345).
 * Rows (probe "control"): angleToSvm (radians), l2Margin, beta1Abs.
 */
export function* runControl(data: ToyData, svmDirection: readonly number[], lr: number, steps: number, points: number): Generator<Row> {
  const X = S.tensor(data.x);
  const Y = S.tensor(data.y);
  const vg = S.valueAndGrad((th: Tensor) => logLoss(S.mul(Y, S.matmul(X, th))));
  let th = S.zeros([2]);
  const log = linearSteps(steps, points);
  for (let k = 0; k <= steps; k++) {
    if (log.has(k)) {
      const b = Array.from(th.data);
      const nrm = Math.hypot(b[0], b[1]);
      const row = (key: string, value: number): Row => ({ step: k, t: lr * k, probe: "control", key, value });
      if (nrm > 0) {
        const c = (b[0] * svmDirection[0] + b[1] * svmDirection[1]) / nrm;
        yield row("angleToSvm", Math.acos(Math.min(1, Math.max(-1, c))));
        yield row("l2Margin", l2Margin(b, data));
        yield row("beta1Abs", Math.abs(b[0]) / nrm);
      }
    }
    if (k < steps) th = S.sub(th, S.mul(vg(th)[1], lr));
  }
}
