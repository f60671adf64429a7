/**
 * Kernel regression dynamics and kernel geometry.
 *
 * Gradient flow on the half-mean MSE of a kernel (linearised) model from f_0 = 0 has the closed form
 * (Jacot et al., arXiv 1806.07572; Lee et al., arXiv 1902.06720):
 *   f_t(X) = (I - e^{-K t / n}) Y,   f_t(x) = K(x, X) K^-1 (I - e^{-K t / n}) Y,
 * computed from the eigendecomposition K = V diag(lambda) V^T: eigenmode i is learned at rate
 * lambda_i / n (Saddle's time convention: t = lr * step).
 */
export function kernelGdPrediction(
  eig: { values: ArrayLike<number>; vectors: ArrayLike<number> },
  kTest: ArrayLike<number>,
  y: ArrayLike<number>,
  t: number,
  nTest: number,
): Float64Array {
  const n = y.length;
  const { values, vectors } = eig;
  // beta = V diag((1 - e^{-lambda t / n}) / lambda) V^T y
  const coef = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let vy = 0;
    for (let i = 0; i < n; i++) vy += vectors[i * n + j] * y[i];
    const lam = values[j];
    const g = lam > 1e-14 * Math.abs(values[n - 1] || 1) ? -Math.expm1((-lam * t) / n) / lam : t / n; // limit lambda -> 0
    coef[j] = g * vy;
  }
  const beta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += vectors[i * n + j] * coef[j];
    beta[i] = s;
  }
  const out = new Float64Array(nTest);
  for (let r = 0; r < nTest; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += kTest[r * n + i] * beta[i];
    out[r] = s;
  }
  return out;
}

/** Kernel-target alignment A(K, y) = y^T K y / (|K|_F |y|^2) (Cristianini et al. 2001). */
export function kernelAlignment(k: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let yky = 0;
  let kf = 0;
  let yy = 0;
  for (let i = 0; i < n; i++) {
    yy += y[i] * y[i];
    for (let j = 0; j < n; j++) {
      yky += y[i] * k[i * n + j] * y[j];
      kf += k[i * n + j] ** 2;
    }
  }
  return yky / (Math.sqrt(kf) * yy);
}
