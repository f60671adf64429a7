import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";

/**
 * Weight-normalised linear classifier (the scale-invariant block of Tanaka & Kunin, arXiv 2105.02716):
 *   logits = s X theta / |theta|_F,  X (B, d), theta (d, C), s a fixed logit scale;
 * loss = mean softmax cross-entropy. L(c theta) = L(theta) for c > 0, so <g, theta> = 0 and
 * g(theta) = ghat(theta/|theta|) / |theta| (degree -1).
 */
export function normalisedLinearLoss(theta: Tensor, x: Tensor, labels: ArrayLike<number>, logitScale: number): Tensor {
  const direction = S.div(theta, S.sqrt(S.sum(S.square(theta)))); // (d, C), unit Frobenius norm
  return S.crossEntropy(S.mul(logitScale, S.matmul(x, direction)), labels); // logits (B, C)
}
