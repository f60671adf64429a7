import { Tensor } from "../../../tensor/tensor.js";
import { eigh, qr, solve } from "../../../linalg/index.js";
import { dopri5 } from "../../../solve/rk45.js";

/**
 * Exact learning dynamics of a lambda-balanced two-layer linear network (Domine et al.,
 * arXiv 2409.14623, section 3). Row convention y = x W1 W2 with W1 (d, h), W2 (h, k); whitened
 * inputs, loss L = 1/2 |W1 W2 - beta*|_F^2 (+ const) with beta* = X^T Y / n (d, k), and
 * gradient-flow time tau of that loss (Saddle's 1/2-mean MSE runs k times slower: tau = t / k, see
 * conventions.ts convertFlowTime(t, "half-mean", "half-mean-samples", n, k)).
 *
 * Stack Q = [W1; W2^T] ((d + k), h). Then QQ^T = [[W1 W1^T, W1 W2], [W2^T W1^T, W2^T W2]]: the input
 * representation, the network function and the output representation. With the balance
 * W2 W2^T - W1^T W1 = lambda I_h, gradient flow gives dQ/dtau = F Q - 1/2 Q Q^T Q with
 *   F = [[-lambda/2 I_d, beta*], [beta*^T, lambda/2 I_k]]   ((d + k), (d + k), symmetric),
 * hence the matrix Riccati equation d(QQ^T)/dtau = F QQ^T + QQ^T F - (QQ^T)^2 (derived here and
 * checked numerically against simulation in the tests). Its solution from Q0 is
 *   QQ^T(tau) = Z C^{-1} Z^T,  Z = e^{F tau} Q0,  C = I_h + Q0^T (int_0^tau e^{2 F v} dv) Q0,
 * (differentiate: C' = Z^T Z, so (Z C^{-1} Z^T)' = F P + P F - P^2). The paper writes this
 * Z(t) center(t)^{-1} Z(t)^T with F's eigen-rates +-sqrt(s_i^2 + lambda^2/4).
 */
export function riccatiDrive(betaStar: Tensor, lambda: number): Tensor {
  const [d, k] = betaStar.shape;
  const n = d + k;
  const f = new Float64Array(n * n);
  for (let i = 0; i < d; i++) f[i * n + i] = -lambda / 2;
  for (let j = 0; j < k; j++) f[(d + j) * n + d + j] = lambda / 2;
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) {
    f[i * n + d + j] = betaStar.data[i * k + j];
    f[(d + j) * n + i] = betaStar.data[i * k + j];
  }
  return new Tensor(f, [n, n]);
}

/** Q = [W1; W2^T] ((d + k), h) of the row-convention network. */
export function stackQ(w1: Tensor, w2: Tensor): Tensor {
  const [d, h] = w1.shape;
  const k = w2.shape[1];
  if (w2.shape[0] !== h) throw new RangeError(`stackQ: W1 [${w1.shape.join(", ")}] and W2 [${w2.shape.join(", ")}] do not chain`);
  const q = new Float64Array((d + k) * h);
  q.set(w1.data.subarray(0, d * h));
  for (let j = 0; j < k; j++) for (let c = 0; c < h; c++) q[(d + j) * h + c] = w2.data[c * k + j];
  return new Tensor(q, [d + k, h]);
}

/** Q Q^T of the network (d + k, d + k). */
export function qqtOf(w1: Tensor, w2: Tensor): Tensor {
  const q = stackQ(w1, w2);
  const [n, h] = q.shape;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += q.data[i * h + c] * q.data[j * h + c];
    out[i * n + j] = out[j * n + i] = acc;
  }
  return new Tensor(out, [n, n]);
}

/** The blocks of QQ^T: input representation W1 W1^T (d, d), function W1 W2 (d, k), output representation W2^T W2 (k, k). */
export function qqtBlocks(qqt: Tensor, d: number): { inputRep: Tensor; product: Tensor; outputRep: Tensor } {
  const n = qqt.shape[0];
  const k = n - d;
  const block = (r0: number, c0: number, rows: number, cols: number) => {
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = qqt.data[(r0 + i) * n + c0 + j];
    return new Tensor(out, [rows, cols]);
  };
  return { inputRep: block(0, 0, d, d), product: block(0, d, d, k), outputRep: block(d, d, k, k) };
}

/**
 * Closed-form QQ^T(tau) = Z C^{-1} Z^T from the initial weights (which must be lambda-balanced for
 * the given lambda: the Riccati form needs W2 W2^T - W1^T W1 = lambda I). Computed in F's
 * eigenbasis F = V diag(f) V^T with M = V^T Q0, N = diag(e^{f tau}) M (n, h) and
 * gamma = (e^{2 f tau} - 1) / (2 f): C = I + M^T diag(gamma) M, and with the thin QR N = Q_N R,
 *   Z C^{-1} Z^T = V Q_N [R^{-T} C R^{-1}]^{-1} Q_N^T V^T,
 * whose inner matrix stays well conditioned as e^{f tau} grows (C itself has condition number
 * ~ e^{2 max f tau}). Needs Q0 of full column rank h (any generic init).
 */
export function qqtExact(w1: Tensor, w2: Tensor, betaStar: Tensor, lambda: number, tau: number): Tensor {
  const q0 = stackQ(w1, w2);
  const [n, h] = q0.shape;
  if (tau === 0) return qqtOf(w1, w2);
  const { values, vectors } = eigh(riccatiDrive(betaStar, lambda));
  // Eigenpairs in descending order of f: Householder QR of the row-graded N = diag(e^{f tau}) M is
  // accurate when its rows are sorted by decreasing size (Higham, Accuracy and Stability, 19.4).
  const v = new Float64Array(n * n); // (n, n), column i = eigenvector of the i-th largest f
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    f[i] = values.data[n - 1 - i];
    for (let r = 0; r < n; r++) v[r * n + i] = vectors.data[r * n + n - 1 - i];
  }
  const fTop = Math.max(f[0], 0);
  const m = new Float64Array(n * h); // V^T Q0
  const nMat = new Float64Array(n * h); // diag(e^{f tau}) V^T Q0
  const kappa = new Float64Array(n); // (1 - e^{-2 f tau}) / (2 f)
  const gamma = new Float64Array(n); // (e^{2 f tau} - 1) / (2 f) = kappa e^{2 f tau}
  for (let i = 0; i < n; i++) {
    const x = 2 * f[i] * tau;
    kappa[i] = Math.abs(x) < 1e-12 ? tau : (-tau * Math.expm1(-x)) / x;
    gamma[i] = Math.abs(x) < 1e-12 ? tau : (tau * Math.expm1(x)) / x;
    const e = Math.exp((f[i] - fTop) * tau); // N scaled by e^{-fTop tau}: no overflow
    for (let c = 0; c < h; c++) {
      let acc = 0;
      for (let r = 0; r < n; r++) acc += v[r * n + i] * q0.data[r * h + c];
      m[i * h + c] = acc;
      nMat[i * h + c] = e * acc;
    }
  }
  const { q: qN, r: rScaled } = qr(new Tensor(nMat, [n, h])); // (n, h), (h, h); R = e^{fTop tau} rScaled
  const rInv = upperTriangularInverse(rScaled.data, h).map((x) => x * Math.exp(-fTop * tau)); // R^{-1} (h, h)
  // inner = R^{-T} C R^{-1} = R^{-T} R^{-1} + sum_i gamma_i (M_i R^{-1})^T (M_i R^{-1}); for growing
  // directions (f_i > 0) M_i R^{-1} sqrt(gamma_i) = sqrt(kappa_i) (Q_N)_i, taken from the QR (accurate
  // where large); for the others from M_i R^{-1} (tiny, so its round-off is not amplified).
  const rows = new Float64Array(n * h);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (f[i] > 0) {
      for (let c = 0; c < h; c++) rows[i * h + c] = qN.data[i * h + c];
      weight[i] = kappa[i];
    } else {
      for (let c = 0; c < h; c++) {
        let acc = 0;
        for (let j = 0; j <= c; j++) acc += m[i * h + j] * rInv[j * h + c];
        rows[i * h + c] = acc;
      }
      weight[i] = gamma[i];
    }
  }
  const inner = new Float64Array(h * h);
  for (let a = 0; a < h; a++) for (let b = 0; b < h; b++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += rInv[c * h + a] * rInv[c * h + b];
    for (let i = 0; i < n; i++) acc += rows[i * h + a] * weight[i] * rows[i * h + b];
    inner[a * h + b] = acc;
  }
  const vq = new Float64Array(n * h); // V Q_N
  for (let i = 0; i < n; i++) for (let c = 0; c < h; c++) {
    let acc = 0;
    for (let r = 0; r < n; r++) acc += v[i * n + r] * qN.data[r * h + c];
    vq[i * h + c] = acc;
  }
  const vqT = new Float64Array(h * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < h; c++) vqT[c * n + i] = vq[i * h + c];
  const x = solve(new Tensor(inner, [h, h]), new Tensor(vqT, [h, n])).data; // inner^{-1} (V Q_N)^T, (h, n)
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += vq[i * h + c] * x[c * n + j];
    out[i * n + j] = acc;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i];
  return new Tensor(out, [n, n]);
}

/** Inverse of an upper-triangular (h, h) matrix by back substitution (graded diagonals are fine; a zero pivot gives Infinity). */
function upperTriangularInverse(r: ArrayLike<number>, h: number): Float64Array {
  const inv = new Float64Array(h * h);
  for (let col = 0; col < h; col++) {
    for (let i = h - 1; i >= 0; i--) {
      let acc = i === col ? 1 : 0;
      for (let j = i + 1; j < h; j++) acc -= r[i * h + j] * inv[j * h + col];
      inv[i * h + col] = acc / r[i * h + i];
    }
  }
  return inv;
}

/**
 * QQ^T at the given times by integrating the matrix Riccati ODE d P/dtau = F P + P F - P^2 with
 * adaptive RK45 (an independent check of `qqtExact`; no closed form involved).
 */
export function qqtRiccatiFlow(p0: Tensor, drive: Tensor, times: readonly number[], { rtol = 1e-12, atol = 1e-14 }: { rtol?: number; atol?: number } = {}): Tensor[] {
  const n = p0.shape[0];
  const f = drive.data;
  const rhs = (_t: number, p: Float64Array): Float64Array => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let r = 0; r < n; r++) acc += f[i * n + r] * p[r * n + j] + p[i * n + r] * f[r * n + j] - p[i * n + r] * p[r * n + j];
      out[i * n + j] = acc;
    }
    return out;
  };
  const tEnd = times.length ? times[times.length - 1] : 0;
  const res = dopri5(rhs, 0, Float64Array.from(p0.data), tEnd, { rtol, atol, times });
  return res.y.map((y) => new Tensor(Float64Array.from(y), [n, n]));
}
