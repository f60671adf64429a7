import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/**
 * One draw of the Gaussian-design regression problem used by the kernel-theory experiments:
 * inputs z ~ N(0, I_M) mapped to features x = Lambda^(1/2) z (so the linear kernel x.x' has
 * eigenvalues lambda_i and eigenfunctions z_i), target f = sum_i v_i z_i with |v_i| = sqrt(power_i)
 * and random signs, labels y = f + N(0, noise).
 */
export interface DesignDraw {
  /** (n, M) features Lambda^(1/2) z of the training points. */
  x: Tensor;
  /** (nTest, M) test features. */
  xt: Tensor;
  y: Tensor;
  yt: Tensor;
}

export function drawDesign(rng: Rng, lam: Float64Array, power: Float64Array, n: number, nTest: number, noise: number): DesignDraw {
  const M = lam.length;
  const sq = S.tensor(Array.from(lam, Math.sqrt));
  const coef = S.tensor(Array.from(power, (p, i) => (Math.sqrt(p) / Math.sqrt(lam[i])) * (rng.nextFloat() < 0.5 ? -1 : 1))); // v_i / sqrt(lambda_i)
  const x = S.mul(S.normal(rng, [n, M]), sq);
  const xt = S.mul(S.normal(rng, [nTest, M]), sq);
  const y = S.add(S.matmul(x, coef), S.normal(rng, [n], { std: Math.sqrt(noise) }));
  const yt = S.add(S.matmul(xt, coef), S.normal(rng, [nTest], { std: Math.sqrt(noise) }));
  return { x, xt, y, yt };
}

/** Kernel ridge regression from Gram matrices: test and train MSE for each ridge (one factorisation per ridge). */
export function krrErrors(k: Tensor, kTest: Tensor, y: Tensor, yt: Tensor, ridges: readonly number[]): { test: number[]; train: number[] } {
  const n = k.shape[0];
  const test: number[] = [];
  const train: number[] = [];
  for (const ridge of ridges) {
    const a = S.linalg.solve(ridge === 0 ? k : S.add(k, S.mul(S.eye(n), ridge)), y);
    test.push(S.mean(S.square(S.sub(S.matmul(kTest, a), yt))).item());
    train.push(S.mean(S.square(S.sub(S.matmul(k, a), y))).item());
  }
  return { test, train };
}

/** Mean and standard error of samples. */
export function meanSe(xs: readonly number[]): { mean: number; se: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, se: Math.sqrt(v / xs.length) };
}
