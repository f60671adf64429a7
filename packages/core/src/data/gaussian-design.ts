import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { add, mul } from "../ops/elementwise.js";
import { matmul, mm } from "../ops/matmul.js";
import { eye } from "../tensor/tensor.js";
import { solve } from "../linalg/index.js";
import { requireFinite, requireInt } from "./validate.js";

/**
 * A linear-target regression problem on the Gaussian design of the eigenlearning papers (Simon et
 * al., arXiv 2110.03922, 2311.14646; Zhou et al., arXiv 2306.13185): features x = Lambda^(1/2) z
 * with z ~ N(0, I_M), so the linear kernel K(x, x') = x . x' has eigenvalues lambda_i and
 * eigenfunctions z_i with respect to the data measure; target f(x) = sum_i v_i z_i with
 * v_i^2 = targetPower_i; labels y = f(x) + eps, Var eps = noise (a variance, sigma^2).
 */
export interface GaussianDesignProblem {
  /** lambda_i > 0, the feature variances (the linear kernel's eigenvalues). */
  eigenvalues: ArrayLike<number>;
  /** v_i^2 >= 0, the target's power in eigenmode i. */
  targetPower: ArrayLike<number>;
  /** Label-noise variance sigma^2 >= 0. */
  noise: number;
}

/** One draw of the design: n training points and the target's coefficients. */
export interface GaussianDesignDraw {
  /** (n, M) training features Lambda^(1/2) z. */
  x: Tensor;
  /** (n) noisy labels x . beta + eps. */
  y: Tensor;
  /** (M) target weights in feature coordinates, beta_i = +-sqrt(v_i^2 / lambda_i) (random signs), so f(x) = x . beta. */
  beta: Tensor;
}

function checkProblem(p: GaussianDesignProblem): number {
  const m = p.eigenvalues.length;
  if (m === 0 || p.targetPower.length !== m) throw new RangeError(`eigenvalues (${m}) and targetPower (${p.targetPower.length}) must be non-empty and of equal length`);
  for (let i = 0; i < m; i++) {
    if (!(p.eigenvalues[i] > 0) || !Number.isFinite(p.eigenvalues[i])) throw new RangeError(`eigenvalues[${i}] must be finite and > 0, got ${p.eigenvalues[i]}`);
    if (!(p.targetPower[i] >= 0) || !Number.isFinite(p.targetPower[i])) throw new RangeError(`targetPower[${i}] must be finite and >= 0, got ${p.targetPower[i]}`);
  }
  requireFinite("noise", p.noise, "non-negative");
  return m;
}

/**
 * Draws n training points of a Gaussian-design problem. Order of draws from `rng`: the M target
 * signs, then z (n, M) row by row, then the n label noises; so the first n' < n rows of a draw of
 * n are not a draw of n' (use `designRows` to nest sample sizes).
 */
export function gaussianDesign(rng: Rng, p: GaussianDesignProblem, n: number): GaussianDesignDraw {
  requireInt("n", n);
  const m = checkProblem(p);
  const sd = Float64Array.from(p.eigenvalues, Math.sqrt);
  const beta = Float64Array.from(p.targetPower, (v, i) => (Math.sqrt(v) / sd[i]) * (rng.nextFloat() < 0.5 ? -1 : 1)); // (M)
  const x = mul(normal(rng, [n, m]), new Tensor(sd, [m])); // (n, M)
  const b = new Tensor(beta, [m]);
  const f = matmul(x, b); // (n)
  const y = p.noise > 0 ? add(f, normal(rng, [n], { std: Math.sqrt(p.noise) })) : f; // (n)
  return { x, y, beta: b };
}

/** The first n rows of a draw (nested sample sizes share their points: n-sweeps with common random numbers). */
export function designRows(d: GaussianDesignDraw, n: number): GaussianDesignDraw {
  requireInt("n", n);
  const [rows, m] = d.x.shape;
  if (n > rows) throw new RangeError(`designRows: asked for ${n} rows of a draw of ${rows}`);
  return { x: new Tensor(d.x.data.slice(0, n * m), [n, m]), y: new Tensor(d.y.data.slice(0, n), [n]), beta: d.beta };
}

/**
 * The population test MSE of a linear predictor f_hat(x) = x . betaHat against noisy test labels,
 * exactly (no test sample): E_x,eps (x . betaHat - x . beta - eps)^2 = sum_i lambda_i (betaHat_i -
 * beta_i)^2 + sigma^2, the quantity the eigenframework's E_te predicts (arXiv 2110.03922).
 */
export function populationMse(p: GaussianDesignProblem, beta: Tensor, betaHat: Tensor): number {
  const m = checkProblem(p);
  if (beta.size !== m || betaHat.size !== m) throw new RangeError(`beta (${beta.size}) and betaHat (${betaHat.size}) must have M = ${m} entries`);
  let s = 0;
  for (let i = 0; i < m; i++) s += p.eigenvalues[i] * (betaHat.data[i] - beta.data[i]) ** 2;
  return s + p.noise;
}

/**
 * Kernel ridge regression from an (n, n) Gram matrix: alpha = (K + ridge I)^-1 y for each ridge
 * (ridge added to the un-normalised Gram matrix, the eigenframework's convention; ridge 0 needs an
 * invertible K), with the train MSE mean((K alpha - y)^2).
 */
export function kernelRidge(k: Tensor, y: Tensor, ridges: readonly number[]): { alpha: Tensor; trainMse: number }[] {
  const n = k.shape[0];
  if (k.rank !== 2 || k.shape[1] !== n || y.size !== n) throw new RangeError(`kernelRidge: K must be (n, n) and y (n), got [${k.shape.join(", ")}] and [${y.shape.join(", ")}]`);
  return ridges.map((ridge) => {
    requireFinite("ridge", ridge, "non-negative");
    const alpha = solve(ridge === 0 ? k : add(k, mul(eye(n), ridge)), y); // (n)
    const fit = matmul(k, alpha); // (n)
    let s = 0;
    for (let i = 0; i < n; i++) s += (fit.data[i] - y.data[i]) ** 2;
    return { alpha, trainMse: s / n };
  });
}

/**
 * Linear-kernel ridge regression on a design draw, for each ridge: the predictor's weights
 * betaHat = X^T alpha (M), its population test MSE and its train MSE.
 */
export function linearKernelRidge(p: GaussianDesignProblem, d: GaussianDesignDraw, ridges: readonly number[]): { testMse: number; trainMse: number }[] {
  const k = mm(d.x, d.x, false, true); // (n, n)
  return kernelRidge(k, d.y, ridges).map(({ alpha, trainMse }) => ({ testMse: populationMse(p, d.beta, matmul(alpha, d.x)), trainMse })); // alpha^T X: (M)
}
