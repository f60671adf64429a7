import { Tensor } from "../tensor/tensor.js";
import { type Tree, treeToVector, vectorToTree } from "../tree.js";
import { eigh } from "../linalg/index.js";
import { hvp } from "../autodiff/transforms.js";
import { Rng } from "../tensor/rng.js";
import { type Probe, probe } from "./probe.js";

export interface LanczosOptions {
  /** Number of eigenvalues returned (largest first). Default 3. */
  k?: number;
  /** Lanczos iterations (Hessian-vector products), at least k; capped at the parameter count. Default 20. */
  iters?: number;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
}

/**
 * The top-k (algebraically largest) eigenvalues of the Hessian of `loss` at `params`, by Lanczos
 * iteration on Hessian-vector products (reverse-over-reverse `hvp`; no Hessian is formed), with
 * full reorthogonalisation (Golub & Van Loan, Matrix Computations, 10.1). With iters equal to
 * the parameter count the result is exact up to round-off; fewer iterations resolve the extremes
 * of the spectrum first. Returns eigenvalues descending (units of the loss per parameter^2).
 */
export function hessianTopEigenvalues<P extends Tree>(loss: (p: P) => Tensor, params: P, opts: LanczosOptions = {}): number[] {
  const { k = 3, iters = 20, seed = 0 } = opts;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`hessianTopEigenvalues k must be a positive integer, got ${k}`);
  if (!(Number.isInteger(iters) && iters >= k)) throw new RangeError(`hessianTopEigenvalues iters must be an integer >= k = ${k}, got ${iters}`);
  const n = treeToVector(params).length;
  const m = Math.min(iters, n);
  const rng = Rng.seed(seed);
  const qs: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  let q = new Float64Array(n);
  rng.fillNormal(q);
  const q0n = Math.sqrt(dot(q, q));
  for (let i = 0; i < n; i++) q[i] /= q0n;
  for (let j = 0; j < m; j++) {
    qs.push(q);
    const w = treeToVector(hvp(loss, params, vectorToTree(q, params))); // H q_j
    alpha.push(dot(w, q));
    // Full reorthogonalisation (twice is enough; Parlett's "twice is enough").
    for (let pass = 0; pass < 2; pass++) {
      for (const prev of qs) {
        const c = dot(w, prev);
        for (let i = 0; i < n; i++) w[i] -= c * prev[i];
      }
    }
    const b = Math.sqrt(dot(w, w));
    if (j === m - 1 || b <= 1e-12 * Math.max(1, Math.abs(alpha[j]))) break; // invariant subspace found
    beta.push(b);
    q = w.map((x) => x / b);
  }
  const t = alpha.length;
  const tri = new Float64Array(t * t); // the Lanczos tridiagonal T = Q^T H Q
  for (let i = 0; i < t; i++) {
    tri[i * t + i] = alpha[i];
    if (i + 1 < t) tri[i * t + i + 1] = tri[(i + 1) * t + i] = beta[i];
  }
  const w = Array.from(eigh(new Tensor(tri, [t, t])).values.data).sort((x, y) => y - x);
  return w.slice(0, k);
}

/**
 * Probe form of hessianTopEigenvalues on a fixed loss (e.g. the full training set). Keys
 * "lambda0" >= "lambda1" >= ... Expensive (iters Hessian-vector products): give it a sparse
 * schedule, e.g. withSchedule(hessianProbe(loss), { logSpaced: 10 }).
 */
export function hessianProbe<P extends Tree>(loss: (p: P) => Tensor, opts: LanczosOptions = {}): Probe<P> {
  return probe("hessian", ({ params }) => {
    const w = hessianTopEigenvalues(loss, params, opts);
    return Object.fromEntries(w.map((v, i) => [`lambda${i}`, v]));
  });
}
