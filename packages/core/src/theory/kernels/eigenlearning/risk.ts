/**
 * The eigenlearning framework for kernel ridge regression (Simon, Dickens, Karkada & DeWeese,
 * arXiv 2110.03922). Kernel eigenvalues lambda_i (with multiplicities m_i) with respect to the data
 * measure, target coefficients v_i in the eigenbasis, label-noise variance sigma^2, n samples and a
 * ridge delta added to the un-normalised Gram matrix (alpha = (K + delta I)^-1 y):
 *   effective regularisation kappa:  sum_i m_i lambda_i / (lambda_i + kappa) + delta / kappa = n
 *   learnabilities L_i = lambda_i / (lambda_i + kappa)
 *   overfitting coefficient E0 = n / (n - sum_i m_i L_i^2)
 *   test MSE (noisy test labels)  E_te = E0 (sum_i (1 - L_i)^2 v_i^2 + sigma^2)
 *   train MSE                     E_tr = (delta / (n kappa))^2 E_te
 * (v_i^2 already summed over a degenerate eigenspace when multiplicities are used).
 */
export interface EigenProblem {
  /** Kernel eigenvalues (any order), > 0. */
  eigenvalues: ArrayLike<number>;
  /** Squared target coefficients v_i^2 per eigenvalue (summed over multiplicity). */
  targetPower: ArrayLike<number>;
  /** Multiplicities (default 1 each). */
  multiplicities?: ArrayLike<number>;
  /** Label-noise variance sigma^2 (default 0). */
  noise?: number;
}

export interface EigenRisk {
  kappa: number;
  learnabilities: Float64Array;
  /** sum_i m_i L_i (equals n when delta = 0). */
  learnabilitySum: number;
  e0: number;
  testMse: number;
  trainMse: number;
  /** Test MSE minus the noise floor (clean-target risk). */
  excessRisk: number;
}

function checkProblem(p: EigenProblem, n: number, ridge: number): void {
  if (!(n > 0)) throw new RangeError(`n must be > 0, got ${n}`);
  if (!(ridge >= 0)) throw new RangeError(`ridge must be >= 0, got ${ridge}`);
  if (p.eigenvalues.length !== p.targetPower.length) throw new RangeError(`eigenvalues (${p.eigenvalues.length}) and targetPower (${p.targetPower.length}) differ in length`);
}

/**
 * Solves for kappa: Newton's method on u = log kappa (g(u) = sum m lambda/(lambda + kappa) +
 * delta/kappa - n is decreasing in u), safeguarded by a bisection bracket, so 10^6 eigenvalues
 * take a dozen passes. Throws when the problem has no solution (ridgeless with fewer than n
 * eigenmodes).
 */
export function effectiveRegularization(eigenvalues: ArrayLike<number>, n: number, ridge = 0, multiplicities?: ArrayLike<number>): number {
  const P = eigenvalues.length;
  let total = 0;
  for (let i = 0; i < P; i++) total += multiplicities ? multiplicities[i] : 1;
  if (ridge === 0 && total <= n) throw new RangeError(`ridgeless kappa needs more than n = ${n} eigenmodes, got ${total}`);
  // g and dg/du in one pass.
  const eval_ = (u: number): [number, number] => {
    const k = Math.exp(u);
    let g = ridge / k - n;
    let dg = -ridge / k;
    for (let i = 0; i < P; i++) {
      const l = eigenvalues[i];
      const m = multiplicities ? multiplicities[i] : 1;
      const r = 1 / (l + k);
      g += m * l * r;
      dg -= m * l * k * r * r;
    }
    return [g, dg];
  };
  let lo = Math.log(1e-300);
  let hi = Math.log(1e300);
  // Start inside the bracket near the scale of the spectrum.
  let maxL = 0;
  for (let i = 0; i < P; i++) maxL = Math.max(maxL, eigenvalues[i]);
  let u = Math.log(Math.max(maxL, ridge / n, 1e-300) / Math.max(n, 1));
  for (let it = 0; it < 200; it++) {
    const [g, dg] = eval_(u);
    if (g > 0) lo = u;
    else hi = u;
    if (Math.abs(g) <= 1e-13 * n || hi - lo < 1e-15) break;
    let next = dg < 0 ? u - g / dg : NaN;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (Math.max(lo, -700) + Math.min(hi, 700));
    if (Math.abs(next - u) < 1e-15) break;
    u = next;
  }
  return Math.exp(u);
}

/** The eigenlearning predictions for n samples at ridge delta. */
export function krrRisk(p: EigenProblem, n: number, ridge = 0): EigenRisk {
  checkProblem(p, n, ridge);
  const kappa = effectiveRegularization(p.eigenvalues, n, ridge, p.multiplicities);
  const m = (i: number) => (p.multiplicities ? p.multiplicities[i] : 1);
  const L = new Float64Array(p.eigenvalues.length);
  let lsum = 0;
  let l2 = 0;
  let bias = 0;
  for (let i = 0; i < L.length; i++) {
    L[i] = p.eigenvalues[i] / (p.eigenvalues[i] + kappa);
    lsum += m(i) * L[i];
    l2 += m(i) * L[i] * L[i];
    bias += (1 - L[i]) ** 2 * p.targetPower[i];
  }
  const e0 = n / (n - l2);
  const noise = p.noise ?? 0;
  const testMse = e0 * (bias + noise);
  const trainMse = (ridge / (n * kappa)) ** 2 * testMse;
  return { kappa, learnabilities: L, learnabilitySum: lsum, e0, testMse, trainMse, excessRisk: testMse - noise };
}

/**
 * Eigenvalues and target powers estimated from a kernel matrix on a large sample of N points
 * (lambda_i ~ eig(K_N)/N, v_i ~ <y, u_i>/sqrt(N)); `eigh` is passed in so this stays a pure
 * function of arrays (use linalg.eigh from core).
 */
export function eigensystemFromSample(k: Float64Array, y: Float64Array, n: number, eigh: (a: Float64Array, n: number) => { w: Float64Array; v: Float64Array }): { eigenvalues: Float64Array; targetPower: Float64Array } {
  const { w, v } = eigh(k, n);
  const eigenvalues = new Float64Array(n);
  const targetPower = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j; // descending
    eigenvalues[j] = Math.max(w[src], 0) / n;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += v[i * n + src] * y[i];
    targetPower[j] = (dot * dot) / n;
  }
  return { eigenvalues, targetPower };
}

/**
 * int_a^inf g(x) dx for a smooth, eventually power-law-decaying g: Simpson's rule in u = ln x over
 * [ln a, ln a + 40] (2000 panels), plus `remainder(X)` for x > X = a e^40 (its asymptotic tail).
 */
function tailIntegral(g: (x: number) => number, a: number, remainder: (X: number) => number): number {
  const u0 = Math.log(a);
  const U = 40;
  const m = 2000;
  const h = U / m;
  let s = 0;
  for (let i = 0; i <= m; i++) {
    const x = Math.exp(u0 + i * h);
    const w = i === 0 || i === m ? 1 : i % 2 ? 4 : 2;
    s += w * g(x) * x;
  }
  return (s * h) / 3 + remainder(a * Math.exp(U));
}

/**
 * A power-law problem lambda_i = i^-alpha, v_i^2 = c * i^-beta: modes i <= P are summed exactly and
 * the infinitely many modes i > P are handled as integrals over x in (P + 1/2, inf) (midpoint
 * rule for the sum, evaluated by quadrature in log x with an analytic remainder), so P can stay
 * small while describing all modes.
 */
export function powerLawRisk(cfg: { alpha: number; beta: number; n: number; ridge?: number; noise?: number; P?: number; targetScale?: number }): EigenRisk {
  const { alpha, beta, n, ridge = 0, noise = 0, P = 2000, targetScale = 1 } = cfg;
  if (!(alpha > 1)) throw new RangeError(`alpha must be > 1 for a trace-class kernel, got ${alpha}`);
  if (!(beta > 1)) throw new RangeError(`beta must be > 1 for a finite-norm target, got ${beta}`);
  const lam = Float64Array.from({ length: P }, (_, i) => (i + 1) ** -alpha);
  const pow = Float64Array.from({ length: P }, (_, i) => targetScale * (i + 1) ** -beta);
  const a = P + 0.5;
  const Lx = (x: number, k: number) => x ** -alpha / (x ** -alpha + k);
  const tailL = (k: number) => tailIntegral((x) => Lx(x, k), a, (X) => X ** (1 - alpha) / ((alpha - 1) * k));
  const solve = (k: number) => {
    let s = ridge / k;
    for (let i = 0; i < P; i++) s += lam[i] / (lam[i] + k);
    return s + tailL(k) - n;
  };
  let lo = Math.log(1e-300);
  let hi = Math.log(1e300);
  for (let it = 0; it < 200 && hi - lo > 1e-14; it++) {
    const mid = 0.5 * (lo + hi);
    if (solve(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  const kappa = Math.exp(0.5 * (lo + hi));
  const L = lam.map((l) => l / (l + kappa));
  let lsum = tailL(kappa);
  let l2 = tailIntegral((x) => Lx(x, kappa) ** 2, a, (X) => X ** (1 - 2 * alpha) / ((2 * alpha - 1) * kappa * kappa));
  let bias = tailIntegral((x) => (1 - Lx(x, kappa)) ** 2 * targetScale * x ** -beta, a, (X) => (targetScale * X ** (1 - beta)) / (beta - 1));
  for (let i = 0; i < P; i++) {
    lsum += L[i];
    l2 += L[i] * L[i];
    bias += (1 - L[i]) ** 2 * pow[i];
  }
  const e0 = n / (n - l2);
  const testMse = e0 * (bias + noise);
  return { kappa, learnabilities: L, learnabilitySum: lsum, e0, testMse, trainMse: (ridge / (n * kappa)) ** 2 * testMse, excessRisk: testMse - noise };
}
