// Theory of stepwise self-supervised learning: linearised Barlow Twins from small initialisation
// (Simon, Knutins, Ziyin, Geisz, Fetterman, Albrecht, "On the Stepwise Nature of Self-Supervised
// Learning", arXiv 2303.15438, ICML 2023).
//
// Setup: embedding f(x) = W x with W in R^{d x m}; positive pairs (x_i, x_i'), i = 1..n; the
// symmetrised cross-correlation Gamma = (1/2n) sum_i (x_i x_i'^T + x_i' x_i^T); the embedding
// cross-correlation C = W Gamma W^T and the (unnormalised, off-diagonal weight 1) Barlow Twins loss
// L = |C - I_d|_F^2, with gradient 4 (C - I) W Gamma.
//
// Per-mode dynamics (derived here, checked by the tests against RK45 gradient flow and GD): write
// W = sum_k a_k v_k^T over the eigenvectors v_k of Gamma (eigenvalue gamma_k). Then
// da_k/dt = 4 gamma_k (I - C) a_k. Aligned (a_k orthogonal), c_k = gamma_k |a_k|^2 obeys the
// logistic ODE dc/dt = 8 gamma c (1 - c):
//
//     c_k(t) = 1 / (1 + (1/c_k(0) - 1) e^{-8 gamma_k t}),   t_k(1/2) = ln(1/c_k(0) - 1) / (8 gamma_k),
//
// so L = sum_k (1 - c_k)^2 falls in unit steps d -> d-1 -> ... -> 0, and the final embedding spans
// the top-d eigenvectors of Gamma (W* = U diag(gamma_j^{-1/2}) V_d^T, U orthogonal).
//
// From a small RANDOM init the a_k(0) are not orthogonal. Saddle's effective init (derived here,
// not in the paper): while C << I every a_k grows as e^{4 gamma_k t}; once modes 1..j-1 saturate,
// I - C vanishes on their output directions, so only the part of a_j(0) orthogonal to
// a_1(0), ..., a_{j-1}(0) keeps growing. Hence c_j(0)_eff = gamma_j |r_j|^2 with r_j the
// Gram-Schmidt residual of a_j(0) in mode order (numerically: step times within 1% once GD's rate
// below is used; checks in packages/core/test/stepwise-ssl.test.ts).
//
// Gradient descent with step lr multiplies a small mode's amplitude by (1 + 4 gamma lr) per step,
// so c grows at the per-unit-time rate 2 ln(1 + 4 gamma lr) / lr (-> 8 gamma as lr -> 0); using
// that rate in the logistic is Saddle's GD correction (exact in the small-c phase).

import type { Tensor } from "../../../tensor/tensor.js";
import * as L from "../../../linalg/index.js";

/** Gamma = (1/2n) sum_i (x_i x_i'^T + x_i' x_i^T) of row-major views x, x' (n x m each). */
export function crossCorrelation(x: ArrayLike<number>, xp: ArrayLike<number>, n: number, m: number): Float64Array {
  if (x.length !== n * m || xp.length !== n * m) throw new RangeError(`crossCorrelation: views need ${n} x ${m} entries`);
  const g = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let a = 0; a < m; a++) {
      const xa = x[o + a];
      const pa = xp[o + a];
      for (let b = 0; b < m; b++) g[a * m + b] += xa * xp[o + b] + pa * x[o + b];
    }
  }
  for (let k = 0; k < m * m; k++) g[k] /= 2 * n;
  return g;
}

/** Eigenpairs of a symmetric m x m Gamma (a Tensor), DESCENDING: values[k], vectors[k] (unit, length m). */
export function spectrum(gamma: Tensor): { values: number[]; vectors: Float64Array[] } {
  const m = gamma.shape[0];
  const { values, vectors } = L.eigh(gamma);
  const w = values.data;
  const v = vectors.data;
  const out = { values: [] as number[], vectors: [] as Float64Array[] };
  for (let k = m - 1; k >= 0; k--) {
    out.values.push(w[k]);
    const col = new Float64Array(m);
    for (let i = 0; i < m; i++) col[i] = v[i * m + k];
    out.vectors.push(col);
  }
  return out;
}

/** a_k = W v_k (length d) for a row-major d x m matrix W. */
export function modeAmplitude(w: ArrayLike<number>, d: number, m: number, v: ArrayLike<number>): Float64Array {
  const a = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += w[i * m + j] * v[j];
    a[i] = s;
  }
  return a;
}

/** The per-mode value c_k = gamma_k |W v_k|^2 (the paper's gamma_k s_k^2) of a d x m matrix W. */
export function modeValue(w: ArrayLike<number>, d: number, m: number, gammaK: number, v: ArrayLike<number>): number {
  const a = modeAmplitude(w, d, m, v);
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i] * a[i];
  return gammaK * s;
}

/**
 * One modified Gram-Schmidt step: removes from r (in place) its projections on the orthonormal
 * vectors of `basis`, one at a time, and returns |r|^2 of what is left.
 */
function orthogonalise(r: Float64Array, basis: readonly Float64Array[]): number {
  for (const q of basis) {
    let p = 0;
    for (let i = 0; i < r.length; i++) p += q[i] * r[i];
    for (let i = 0; i < r.length; i++) r[i] -= p * q[i];
  }
  let nn = 0;
  for (let i = 0; i < r.length; i++) nn += r[i] * r[i];
  return nn;
}

/**
 * Effective initial values c_j(0) of the top-d modes from a (small, random) init W0 (d x m,
 * row-major): gamma_j |r_j|^2 with r_j the Gram-Schmidt residual of a_j(0) = W0 v_j against
 * a_1(0), ..., a_{j-1}(0) (see the module comment). For an aligned init it is gamma_j |a_j(0)|^2.
 */
export function effectiveInit(w0: ArrayLike<number>, d: number, m: number, values: readonly number[], vectors: readonly ArrayLike<number>[]): number[] {
  const basis: Float64Array[] = [];
  const c0: number[] = [];
  for (let j = 0; j < d; j++) {
    const r = modeAmplitude(w0, d, m, vectors[j]);
    const nn = orthogonalise(r, basis);
    c0.push(values[j] * nn);
    const norm = Math.sqrt(nn);
    basis.push(r.map((x) => x / norm));
  }
  return c0;
}

/** Growth rate of c per unit time t = lr * step: 8 gamma for gradient flow (lr = 0), 2 ln(1 + 4 gamma lr) / lr for GD. */
export function modeRate(gammaK: number, lr = 0): number {
  return lr === 0 ? 8 * gammaK : (2 * Math.log1p(4 * gammaK * lr)) / lr;
}

/** c(t) = 1 / (1 + (1/c0 - 1) e^{-rate t}) with rate = modeRate(gamma, lr). */
export function modeC(c0: number, gammaK: number, t: number, lr = 0): number {
  return 1 / (1 + (1 / c0 - 1) * Math.exp(-modeRate(gammaK, lr) * t));
}

/** Time at which c reaches `level` (default 1/2): [ln(1/c0 - 1) - ln(1/level - 1)] / rate. */
export function stepTime(c0: number, gammaK: number, lr = 0, level = 0.5): number {
  return (Math.log(1 / c0 - 1) - Math.log(1 / level - 1)) / modeRate(gammaK, lr);
}

/** The predicted loss sum_j (1 - c_j(t))^2 of the top-d modes (modes beyond d stay ~0 and are not counted). */
export function stepLoss(c0: readonly number[], gammas: readonly number[], t: number, lr = 0): number {
  let s = 0;
  for (let j = 0; j < c0.length; j++) s += (1 - modeC(c0[j], gammas[j], t, lr)) ** 2;
  return s;
}

/**
 * Leakage bound for the subspace overlap: modes k > d grow like the top modes while C << I, by
 * e^{rate_k t / 2} in amplitude, until the last top mode saturates at tSat, and then freeze (the
 * minimum manifold C = I is flat along them). Their squared amplitude |W0 v_k|^2 e^{rate_k tSat},
 * weighted by gamma_1 / d (the largest inverse row norm of the top modes), bounds 1 - overlap
 * (numerically 0.14-0.25 of it; see the tests).
 */
export function leakageBound(w0: ArrayLike<number>, d: number, m: number, values: readonly number[], vectors: readonly ArrayLike<number>[], tSat: number, lr = 0): number {
  return (values[0] / d) * tailSum(w0, d, m, values, vectors, tSat, lr, () => 1);
}

/**
 * Total linear-phase value sum_{k>d} gamma_k |W0 v_k|^2 e^{rate_k t} of the tail modes (k > d) at
 * time t: what they have grown to while C << I on their directions. The loss sum_j (1 - c_j)^2
 * counts them too, so on a plateau they lower it by about twice this.
 */
export function tailValue(w0: ArrayLike<number>, d: number, m: number, values: readonly number[], vectors: readonly ArrayLike<number>[], t: number, lr = 0): number {
  return tailSum(w0, d, m, values, vectors, t, lr, (g) => g);
}

/** sum_{k>d, gamma_k > 0} weight(gamma_k) |W0 v_k|^2 e^{rate_k t}: the tail modes' linear-phase growth. */
function tailSum(w0: ArrayLike<number>, d: number, m: number, values: readonly number[], vectors: readonly ArrayLike<number>[], t: number, lr: number, weight: (gamma: number) => number): number {
  let s = 0;
  for (let k = d; k < values.length; k++) {
    if (values[k] <= 0) continue;
    const a = modeAmplitude(w0, d, m, vectors[k]);
    let nn = 0;
    for (let i = 0; i < d; i++) nn += a[i] * a[i];
    s += weight(values[k]) * nn * Math.exp(modeRate(values[k], lr) * t);
  }
  return s;
}

/**
 * Subspace overlap (1/d) |P_W V_d|_F^2 between the row space of W (d x m, row-major, rank d) and
 * the span of the top-d eigenvectors: 1 when the embedding has learned exactly the top-d modes.
 */
export function subspaceOverlap(w: ArrayLike<number>, d: number, m: number, vectors: readonly ArrayLike<number>[]): number {
  // orthonormalise W's rows (modified Gram-Schmidt), then sum squared projections of v_1..v_d.
  const q: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    const r = Float64Array.from({ length: m }, (_, j) => w[i * m + j]);
    const norm = Math.sqrt(orthogonalise(r, q));
    q.push(r.map((x) => x / norm));
  }
  let s = 0;
  for (let k = 0; k < d; k++) {
    for (const b of q) {
      let p = 0;
      for (let j = 0; j < m; j++) p += b[j] * vectors[k][j];
      s += p * p;
    }
  }
  return s / d;
}

/** C = W Gamma W^T (d x d, row-major) of row-major W (d x m) and Gamma (m x m). */
export function embeddingCorrelation(w: ArrayLike<number>, gamma: ArrayLike<number>, d: number, m: number): Float64Array {
  const wg = new Float64Array(d * m);
  for (let i = 0; i < d; i++) for (let k = 0; k < m; k++) { let s = 0; for (let j = 0; j < m; j++) s += w[i * m + j] * gamma[j * m + k]; wg[i * m + k] = s; }
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) { let s = 0; for (let k = 0; k < m; k++) s += wg[i * m + k] * w[l * m + k]; c[i * d + l] = s; }
  return c;
}

/** |C - I|_F of C = W Gamma W^T: sqrt of the Barlow Twins loss. */
export function identityGap(w: ArrayLike<number>, gamma: ArrayLike<number>, d: number, m: number): number {
  const c = embeddingCorrelation(w, gamma, d, m);
  let s = 0;
  for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) s += (c[i * d + l] - (i === l ? 1 : 0)) ** 2;
  return Math.sqrt(s);
}
