/**
 * Closed-form gradient flow of a two-layer linear network y = x W1 W2 on whitened inputs with
 * target Y = diag(s) (Saxe, McClelland & Ganguli, arXiv 1312.6120). With the aligned, balanced
 * small initialisation W1 = W2 = alpha I, every mode k evolves independently: its strength
 * u_k = (W1 W2)_kk obeys du/dtau = 2 u (s_k - u) under L = 1/2 |W1 W2 - Y|_F^2, so
 *   u_k(tau) = s_k e^{2 s_k tau} / (e^{2 s_k tau} - 1 + s_k / u_0),  u_0 = alpha^2,
 * and the loss plateaus at 1/2 sum_{j > k} s_j^2 between drops near tau_k = ln(s_k / u_0 - 1) / (2 s_k).
 * `tau` is gradient-flow time on the summed loss; Saddle's MSE (1/2 mean over n samples and k
 * outputs) runs n k times slower: tau = t * lossScale("half-mean", "half-sum")^-1... see `tauOf`.
 */
import { lossScale } from "@saddle/core";

/** Mode strength u(tau) from u0 toward s. */
export function modeStrength(s: number, u0: number, tau: number): number {
  const e = Math.exp(-2 * s * tau);
  // s e^{2 s tau} / (e^{2 s tau} - 1 + s/u0) rewritten with e^{-2 s tau} to avoid overflow.
  return s / (1 - e + (s / u0) * e);
}

/**
 * Converts Saddle time t (gradient flow of the half-mean MSE over n samples, k outputs) to tau
 * (gradient flow of 1/2 |.|_F^2): L_mean = L_sum / (n k), so the flow of L_mean at time t is the
 * flow of L_sum at tau = t / (n k).
 */
export function tauOf(t: number, n: number, k: number): number {
  return t * lossScale("half-sum", "half-mean", n, k);
}

/** Saddle's loss (half-mean over n samples, k outputs) at Saddle time t. */
export function exactLoss(s: readonly number[], alpha: number, t: number, n: number, k: number): number {
  const tau = tauOf(t, n, k);
  let l = 0;
  for (const sk of s) l += (sk - modeStrength(sk, alpha * alpha, tau)) ** 2;
  return l / (2 * n * k);
}

/** The loss level halfway through drop k (0-based): modes before k learned, mode k at s_k / 2. */
export function midDropLevel(s: readonly number[], k: number, n: number, kOut: number): number {
  let l = (s[k] * s[k]) / 4;
  for (let j = k + 1; j < s.length; j++) l += s[j] * s[j];
  return l / (2 * n * kOut);
}

/** The plateau after drop k (0-based): 1/2 sum_{j > k} s_j^2 in Saddle's normalisation. */
export function plateauAfter(s: readonly number[], k: number, n: number, kOut: number): number {
  let l = 0;
  for (let j = k + 1; j < s.length; j++) l += s[j] * s[j];
  return l / (2 * n * kOut);
}

/** First time the exact loss falls to `level` (bisection on the monotone closed form). */
export function exactCrossing(s: readonly number[], alpha: number, level: number, n: number, k: number, tMax: number): number {
  let lo = 0;
  let hi = tMax;
  if (exactLoss(s, alpha, hi, n, k) > level) return NaN;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (exactLoss(s, alpha, mid, n, k) > level) lo = mid;
    else hi = mid;
  }
  return hi;
}
