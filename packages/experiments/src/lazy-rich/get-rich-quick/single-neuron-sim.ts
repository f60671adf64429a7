import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/** Parameters of f(x) = a (w . x): w (d, 1) and a (1) so Saddle's two-layer probes apply (one hidden neuron). */
export type NeuronParams = { w: Tensor; a: Tensor };

/**
 * Whitened data for the single neuron (arXiv 2406.06158): X = sqrt(n) Q with Q (n, d) orthonormal
 * columns (X^T X / n = I) and y = X beta*, so Saddle's MSE (1/2 mean) is exactly
 * L = 1/2 |a w - beta*|^2 and Saddle time is the paper's time.
 */
export function neuronTask(rng: Rng, betaStar: readonly number[], n: number): { loss: (p: NeuronParams) => Tensor } {
  const d = betaStar.length;
  const x = S.mul(S.linalg.qr(S.normal(rng, [n, d])).q, Math.sqrt(n)); // (n, d)
  const y = S.matmul(x, S.tensor(betaStar)); // (n)
  return { loss: (p) => S.mse(S.matmul(S.matmul(x, p.w), p.a), y) }; // (n, d)(d, 1)(1) -> (n)
}

export function neuronParams(a: number, w: readonly number[]): NeuronParams {
  return { w: S.tensor(w, [w.length, 1]), a: S.tensor([a]) };
}

/** (a, w as an array) of the parameter tree. */
export function unpack(p: NeuronParams): { a: number; w: number[] } {
  return { a: p.a.data[0], w: Array.from(p.w.data) };
}
