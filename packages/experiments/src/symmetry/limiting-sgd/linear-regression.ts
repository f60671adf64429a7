import * as S from "@saddle/core";
import type { Rng } from "@saddle/core";

/** A least-squares problem with its Hessian eigenbasis and weight-decayed minimum. */
export interface RegressionProblem {
  n: number;
  d: number;
  /** [n, d] inputs, row-major. */
  x: Float64Array;
  /** [n] targets y = x w* + sigma eps. */
  y: Float64Array;
  /** [d] eigenvalues of H = X^T X / n (ascending, as eigh returns them). */
  h: Float64Array;
  /** [d, d] eigenvectors of H as columns, row-major. */
  u: Float64Array;
  /** [d] the minimum of L + lambda |theta|^2 / 2: (H + lambda)^{-1} X^T y / n. */
  thetaStar: Float64Array;
  /** [d] per-step gradient-noise variance along each eigenvector at thetaStar for batch size 1. */
  noiseAtMinimum: Float64Array;
}

/**
 * Inputs x ~ N(0, diag(spectrum)), targets y = x^T w* + sigma eps (w* ~ N(0, 1)), loss
 * L = 1/(2n) sum (x^T theta - y)^2 (Saddle's MSE), so H = X^T X / n has eigenvalues near `spectrum`.
 */
export function makeRegression(rng: Rng, n: number, spectrum: readonly number[], sigma2: number, lambda: number): RegressionProblem {
  const d = spectrum.length;
  const x = new Float64Array(n * d);
  rng.fork("x").fillNormal(x);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] *= Math.sqrt(spectrum[c]);
  const wStar = new Float64Array(d);
  rng.fork("w").fillNormal(wStar);
  const eps = new Float64Array(n);
  rng.fork("eps").fillNormal(eps, 0, Math.sqrt(sigma2));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = eps[i];
    for (let c = 0; c < d; c++) acc += x[i * d + c] * wStar[c];
    y[i] = acc;
  }
  const hm = new Float64Array(d * d); // [d, d] X^T X / n
  const xty = new Float64Array(d); // [d] X^T y / n
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
    xty[a] += (x[i * d + a] * y[i]) / n;
    for (let b = 0; b < d; b++) hm[a * d + b] += (x[i * d + a] * x[i * d + b]) / n;
  }
  const reg = hm.map((v, k) => (k % (d + 1) === 0 ? v + lambda : v));
  const thetaStar = Float64Array.from(S.linalg.solve(S.tensor(reg, [d, d]), S.tensor(xty, [d])).data);
  const { values, vectors } = S.linalg.eigh(S.tensor(hm, [d, d]));
  const u = Float64Array.from(vectors.data);
  // Gradient noise at thetaStar, batch 1: Cov_j[x_j r_j] with r_j = x_j^T theta* - y_j, projected.
  const noiseAtMinimum = new Float64Array(d);
  const mean = new Float64Array(d);
  const second = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let r = -y[i];
    for (let c = 0; c < d; c++) r += x[i * d + c] * thetaStar[c];
    for (let k = 0; k < d; k++) {
      let proj = 0;
      for (let c = 0; c < d; c++) proj += x[i * d + c] * u[c * d + k];
      mean[k] += (proj * r) / n;
      second[k] += (proj * r) ** 2 / n;
    }
  }
  for (let k = 0; k < d; k++) noiseAtMinimum[k] = second[k] - mean[k] ** 2;
  return { n, d, x, y, h: Float64Array.from(values.data), u, thetaStar, noiseAtMinimum };
}

/** Settings of a minibatch heavy-ball run on the regression problem. */
export interface RegressionRun {
  eta: number;
  beta: number;
  lambda: number;
  batch: number;
  paths: number;
  burnIn: number;
  steps: number;
}

export interface RegressionResult {
  /** [d] E[(u_k^T (theta - theta*))^2] over paths and measured steps. */
  variance: Float64Array;
  /** [paths][d][steps] projected deviations u_k^T (theta - theta*) (direction-major per path). */
  traces: Float64Array[][];
}

/**
 * Minibatch SGD with heavy-ball momentum and coupled weight decay (PyTorch convention; batches of
 * `batch` indices drawn with replacement): g = (1/S) sum_b x_b (x_b^T theta - y_b),
 * v <- beta v + g + lambda theta, theta <- theta - eta v; start at theta*, v = 0.
 * `indices`, when given, fixes the minibatches of path 0 (for the engine cross-check).
 */
export function simulateRegression(prob: RegressionProblem, run: RegressionRun, rng: Rng, indices?: Int32Array): RegressionResult {
  const { d, x, y, u, thetaStar } = prob;
  const variance = new Float64Array(d);
  const traces: Float64Array[][] = [];
  const g = new Float64Array(d);
  for (let p = 0; p < run.paths; p++) {
    const prng = rng.fork(p);
    const theta = Float64Array.from(thetaStar);
    const v = new Float64Array(d);
    const tr = Array.from({ length: d }, () => new Float64Array(run.steps));
    for (let k = 0; k < run.burnIn + run.steps; k++) {
      g.fill(0);
      for (let b = 0; b < run.batch; b++) {
        const i = indices && p === 0 ? indices[k * run.batch + b] : prng.nextInt(0, prob.n);
        let r = -y[i];
        for (let c = 0; c < d; c++) r += x[i * d + c] * theta[c];
        for (let c = 0; c < d; c++) g[c] += (x[i * d + c] * r) / run.batch;
      }
      for (let c = 0; c < d; c++) {
        v[c] = run.beta * v[c] + g[c] + run.lambda * theta[c];
        theta[c] -= run.eta * v[c];
      }
      if (k >= run.burnIn) {
        const j = k - run.burnIn;
        for (let m = 0; m < d; m++) {
          let proj = 0;
          for (let c = 0; c < d; c++) proj += (theta[c] - thetaStar[c]) * u[c * d + m];
          tr[m][j] = proj;
          variance[m] += (proj * proj) / (run.paths * run.steps);
        }
      }
    }
    traces.push(tr);
  }
  return { variance, traces };
}

/**
 * The same run on the engine: S.sgd(eta, { momentum: beta, wd: lambda }) on the minibatch loss
 * 1/2 mean_b (x_b^T theta - y_b)^2 with the given indices; returns theta after `steps` steps.
 */
export function engineRegression(prob: RegressionProblem, run: RegressionRun, indices: Int32Array, steps: number): Float64Array {
  const { d } = prob;
  let params = { theta: S.tensor(prob.thetaStar, [d, 1]) };
  const opt = S.sgd(run.eta, { momentum: run.beta, wd: run.lambda });
  let state = opt.init(params);
  for (let k = 0; k < steps; k++) {
    const xb = new Float64Array(run.batch * d); // [batch, d]
    const yb = new Float64Array(run.batch); // [batch, 1]
    for (let b = 0; b < run.batch; b++) {
      const i = indices[k * run.batch + b];
      for (let c = 0; c < d; c++) xb[b * d + c] = prob.x[i * d + c];
      yb[b] = prob.y[i];
    }
    const xt = S.tensor(xb, [run.batch, d]);
    const yt = S.tensor(yb, [run.batch, 1]);
    const [, grads] = S.valueAndGrad((p: { theta: S.Tensor }) => S.mse(S.matmul(xt, p.theta), yt))(params);
    const [updates, next] = opt.update(grads, state, params);
    state = next;
    params = S.applyUpdates(params, updates);
  }
  return Float64Array.from(params.theta.data);
}

/**
 * Self-consistent stationary variances with multiplicative minibatch noise (an extension of the
 * paper's additive model, derived here; checked against simulation in the quick preset). At
 * theta = theta* + delta the per-sample residual is r_j + x_j^T delta, so the batch-S gradient-noise
 * variance along eigenvector k, averaged over the stationary delta (mean 0, covariance taken
 * diagonal in the eigenbasis, Var_a), is
 *   q_k = q_k(0) + (1/S) [ sum_a Var_a (1/n) sum_j z_jk^2 z_ja^2 - h_k^2 Var_k ],   z_j = U^T x_j,
 * and Var_k = q_k * eta / (2 (1 - beta) h'_k) / (1 - eta h'_k / (2 (1 + beta))) (exact AR(2)
 * response, valid for any zero-mean white noise). Solved by fixed-point iteration.
 */
export function selfConsistentVariances(prob: RegressionProblem, run: Pick<RegressionRun, "eta" | "beta" | "lambda" | "batch">): Float64Array {
  const { n, d, x, u, h } = prob;
  const m4 = new Float64Array(d * d); // [d, d] (1/n) sum_j z_jk^2 z_ja^2
  const z = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < d; k++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += x[j * d + c] * u[c * d + k];
      z[k] = acc;
    }
    for (let k = 0; k < d; k++) for (let a = 0; a < d; a++) m4[k * d + a] += (z[k] * z[k] * z[a] * z[a]) / n;
  }
  const response = Array.from(h, (hk) => {
    const hp = hk + run.lambda;
    return run.eta / (2 * (1 - run.beta) * hp) / (1 - (run.eta * hp) / (2 * (1 + run.beta)));
  });
  const q0 = Array.from(prob.noiseAtMinimum, (q) => q / run.batch);
  let variance = Float64Array.from(q0, (q, k) => q * response[k]);
  for (let it = 0; it < 200; it++) {
    const next = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      let extra = -h[k] * h[k] * variance[k];
      for (let a = 0; a < d; a++) extra += m4[k * d + a] * variance[a];
      next[k] = (q0[k] + extra / run.batch) * response[k];
    }
    variance = next;
  }
  return variance;
}
