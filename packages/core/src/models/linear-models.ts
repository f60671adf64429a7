import type { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { full } from "../tensor/tensor.js";
import { mul, sub } from "../ops/elementwise.js";
import { matmul, mm } from "../ops/matmul.js";
import { eigh, qr } from "../linalg/index.js";
import { Tensor as T } from "../tensor/tensor.js";
import type { Model } from "./mlp.js";

/**
 * Diagonal linear network f(x) = x . beta with beta = u*u - v*v ("uu-vv") or beta = u*v ("uv"),
 * initialised at u = v = alpha (so beta(0) = 0 for uu-vv and alpha^2 for uv). From small alpha it
 * learns coordinates one at a time (Pesme & Flammarion 2023; AGF arXiv 2506.06489).
 */
export function diagonalLinear(cfg: { d: number; alpha: number; form?: "uu-vv" | "uv" }): Model<{ u: Tensor; v: Tensor }> & { beta(p: { u: Tensor; v: Tensor }): Tensor } {
  const form = cfg.form ?? "uu-vv";
  const beta = (p: { u: Tensor; v: Tensor }) => (form === "uu-vv" ? sub(mul(p.u, p.u), mul(p.v, p.v)) : mul(p.u, p.v));
  return {
    init: () => ({ u: full([cfg.d], cfg.alpha), v: full([cfg.d], cfg.alpha) }),
    apply: (p, x) => matmul(x, beta(p)),
    beta,
  };
}

/**
 * Two-layer linear network y = x W1 W2 with W1 (d, h), W2 (h, k), initialised lambda-balanced:
 * W2 W2^T - W1^T W1 = lambda I_h exactly (the conserved quantity of gradient flow; Domine et
 * al., arXiv 2409.14623, written there as W2^T W2 - W1 W1^T = lambda I in column convention).
 * Construction: W1 ~ N(0, scale^2); M = lambda I + W1^T W1 = V diag(mu) V^T; W2 = V diag(sqrt mu) E
 * with E (h, k) having orthonormal rows (needs k >= h and mu >= 0, i.e. lambda >= -sigma_min(W1)^2).
 */
export function lambdaBalancedInit(rng: Rng, cfg: { d: number; h: number; k: number; lambda: number; scale: number }): { w1: Tensor; w2: Tensor } {
  const { d, h, k, lambda, scale } = cfg;
  if (k < h) throw new RangeError(`lambda-balanced init needs output width k >= hidden width h (got k=${k}, h=${h})`);
  const w1 = normal(rng, [d, h], { std: scale });
  const m = mm(w1, w1, true, false).data.slice() as Float64Array; // (h, h)
  for (let i = 0; i < h; i++) m[i * h + i] += lambda;
  const { values, vectors } = eigh(new T(m, [h, h]));
  if (values.data[0] < -1e-12) throw new RangeError(`lambda = ${lambda} is below -sigma_min(W1)^2 = ${lambda - values.data[0]}; choose a larger lambda or a larger init scale`);
  const { q: e } = qr(normal(rng, [k, k])); // a random orthogonal (k, k); E = its first h columns, transposed
  const w2 = new Float64Array(h * k);
  for (let i = 0; i < h; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let c = 0; c < h; c++) s += vectors.data[i * h + c] * Math.sqrt(Math.max(values.data[c], 0)) * e.data[j * k + c];
    w2[i * k + j] = s;
  }
  return { w1, w2: new T(w2, [h, k]) };
}

/**
 * Two-layer network f(x) = sum_i a_i phi(x . w_i) initialised with a chosen per-neuron conserved
 * quantity delta = a_i^2 - |w_i|^2 (Kunin et al., "Get rich quick", arXiv 2406.06158): w_i ~
 * N(0, scale^2 I_d / d) and a_i = s_i sqrt(delta + |w_i|^2) with random signs s_i. Requires
 * delta + |w_i|^2 >= 0.
 */
export function unbalancedTwoLayerInit(rng: Rng, cfg: { d: number; h: number; delta: number; scale: number }): { w: Tensor; a: Tensor } {
  const { d, h, delta, scale } = cfg;
  const w = normal(rng, [d, h], { std: scale / Math.sqrt(d) });
  const a = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let n2 = 0;
    for (let r = 0; r < d; r++) n2 += w.data[r * h + i] ** 2;
    const v = delta + n2;
    if (v < 0) throw new RangeError(`delta = ${delta} makes a_${i}^2 = ${v} negative; use delta >= -|w_i|^2 or a larger scale`);
    a[i] = (rng.nextFloat() < 0.5 ? -1 : 1) * Math.sqrt(v);
  }
  return { w, a: new T(a, [h]) };
}
