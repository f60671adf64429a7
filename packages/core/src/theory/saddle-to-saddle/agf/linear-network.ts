import { eighDescending, pseudoSolveSymmetric, singularValues } from "./dense.js";
import { matMulRowMajor, transposeRowMajor } from "../../../linalg/row-major.js";

/** Second moments of a regression task y ~ x for a two-layer linear network f(x) = A W x. */
export interface LinearNetworkMoments {
  /** Input covariance Sigma_xx (d, d), row-major, positive definite. */
  sxx: ArrayLike<number>;
  /** Cross-covariance Sigma_yx = E[y x^T] (c, d), row-major. */
  syx: ArrayLike<number>;
  d: number;
  c: number;
  /** tr Sigma_yy (default: the realisable value tr(Sigma_yx Sigma_xx^-1 Sigma_xy)). */
  traceSyy?: number;
}

/**
 * AGF's prediction for a fully connected two-layer linear network from small initialisation
 * (Alternating Gradient Flows, arXiv 2506.06489, Conjecture 4.1; authors' `limiting_conjecture`):
 * with mu_1 >= mu_2 >= ... the eigenvalues of Sigma_yx Sigma_xx^-1 Sigma_yx^T and U_k its top-k
 * eigenvectors,
 *   plateau levels  l_k = 1/2 (tr Sigma_yy - sum_{i<=k} mu_i)
 *   predictors      beta_k = P_{U_k} Sigma_yx Sigma_xx^-1
 *   jump times      sigma[k, j] = j-th singular value of (I - P_{U_k}) Sigma_yx,
 *                   Delta_k = (1 - sum_{i<k-1} sigma[i, k-i-1] Delta_{i+1}) / sigma[k-1, 0],
 *                   tau_k = Delta_1 + ... + Delta_k
 * Levels are in units of 1/2 E|y - f|^2 (sum over outputs, Saddle's "half-mean-samples") and
 * times in units of log(1/(sqrt(2) alpha)) of gradient-flow time on that loss (alpha the per-unit
 * initial scale; divide by the output count c for Saddle's 1/2-mean MSE, conventions.ts). With
 * whitened or commuting Sigma_xx the times reduce to tau_k = 1/sigma_k(Sigma_yx) [checked].
 */
export interface LinearNetworkAgf {
  mu: Float64Array;
  levels: number[];
  /** Predictors beta_k (c, d) row-major, k = 0..K. */
  predictors: Float64Array[];
  /** Jump times tau_1..tau_K in units of log(1/(sqrt(2) alpha)). */
  times: number[];
  /** Increments Delta_1..Delta_K. */
  increments: number[];
  /** sigma[k][j]: singular values of (I - P_{U_k}) Sigma_yx, k = 0..K. */
  sigma: Float64Array[];
}

export function linearNetworkAgf(moments: LinearNetworkMoments, rank?: number): LinearNetworkAgf {
  const { sxx, syx, d, c } = moments;
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(c) || c < 1) throw new RangeError(`linearNetworkAgf: d and c must be positive integers, got d=${d}, c=${c}`);
  if (sxx.length !== d * d) throw new RangeError(`linearNetworkAgf: sxx must be (d, d) = ${d * d} entries, got ${sxx.length}`);
  if (syx.length !== c * d) throw new RangeError(`linearNetworkAgf: syx must be (c, d) = ${c * d} entries, got ${syx.length}`);
  const K = rank ?? Math.min(c, d);
  if (!Number.isInteger(K) || K < 1 || K > Math.min(c, d)) throw new RangeError(`linearNetworkAgf: rank must be an integer in 1..${Math.min(c, d)}, got ${rank}`);
  // OLS = Sigma_yx Sigma_xx^-1, row by row.
  const ols = new Float64Array(c * d);
  for (let i = 0; i < c; i++) ols.set(pseudoSolveSymmetric(sxx, Array.from({ length: d }, (_, j) => syx[i * d + j]), d, 1e-15), i * d);
  const M = matMulRowMajor(ols, transposeRowMajor(syx, c, d), c, d, c);
  const { values: mu, vectors: U } = eighDescending(M, c);
  const realisable = mu.reduce((s, v) => s + v, 0);
  const traceSyy = moments.traceSyy ?? realisable;
  const projector = (k: number) => {
    const P = new Float64Array(c * c);
    for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) for (let j = 0; j < k; j++) P[a * c + b] += U[a * c + j] * U[b * c + j];
    return P;
  };
  const levels: number[] = [];
  const predictors: Float64Array[] = [];
  const sigma: Float64Array[] = [];
  let learned = 0;
  for (let k = 0; k <= K; k++) {
    if (k > 0) learned += mu[k - 1];
    levels.push(0.5 * (traceSyy - learned));
    const P = projector(k);
    predictors.push(matMulRowMajor(P, ols, c, c, d));
    const rest = Float64Array.from(syx);
    const proj = matMulRowMajor(P, syx, c, c, d);
    for (let j = 0; j < rest.length; j++) rest[j] -= proj[j];
    const sv = singularValues(rest, c, d);
    const row = new Float64Array(K + 1);
    for (let j = 0; j < Math.min(K + 1, sv.length); j++) row[j] = sv[j];
    sigma.push(row);
  }
  const increments: number[] = [];
  const times: number[] = [];
  let tau = 0;
  for (let k = 1; k <= K; k++) {
    let acc = 0;
    for (let i = 0; i < k - 1; i++) acc += sigma[i][k - i - 1] * increments[i];
    const delta = sigma[k - 1][0] > 0 ? (1 - acc) / sigma[k - 1][0] : Infinity;
    increments.push(delta);
    tau += delta;
    times.push(tau);
  }
  return { mu, levels, predictors, times, increments, sigma };
}
