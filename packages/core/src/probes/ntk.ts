import { Tensor } from "../tensor/tensor.js";
import { type Tree, treeToVector } from "../tree.js";
import { grad } from "../autodiff/transforms.js";
import { slice } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { type Probe, probe } from "./probe.js";

/**
 * Empirical neural tangent kernel K_ij = <d f(x_i)/d theta, d f(x_j)/d theta> of a scalar-output
 * model on the rows of x (n, d), from per-example gradients (Jacot et al., arXiv 1806.07572).
 * Returns the (n, n) Gram matrix.
 */
export function empiricalNtk<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, params: P, x: Tensor): Tensor {
  const n = x.shape[0];
  const jac: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const xi = slice(x, [[i, i + 1]]);
    jac.push(treeToVector(grad((p: P) => sum(apply(p, xi)))(params)));
  }
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let s = 0;
    const a = jac[i];
    const b = jac[j];
    for (let q = 0; q < a.length; q++) s += a[q] * b[q];
    k[i * n + j] = k[j * n + i] = s;
  }
  return new Tensor(k, [n, n]);
}

/** Kernel distance S(K1, K2) = 1 - <K1, K2>_F / (|K1|_F |K2|_F) (Fort et al., arXiv 2010.15110). */
export function kernelDistance(k1: Tensor, k2: Tensor): number {
  let dot = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < k1.size; i++) {
    dot += k1.data[i] * k2.data[i];
    n1 += k1.data[i] ** 2;
    n2 += k2.data[i] ** 2;
  }
  return 1 - dot / Math.sqrt(n1 * n2);
}

/**
 * Tracks the empirical NTK on probe inputs: distance from the initial kernel and kernel velocity
 * (distance between consecutive measurements divided by the time between them).
 */
export function ntkProbe<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, x: Tensor): Probe<P> {
  let k0: Tensor | null = null;
  let prev: { k: Tensor; t: number } | null = null;
  return probe("ntk", ({ params, t }) => {
    const k = empiricalNtk(apply, params, x);
    if (k0 === null) k0 = k;
    const out: Record<string, number> = { distance: kernelDistance(k0, k) };
    let tr = 0;
    for (let i = 0; i < x.shape[0]; i++) tr += k.data[i * x.shape[0] + i];
    out.trace = tr;
    if (prev !== null && t > prev.t) out.velocity = kernelDistance(prev.k, k) / (t - prev.t);
    prev = { k, t };
    return out;
  });
}
