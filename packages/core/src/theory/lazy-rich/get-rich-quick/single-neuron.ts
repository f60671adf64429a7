/**
 * Exact gradient flow of the minimal two-layer model f(x) = a (w . x) on whitened data
 * (Kunin, Raventos, Domine, Chen, Klindt, Saxe, Ganguli, "Get rich quick: exact solutions reveal
 * how unbalanced initializations promote rapid feature learning", arXiv 2406.06158, section 3).
 *
 * With X^T X / n = I the loss (Saddle's 1/2 mean MSE) is L = 1/2 |a w - beta*|^2 + const, so with
 * equal layer learning rates gradient flow reads
 *   da/dt = beta* . w - a |w|^2,   dw/dt = a beta* - a^2 w,
 * and conserves delta = a^2 - |w|^2 (in general eta_w a^2 - eta_a |w|^2). The scalar
 * nu = (w . beta*) / a obeys the Riccati equation d nu/dt = s^2 - delta nu - nu^2 (s = |beta*|),
 * solved by nu(t) = 1/2 (-delta + D tanh(D t / 2 + artanh r)), D = sqrt(delta^2 + 4 s^2),
 * r = (delta + 2 nu_0) / D (the coth branch when |r| > 1). Writing e^{2c} = (1 + r)/(1 - r) turns
 * both branches into one expression without branches:
 *   nu(t) = 1/2 (-delta + D [(1 + r) - (1 - r) e^{-D t}] / [(1 + r) + (1 - r) e^{-D t}]).
 * a^2 = u obeys the Bernoulli equation du/dt = 2 u (nu + delta - u), integrated in closed form
 * (see `singleNeuronExact`); the part of w orthogonal to beta* decays as exp(-int_0^t a^2), and
 * beta* . w = a nu. Time is gradient-flow time of Saddle's MSE (conventions.ts: t = lr * step).
 */

/** s = |beta*|, nu_0 and delta of a state (a, w) for target beta*. */
export function singleNeuronInvariants(a: number, w: readonly number[], betaStar: readonly number[]): { delta: number; nu: number; s: number } {
  if (w.length !== betaStar.length) throw new RangeError(`singleNeuronInvariants: w has ${w.length} entries, beta* has ${betaStar.length}`);
  let w2 = 0;
  let wb = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    w2 += w[i] * w[i];
    wb += w[i] * betaStar[i];
    s2 += betaStar[i] * betaStar[i];
  }
  return { delta: a * a - w2, nu: wb / a, s: Math.sqrt(s2) };
}

/**
 * The conserved quantity of gradient flow with per-layer learning rates eta_a, eta_w
 * (d a/dt = -eta_a dL/da, d w/dt = -eta_w dL/dw): delta = eta_w a^2 - eta_a |w|^2 (arXiv 2406.06158).
 */
export function conservedDelta(a: number, w: readonly number[], etaA = 1, etaW = 1): number {
  let w2 = 0;
  for (const v of w) w2 += v * v;
  return etaW * a * a - etaA * w2;
}

/**
 * The parameters (a, w) with a w = beta and a^2 - |w|^2 = delta, a > 0:
 * a = sqrt((delta + sqrt(delta^2 + 4 |beta|^2)) / 2), w = beta / a (arXiv 2406.06158). Throws when
 * beta = 0 and delta <= 0 (a = 0, w undetermined).
 */
export function singleNeuronFromBeta(delta: number, beta: readonly number[]): { a: number; w: number[] } {
  let b2 = 0;
  for (const v of beta) b2 += v * v;
  // (delta + sqrt(delta^2 + 4 b2)) / 2 written without cancellation for delta < 0.
  const root = Math.sqrt(delta * delta + 4 * b2);
  const a2 = delta >= 0 ? (delta + root) / 2 : (2 * b2) / (root - delta);
  if (!(a2 > 0)) throw new RangeError(`singleNeuronFromBeta: beta = 0 with delta = ${delta} <= 0 has a = 0 and no direction for w`);
  const a = Math.sqrt(a2);
  return { a, w: beta.map((v) => v / a) };
}

/**
 * D = sqrt(delta^2 + 4 s^2), D + delta, D - delta (the small one as 4 s^2 / the large one, so no
 * cancellation at |delta| >> s), and 1 +- r with r = (delta + 2 nu0) / D.
 */
function riccatiConstants(delta: number, s: number, nu0: number): { D: number; dPlus: number; dMinus: number; onePlusR: number; oneMinusR: number } {
  const D = Math.sqrt(delta * delta + 4 * s * s);
  const dPlus = delta >= 0 ? D + delta : (4 * s * s) / (D - delta);
  const dMinus = delta >= 0 ? (4 * s * s) / (D + delta) : D - delta;
  return { D, dPlus, dMinus, onePlusR: (dPlus + 2 * nu0) / D, oneMinusR: (dMinus - 2 * nu0) / D };
}

/** The Riccati variable nu(t) = (w . beta*)/a: closed form above (the pole of the coth branch gives +-Infinity). */
export function riccatiNu(delta: number, s: number, nu0: number, t: number): number {
  const { D, dMinus, onePlusR, oneMinusR } = riccatiConstants(delta, s, nu0);
  const e = Math.exp(-D * t);
  // nu = 1/2 (-delta + D X), X = [(1+r) - (1-r) e] / [(1+r) + (1-r) e]; written as
  // 1/2 (D - delta) - D (1-r) e / [(1+r) + (1-r) e] to avoid cancelling at large delta.
  return 0.5 * dMinus - (D * oneMinusR * e) / (onePlusR + oneMinusR * e);
}

/** The fixed points of the Riccati equation: the stable nu_+ = (-delta + D)/2 and unstable nu_- = (-delta - D)/2. */
export function riccatiFixedPoints(delta: number, s: number): { stable: number; unstable: number } {
  const D = Math.sqrt(delta * delta + 4 * s * s);
  return { stable: delta >= 0 ? (2 * s * s) / (delta + D) : (-delta + D) / 2, unstable: (-delta - D) / 2 };
}

/** int_0^t e^{k s} ds, times e^{-m t} (m >= k, so the product stays bounded): (e^{(k-m)t} - e^{-m t}) / k. */
function scaledExpIntegral(k: number, m: number, t: number): number {
  if (Math.abs(k * t) < 1e-8) return t * Math.exp(-m * t) * (1 + 0.5 * k * t);
  if (k > 0) return (Math.exp((k - m) * t) - Math.exp(-m * t)) / k; // no overflow of e^{k t}
  return (Math.exp(-m * t) * Math.expm1(k * t)) / k;
}

export interface SingleNeuronState {
  a: number;
  w: number[];
  /** beta = a w, the network's linear function. */
  beta: number[];
  nu: number;
}

/**
 * Closed-form state at gradient-flow time t of f(x) = a (w . x) trained on whitened data toward
 * beta*, from (a0, w0) (a0 != 0; arXiv 2406.06158). With r = (delta + 2 nu0)/D, g = e^{-(delta+D)t}
 * and the scaled integral gI = e^{-(delta+D)t} int_0^t E, E(t) = exp(int_0^t 2 (nu + delta)):
 *   gI = (1 - r^2)/2 J_delta + (1 + r)^2/4 J_{delta+D} + (1 - r)^2/4 J_{delta-D},
 *   J_k = e^{-(delta+D)t} int_0^t e^{k s} ds,
 *   a(t) = a0 [(1 + r)/2 + (1 - r)/2 e^{-Dt}] / N,   N = sqrt(g + 2 a0^2 gI),
 *   beta* . w = a nu = a0 [ -delta P + D P' ] / (2 N),  P, P' = (1 + r)/2 +- (1 - r)/2 e^{-Dt},
 *   w_perp(t) = w_perp(0) sqrt(g) / N.
 * Every factor is bounded, so large t does not overflow. a changes sign (passes through 0) at the
 * pole of nu when r < -1.
 */
export function singleNeuronExact(a0: number, w0: readonly number[], betaStar: readonly number[], t: number): SingleNeuronState {
  if (!(a0 !== 0 && Number.isFinite(a0))) throw new RangeError(`singleNeuronExact: a0 must be finite and nonzero, got ${a0}`);
  if (!(t >= 0)) throw new RangeError(`singleNeuronExact: t must be >= 0, got ${t}`);
  const { delta, nu: nu0, s } = singleNeuronInvariants(a0, w0, betaStar);
  if (!(s > 0)) throw new RangeError("singleNeuronExact: beta* must be nonzero");
  const { D, dPlus, dMinus, onePlusR, oneMinusR } = riccatiConstants(delta, s, nu0);
  const m = dPlus; // delta + D > 0
  const e = Math.exp(-D * t);
  const g = Math.exp(-m * t);
  const gI = ((onePlusR * oneMinusR) / 2) * scaledExpIntegral(delta, m, t) + (onePlusR ** 2 / 4) * scaledExpIntegral(m, m, t) + (oneMinusR ** 2 / 4) * scaledExpIntegral(-dMinus, m, t);
  const N = Math.sqrt(g + 2 * a0 * a0 * gI);
  const P = onePlusR / 2 + (oneMinusR / 2) * e;
  const a = (a0 * P) / N;
  // -delta P + D P' = [(D - delta)(1 + r) - (D + delta)(1 - r) e] / 2, with P' = (1+r)/2 - (1-r)/2 e.
  const aNu = (a0 * (dMinus * onePlusR - dPlus * oneMinusR * e)) / (4 * N); // = beta* . w
  const s2 = s * s;
  const wb0 = a0 * nu0; // beta* . w0
  const decay = Math.sqrt(g) / N;
  const w = w0.map((v, i) => (aNu / s2) * betaStar[i] + (v - (wb0 / s2) * betaStar[i]) * decay);
  return { a, w, beta: w.map((v) => a * v), nu: riccatiNu(delta, s, nu0, t) };
}
