import { margin } from "@saddle/core";
import type { ToyData } from "./toy.js";

const { hardMarginSvm } = margin;
type SvmResult = margin.SvmResult;

/**
 * Predictions for the asymmetric-margin toy f = a1 x1 + a2 b2 x2 (Lambda = (1, 1/2, 1/2)) of
 * arXiv 2210.03820. From the paper (abstract/intro level): gradient flow on an exponential loss
 * converges to a KKT point of a max-margin problem whose norm constraint involves only the
 * maximal-rate parameters; here that is min a1^2 s.t. y_i (a1 x_i1 + a2 b2 x_i2) >= 1, whose
 * infimum is a1 = 0 when the data are separable by x2 alone: the classifier discards x1
 * (the paper's conjecture "discards, when possible, unnecessary higher-rate parameters").
 *
 * Derived here (not from the paper), for normalised GD theta <- theta - eta grad log L:
 * once a1 |x1| is negligible against w = a2 b2, the softmax weights p_i = e^{-m_i} / sum e^{-m}
 * concentrate on the point i* = argmin_i y_i x_i2 (assumed unique), so
 *   (a2, b2) <- (a2 + eta g b2, b2 + eta g a2),  g = y_i* x_i*2 = gamma2  =>  log w grows by 2 log(1 + eta gamma2) per step,
 *   a1 <- a1 + eta y_i* x_i*1                                         =>  a1 grows by eta y_i* x_i*1 per step,
 * so |beta_1| = |a1| / ||(a1, w)|| ~ (eta z1 k) (1 + eta gamma2)^{-2k} -> 0, and the effective
 * classifier's L2 margin tends to the x2-only margin gamma2, below the SVM margin.
 */

/** gamma2 = min_i y_i x_i2: the margin of the x2-only classifier (positive iff separable by x2 alone). */
export function x2OnlyMargin(data: ToyData): number {
  return Math.min(...data.x.map((xi, i) => data.y[i] * xi[1]));
}

/** i* = argmin_i y_i x_i2, the support point of the x2-only classifier. */
export function x2SupportIndex(data: ToyData): number {
  const m = data.x.map((xi, i) => data.y[i] * xi[1]);
  return m.indexOf(Math.min(...m));
}

/** Asymptotic growth of log |a2 b2| per normalised-GD step: 2 log(1 + eta gamma2). */
export function predictedLogWGrowth(data: ToyData, lr: number): number {
  return 2 * Math.log1p(lr * x2OnlyMargin(data));
}

/** Asymptotic growth of a1 per normalised-GD step: eta y_i* x_i*1. */
export function predictedA1Slope(data: ToyData, lr: number): number {
  const i = x2SupportIndex(data);
  return lr * data.y[i] * data.x[i][0];
}

/** The exact L2 max-margin (SVM) direction on (x1, x2): what the homogeneous linear control converges to. */
export function svmOf(data: ToyData): SvmResult {
  return hardMarginSvm(data.x, data.y);
}

/** Pairwise cosine of a simplex equiangular tight frame of C vectors: -1 / (C - 1). */
export function etfCosine(classes: number): number {
  return -1 / (classes - 1);
}
