import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { treeToVector, vectorToTree } from "../tree.js";
import { svd, eigh } from "../linalg/index.js";
import { hvp } from "../autodiff/transforms.js";
import { Rng } from "../tensor/rng.js";
import { type Probe, probe } from "./probe.js";

/**
 * Effective rank exp(H(p)) with p_i = s_i / sum s (Roy & Vetterli 2007) of singular values s.
 */
export function effectiveRank(s: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i] / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** Top-k singular values and the effective rank of the matrices `get` picks. */
export function singularValues<P extends Tree>(get: (p: P) => Record<string, Tensor>, k = 5): Probe<P> {
  return probe("svd", ({ params }) => {
    const out: Record<string, number> = {};
    for (const [name, w] of Object.entries(get(params))) {
      const m = w.rank === 2 ? w : new Tensor(w.data, [w.size, 1]);
      const { s } = svd(m);
      for (let i = 0; i < Math.min(k, s.size); i++) out[`${name}.s${i}`] = s.data[i];
      out[`${name}.erank`] = effectiveRank(s.data);
    }
    return out;
  });
}

/**
 * Top eigenvalues of the Hessian of `loss` at `params` by Lanczos iteration on Hessian-vector
 * products (full reorthogonalisation; `iters` >= k). Returns eigenvalues descending.
 */
export function hessianTopEigenvalues<P extends Tree>(loss: (p: P) => Tensor, params: P, k = 3, iters = 20, seed = 0): number[] {
  const n = treeToVector(params).length;
  const m = Math.min(iters, n);
  const rng = Rng.seed(seed);
  const qs: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(n);
  rng.fillNormal(q);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  let nq = norm(q);
  q = q.map((x) => x / nq);
  for (let j = 0; j < m; j++) {
    qs.push(q);
    const hv = treeToVector(hvp(loss, params, vectorToTree(q, params)));
    const a = hv.reduce((s, x, i) => s + x * q[i], 0);
    alpha.push(a);
    for (const prev of qs) {
      const c = hv.reduce((s, x, i) => s + x * prev[i], 0);
      for (let i = 0; i < n; i++) hv[i] -= c * prev[i];
    }
    const b = norm(hv);
    if (j === m - 1 || b < 1e-12) break;
    beta.push(b);
    q = hv.map((x) => x / b);
    nq = b;
  }
  const t = alpha.length;
  const tri = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    tri[i * t + i] = alpha[i];
    if (i + 1 < t) tri[i * t + i + 1] = tri[(i + 1) * t + i] = beta[i];
  }
  const w = Array.from(eigh(new Tensor(tri, [t, t])).values.data).sort((x, y) => y - x);
  return w.slice(0, k);
}

/** Probe form of hessianTopEigenvalues. */
export function hessianProbe<P extends Tree>(loss: (p: P) => Tensor, k = 3, iters = 20): Probe<P> {
  return probe("hessian", ({ params }) => {
    const w = hessianTopEigenvalues(loss, params, k, iters);
    return Object.fromEntries(w.map((v, i) => [`lambda${i}`, v]));
  });
}
