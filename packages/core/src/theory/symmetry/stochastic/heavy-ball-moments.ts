import { Tensor } from "../../../tensor/tensor.js";
import { solve } from "../../../linalg/index.js";

/**
 * Exact second moments of heavy-ball SGD near a quadratic minimum (Kunin et al., arXiv 2107.09133,
 * extended here to real minibatch noise). Per Hessian eigendirection k (eigenvalue h_k,
 * h'_k = h_k + lambda) the state s_k = (theta_k, v_k) of the PyTorch update
 * v <- beta v + g + lambda theta, theta <- theta - eta v, with g = full gradient + xi, follows
 *   s_k' = A_k s_k + b xi_k,   A_k = [[1 - eta h'_k, -eta beta], [h'_k, beta]],   b = (-eta, 1).
 * With noise E[xi_k xi_l] = Q_kl (zero mean given the past), the stationary cross-covariance
 * C_kl = E[s_k s_l^T] solves the Sylvester equation C_kl = A_k C_kl A_l^T + Q_kl b b^T, so
 * C_kl = Q_kl G_kl with G_kl the solution for unit noise (`lagResponse`). G_kk's position entry is
 * the AR(2) response eta / (2 (1 - beta) h') / (1 - eta h' / (2 (1 + beta))).
 */

/** A_k of one direction (row-major 2x2). */
function stepMatrix(h: number, lambda: number, eta: number, beta: number): [number, number, number, number] {
  const hp = h + lambda;
  return [1 - eta * hp, -eta * beta, hp, beta];
}

/**
 * The stationary (theta_k, theta_l) covariance per unit noise covariance Q_kl = 1: the position
 * entry of the solution G of G = A_k G A_l^T + b b^T (a 4x4 linear system, solved by elimination).
 */
export function lagResponse(hk: number, hl: number, lambda: number, eta: number, beta: number): number {
  const a = stepMatrix(hk, lambda, eta, beta);
  const c = stepMatrix(hl, lambda, eta, beta);
  const b = [-eta, 1];
  // Unknown g = (G00, G01, G10, G11); (A G C^T)_ij = sum_ab A_ia G_ab C_jb.
  const m = new Float64Array(16);
  const rhs = new Float64Array(4);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const row = i * 2 + j;
    rhs[row] = b[i] * b[j];
    for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) m[row * 4 + p * 2 + q] = (row === p * 2 + q ? 1 : 0) - a[i * 2 + p] * c[j * 2 + q];
  }
  return gaussSolve(m, rhs, 4)[0];
}

/** Solves M x = r (n x n, row-major) by Gaussian elimination with partial pivoting. */
function gaussSolve(m: Float64Array, r: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const x = Float64Array.from(r);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i * n + col]) > Math.abs(a[piv * n + col])) piv = i;
    if (piv !== col) {
      for (let j = 0; j < n; j++) [a[col * n + j], a[piv * n + j]] = [a[piv * n + j], a[col * n + j]];
      [x[col], x[piv]] = [x[piv], x[col]];
    }
    const d = a[col * n + col];
    for (let i = col + 1; i < n; i++) {
      const f = a[i * n + col] / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[i * n + j] -= f * a[col * n + j];
      x[i] -= f * x[col];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/** A least-squares problem in the eigenbasis of its Hessian, for `regressionSgdCovariance`. */
export interface EigenRegression {
  /** [n, d] inputs in the Hessian eigenbasis, z_j = U^T x_j (row-major). */
  z: Float64Array;
  /** [n] residuals x_j^T theta* - y_j at the (weight-decayed) minimum theta*. */
  residual: Float64Array;
  /** [d] Hessian eigenvalues h_k = (1/n) sum_j z_jk^2. */
  h: ArrayLike<number>;
}

/**
 * Exact stationary covariance of minibatch heavy-ball SGD on linear regression
 * L = 1/(2n) sum_j (x_j^T theta - y_j)^2 with coupled weight decay lambda and batches of S indices
 * drawn with replacement [derived here; the paper's continuous model takes the noise as additive
 * with Q = sigma^2 H / S]. At theta = theta* + delta the residual is r_j + z_j^T delta, and the
 * full-batch drift is (H + lambda) delta exactly, so the second moments close: with
 * E delta = 0 and Cov delta = Sigma (eigenbasis),
 *   Q(Sigma) = (1/S) [ Q0 + M4[Sigma] - H Sigma H ],
 *   Q0_kl = (1/n) sum_j z_jk z_jl r_j^2 - g_k g_l,   g = (1/n) sum_j z_j r_j,
 *   M4[Sigma]_kl = (1/n) sum_j z_jk z_jl (z_j^T Sigma z_j),
 * and Sigma_kl = G_kl Q_kl(Sigma) (lagResponse), a linear system in the d^2 entries of Sigma,
 * solved directly. Returns Sigma and the stationary noise Q (both [d, d] row-major, eigenbasis).
 * Throws when the second moments are unstable (the system has no positive solution).
 */
export function regressionSgdCovariance(p: EigenRegression, hyper: { eta: number; beta: number; lambda: number; batch: number }): { covariance: Float64Array; noise: Float64Array } {
  const d = p.h.length;
  const n = p.residual.length;
  const { z, residual } = p;
  const g = new Float64Array(d);
  const q0 = new Float64Array(d * d);
  const w = new Float64Array(d * d * d * d); // [(k,l), (a,b)] (1/n) sum_j z_jk z_jl z_ja z_jb
  const zz = new Float64Array(d * d);
  for (let j = 0; j < n; j++) {
    const r = residual[j];
    for (let k = 0; k < d; k++) {
      g[k] += (z[j * d + k] * r) / n;
      for (let l = 0; l < d; l++) zz[k * d + l] = z[j * d + k] * z[j * d + l];
    }
    for (let kl = 0; kl < d * d; kl++) {
      q0[kl] += (zz[kl] * r * r) / n;
      const f = zz[kl] / n;
      if (f === 0) continue;
      for (let ab = 0; ab < d * d; ab++) w[kl * d * d + ab] += f * zz[ab];
    }
  }
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) q0[k * d + l] -= g[k] * g[l];
  const G = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) G[k * d + l] = lagResponse(p.h[k], p.h[l], hyper.lambda, hyper.eta, hyper.beta);
  // (I - G o (W - H (.) H) / S) sigma = G o Q0 / S
  const N = d * d;
  const m = new Float64Array(N * N);
  const rhs = new Float64Array(N);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
    const kl = k * d + l;
    const c = G[kl] / hyper.batch;
    rhs[kl] = c * q0[kl];
    for (let ab = 0; ab < N; ab++) m[kl * N + ab] = -c * w[kl * N + ab];
    m[kl * N + kl] += 1 + c * p.h[k] * p.h[l];
  }
  const sigma = Float64Array.from(solve(new Tensor(m, [N, N]), new Tensor(rhs, [N, 1])).data);
  for (let k = 0; k < d; k++) if (!(sigma[k * d + k] > 0)) throw new RangeError(`regressionSgdCovariance: no stable stationary covariance (Sigma_${k}${k} = ${sigma[k * d + k]}); lower eta or raise the batch`);
  const noise = new Float64Array(N);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
    let m4 = 0;
    for (let ab = 0; ab < N; ab++) m4 += w[(k * d + l) * N + ab] * sigma[ab];
    noise[k * d + l] = (q0[k * d + l] + m4 - p.h[k] * p.h[l] * sigma[k * d + l]) / hyper.batch;
  }
  return { covariance: sigma, noise };
}

/**
 * Frequency (cycles per step) where the stationary spectral density of the position AR(2)
 * theta_{k+1} = a1 theta_k - beta theta_{k-1} + noise (a1 = 1 + beta - eta h') peaks:
 * |1 - a1 e^{-iw} + beta e^{-2iw}|^2 is smallest at cos w = a1 (1 + beta) / (4 beta). NaN when the
 * spectrum has no interior peak (|cos w| >= 1: overdamped, no oscillation).
 */
export function spectralPeakCyclesPerStep(h: number, lambda: number, eta: number, beta: number): number {
  const a1 = 1 + beta - eta * (h + lambda);
  const c = (a1 * (1 + beta)) / (4 * beta);
  return Math.abs(c) < 1 ? Math.acos(c) / (2 * Math.PI) : NaN;
}
