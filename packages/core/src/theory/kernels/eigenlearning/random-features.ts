import { bisectLog } from "../../../solve/roots.js";

/**
 * Random-feature ridge regression risk (Simon, Karkada, Ghosh & Belkin, "More is better",
 * arXiv 2311.14646). Features phi(x) = (1/sqrt(k)) G Lambda^(1/2) x with G (k, M) i.i.d. N(0, 1),
 * ridge delta on the n x n RF Gram matrix. The coupled equations for (kappa, gamma):
 *   n = sum_i lambda_i / (lambda_i + gamma) + delta / kappa
 *   k = sum_i lambda_i / (lambda_i + gamma) + k kappa / gamma
 * then L_i = lambda_i/(lambda_i + gamma), z = sum L_i, q = sum L_i^2,
 *   x = (q (k - 2z) + z^2) / (n (k - q)),  E = 1/(1 - x),
 *   b_i = (1 - L_i) - kappa L_i/(lambda_i + gamma) * k/(k - q),
 *   E_te = E (sum_i b_i v_i^2 + sigma^2),  E_tr = (delta/(n kappa))^2 E_te.
 * As k -> infinity this reduces to KRR (gamma -> kappa, b_i -> (1 - L_i)^2, E -> n/(n - q)).
 * Solver: for a given kappa (> delta/n) the first equation fixes gamma by bisection; an outer
 * bisection in log kappa satisfies the second. The ridge must be > 0 (use 1e-10 for ridgeless).
 */
export interface RfRisk {
  kappa: number;
  gamma: number;
  testMse: number;
  trainMse: number;
}

/** Both bisections stop at 1e-14 in log x (relative 1e-14 in x). */
const BRACKET = { xtol: 1e-14 };

export function rfRisk(p: { eigenvalues: ArrayLike<number>; targetPower: ArrayLike<number>; noise?: number }, n: number, k: number, ridge: number): RfRisk {
  if (!(ridge > 0)) throw new RangeError(`rfRisk needs ridge > 0 (use 1e-10 for ridgeless), got ${ridge}`);
  if (!(n > 0 && k > 0)) throw new RangeError(`n and k must be > 0, got n=${n}, k=${k}`);
  const lam = p.eigenvalues;
  const sumL = (g: number) => {
    let s = 0;
    for (let i = 0; i < lam.length; i++) s += lam[i] / (lam[i] + g);
    return s;
  };
  const gammaOf = (kappa: number) => {
    const target = n - ridge / kappa;
    return bisectLog((g) => sumL(g) - target, Math.log(1e-300), Math.log(1e300), BRACKET);
  };
  const eq2 = (kappa: number) => {
    const g = gammaOf(kappa);
    return sumL(g) + (k * kappa) / g - k;
  };
  const lo = Math.log((ridge / n) * (1 + 1e-12));
  const kappa = bisectLog(eq2, lo, Math.log(1e10), BRACKET);
  const gamma = gammaOf(kappa);
  let z = 0;
  let q = 0;
  for (let i = 0; i < lam.length; i++) {
    const L = lam[i] / (lam[i] + gamma);
    z += L;
    q += L * L;
  }
  const x = (q * (k - 2 * z) + z * z) / (n * (k - q));
  const E = 1 / (1 - x);
  let bias = 0;
  for (let i = 0; i < lam.length; i++) {
    const L = lam[i] / (lam[i] + gamma);
    bias += ((1 - L) - ((kappa * L) / (lam[i] + gamma)) * (k / (k - q))) * p.targetPower[i];
  }
  const testMse = E * (bias + (p.noise ?? 0));
  return { kappa, gamma, testMse, trainMse: (ridge / (n * kappa)) ** 2 * testMse };
}

/**
 * "Overfitting is obligatory" (arXiv 2311.14646): for power laws lambda_i ~ i^-alpha,
 * v_i^2 ~ i^-beta without noise, the optimal fitting ratio R* = E_tr/E_te at the optimal ridge is
 * u*^2 with u* = (alpha - beta)/(beta (alpha - 1)) when alpha > beta, and 0 (interpolation)
 * otherwise (asymptotic closed form; accurate at CPU sizes for alpha >= 2).
 */
export function optimalFittingRatio(alpha: number, beta: number): number {
  if (!(alpha > 1 && beta > 1)) throw new RangeError(`alpha and beta must be > 1, got ${alpha}, ${beta}`);
  const u = alpha > beta ? (alpha - beta) / (beta * (alpha - 1)) : 0;
  return u * u;
}
