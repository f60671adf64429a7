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
  /** [n, d] inputs in the eigenbasis, z_j = U^T x_j. */
  z: Float64Array;
  /** [n] residuals x_j^T theta* - y_j at the minimum. */
  residual: Float64Array;
}

/**
 * Inputs x ~ N(0, diag(spectrum)), targets y = x^T w* + sigma eps (w* ~ N(0, 1)), loss
 * L = 1/(2n) sum (x^T theta - y)^2 (Saddle's MSE), so H = X^T X / n has eigenvalues near `spectrum`.
 */
export function makeRegression(rng: Rng, n: number, spectrum: readonly number[], sigma2: number, lambda: number): RegressionProblem {
  const d = spectrum.length;
  const x = new Float64Array(n * d); // [n, d]
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
  const z = new Float64Array(n * d); // [n, d]
  const residual = new Float64Array(n); // [n]
  for (let i = 0; i < n; i++) {
    let r = -y[i];
    for (let c = 0; c < d; c++) r += x[i * d + c] * thetaStar[c];
    residual[i] = r;
    for (let k = 0; k < d; k++) {
      let proj = 0;
      for (let c = 0; c < d; c++) proj += x[i * d + c] * u[c * d + k];
      z[i * d + k] = proj;
    }
  }
  return { n, d, x, y, h: Float64Array.from(values.data), u, thetaStar, z, residual };
}

/** Settings of a minibatch heavy-ball run on the regression problem. */
export interface RegressionRun {
  eta: number;
  beta: number;
  lambda: number;
  batch: number;
  burnIn: number;
  steps: number;
}

/**
 * One path of minibatch SGD with heavy-ball momentum and coupled weight decay (PyTorch convention;
 * batches of `batch` indices drawn with replacement): g = (1/S) sum_b x_b (x_b^T theta - y_b),
 * v <- beta v + g + lambda theta, theta <- theta - eta v; start at theta*, v = 0. Returns the
 * projected deviations u_k^T (theta - theta*) of the measured steps, [d][steps]. `indices`, when
 * given, fixes the minibatches (for the engine cross-check).
 */
export function simulateRegressionPath(prob: RegressionProblem, run: RegressionRun, rng: Rng, indices?: Int32Array): Float64Array[] {
  const { d, x, y, u, thetaStar } = prob;
  const g = new Float64Array(d);
  const theta = Float64Array.from(thetaStar);
  const v = new Float64Array(d);
  const tr = Array.from({ length: d }, () => new Float64Array(run.steps));
  for (let k = 0; k < run.burnIn + run.steps; k++) {
    g.fill(0);
    for (let b = 0; b < run.batch; b++) {
      const i = indices ? indices[k * run.batch + b] : rng.nextInt(0, prob.n);
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
      }
    }
  }
  return tr;
}

/** The minibatch of step k from fixed indices, as tensors for the engine: x (batch, d), y (batch, 1). */
export function engineBatch(prob: RegressionProblem, indices: Int32Array, batch: number, k: number): { x: S.Tensor; y: S.Tensor } {
  const { d } = prob;
  const xb = new Float64Array(batch * d); // [batch, d]
  const yb = new Float64Array(batch); // [batch, 1]
  for (let b = 0; b < batch; b++) {
    const i = indices[k * batch + b];
    for (let c = 0; c < d; c++) xb[b * d + c] = prob.x[i * d + c];
    yb[b] = prob.y[i];
  }
  return { x: S.tensor(xb, [batch, d]), y: S.tensor(yb, [batch, 1]) };
}
