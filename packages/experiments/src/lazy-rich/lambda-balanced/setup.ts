import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/** Parameters of the row-convention two-layer linear network y = x W1 W2. */
export type LinearParams = { w1: Tensor; w2: Tensor };

/**
 * A whitened regression task for a linear map beta* (d, k): X = sqrt(n) Q with Q (n, d) of
 * orthonormal columns (so X^T X / n = I_d) and Y = X beta*. Saddle's MSE (1/2 mean over samples and
 * outputs) is then L = |W1 W2 - beta*|_F^2 / (2 k) exactly, i.e. 1/k times the paper's loss
 * 1/2 |W1 W2 - beta*|_F^2 (arXiv 2409.14623), so paper time tau = t / k (`paperTime`).
 */
export function whitenedTask(rng: Rng, betaStar: Tensor, n: number): { x: Tensor; y: Tensor; loss: (p: LinearParams) => Tensor } {
  const d = betaStar.shape[0];
  if (n < d) throw new RangeError(`whitenedTask: needs n >= d samples to whiten, got n = ${n}, d = ${d}`);
  const q = S.linalg.qr(S.normal(rng, [n, d])).q; // (n, d), orthonormal columns
  const x = S.mul(q, Math.sqrt(n));
  const y = S.matmul(x, betaStar); // (n, k)
  return { x, y, loss: (p) => S.mse(S.matmul(S.matmul(x, p.w1), p.w2), y) };
}

/** Paper time tau (flow of 1/2 |.|_F^2) of Saddle time t (flow of the 1/2-mean MSE) with n samples, k outputs. */
export function paperTime(t: number, n: number, k: number): number {
  return S.convertFlowTime(t, "half-mean", "half-mean-samples", n, k);
}

/** Saddle time t of paper time tau. */
export function saddleTime(tau: number, n: number, k: number): number {
  return tau / paperTime(1, n, k);
}

/** A random orthogonal (m, m) matrix. */
export function randomOrthogonal(rng: Rng, m: number): Tensor {
  return S.linalg.qr(S.normal(rng, [m, m])).q;
}

/** U diag(values) V^T for orthogonal U (d, d), V (k, k) and min(d, k) values: a (d, k) matrix with those singular values. */
export function withSingularValues(u: Tensor, values: readonly number[], v: Tensor): Tensor {
  const d = u.shape[0];
  const k = v.shape[0];
  const sigma = new Float64Array(d * k);
  values.forEach((s, i) => (sigma[i * k + i] = s));
  return S.matmul(S.matmul(u, new S.Tensor(sigma, [d, k])), S.transpose(v));
}

/** max_ij |a_ij - b_ij|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
