import * as S from "@saddle/core";
import type { Probe, Rng, Tensor } from "@saddle/core";

/**
 * The asymmetric-margin toy of arXiv 2210.03820 (section 7.2 of the reference note; the exact
 * example of the paper is [unverified]): f(x) = a1 x1 + a2 b2 x2, rates Lambda = (1, 1/2, 1/2),
 * so only a1 carries the maximal rate. The effective linear classifier is beta = (a1, a2 b2).
 * Trained on the exponential loss L = 1/n sum exp(-y_i f_i) by normalised GD
 *   theta <- theta - eta grad L / L = theta - eta grad log L,
 * i.e. plain GD (core `sgd(eta)` inside `train()`) on log L, computed as logsumexp so it never
 * underflows. s = eta * step is the normalised time.
 */
export type ToyParams = { a1: Tensor; a2: Tensor; b2: Tensor };
export const TOY_RATES = { a1: 1, a2: 0.5, b2: 0.5 } as const;

export interface ToyData {
  x: number[][];
  y: number[];
}

/** log L = logsumexp_i(-margin_i) - log n with margin_i = y_i f_i: the loss normalised GD descends. */
export function logExpLoss(margins: Tensor): Tensor {
  return S.sub(S.logsumexp(S.neg(margins), 0), Math.log(margins.shape[0]));
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

/** Geometric (L2) margin min_i y_i beta . x_i / |beta| of a linear classifier beta. */
export function l2Margin(beta: readonly number[], data: ToyData): number {
  const nrm = Math.hypot(beta[0], beta[1]);
  return Math.min(...data.x.map((xi, i) => (data.y[i] * (beta[0] * xi[0] + beta[1] * xi[1])) / nrm));
}

/** The toy's initial parameters a1, a2, b2 ~ N(0, scale^2), from `rng`. */
export function initToy(rng: Rng, scale: number): ToyParams {
  return { a1: S.mul(S.normal(rng.fork("a1"), []), scale), a2: S.mul(S.normal(rng.fork("a2"), []), scale), b2: S.mul(S.normal(rng.fork("b2"), []), scale) };
}

/**
 * Probe "toy": beta1Abs = |beta_1| = |a1| / ||(a1, a2 b2)||, logBeta1, a1, logW = log |a2 b2|,
 * l2Margin (geometric margin of beta), qhMargin (the Lambda-normalised margin
 * min_i y_i f_i / |a1|^{1/lambda_max}, lambda_max = 1).
 */
export function toyProbe(data: ToyData): Probe<ToyParams> {
  return S.probe<ToyParams>("toy", ({ params }) => {
    const a1 = params.a1.item();
    const w = params.a2.item() * params.b2.item();
    const nrm = Math.hypot(a1, w);
    const margins = S.noGrad(() => toyMargins(params, data)).data;
    return {
      beta1Abs: Math.abs(a1) / nrm,
      logBeta1: Math.log(Math.abs(a1)) - Math.log(nrm),
      a1,
      logW: Math.log(Math.abs(w)),
      l2Margin: l2Margin([a1, w], data),
      qhMargin: Math.min(...margins) / Math.abs(a1),
    };
  });
}

/** The homogeneous linear control f = theta . x (Lambda = I): its loss log L for normalised GD. */
export function controlLoss(data: ToyData): (th: Tensor) => Tensor {
  const X = S.tensor(data.x);
  const Y = S.tensor(data.y);
  return (th) => logExpLoss(S.mul(Y, S.matmul(X, th)));
}

/**
 * Probe "control" of the linear model under the same normalised GD, which converges in direction
 * to the L2 max-margin (SVM) direction (Soudry et al., arXiv 1710.10345): angleToSvm (radians),
 * l2Margin, beta1Abs. At theta = 0 (the start) the direction is undefined: NaN-free rows start at step 1.
 */
export function controlProbe(data: ToyData, svmDirection: readonly number[]): Probe<Tensor> {
  return S.probe<Tensor>("control", ({ params }): Record<string, number> => {
    const b = Array.from(params.data);
    const nrm = Math.hypot(b[0], b[1]);
    if (!(nrm > 0)) return {};
    const c = (b[0] * svmDirection[0] + b[1] * svmDirection[1]) / nrm;
    return { angleToSvm: Math.acos(Math.min(1, Math.max(-1, c))), l2Margin: l2Margin(b, data), beta1Abs: Math.abs(b[0]) / nrm };
  });
}
