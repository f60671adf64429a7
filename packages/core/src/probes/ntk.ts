import { Tensor, zeros } from "../tensor/tensor.js";
import { type Tree, treeToVector } from "../tree.js";
import { vjp } from "../autodiff/transforms.js";
import { slice } from "../ops/movement.js";
import { type Probe, probe } from "./probe.js";

/**
 * Per-example Jacobians J_i = d f(x_i) / d theta of a model on the rows of x (n, ...): one forward
 * pass per example and one pullback (vjp) per output. Returns n arrays of shape (k, P) row-major
 * (k outputs per example, P parameters), as plain Float64Arrays, and k.
 */
export function perExampleJacobians<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, params: P, x: Tensor): { jac: Float64Array[]; outputs: number; numParams: number } {
  const n = x.shape[0];
  if (!(n >= 1)) throw new RangeError(`perExampleJacobians: x needs at least one row, got shape [${x.shape.join(", ")}]`);
  const jac: Float64Array[] = [];
  let outputs = 0;
  let numParams = 0;
  for (let i = 0; i < n; i++) {
    const xi = slice(x, [[i, i + 1]]); // (1, ...)
    const { out, pullback } = vjp((p: P) => apply(p, xi), params);
    outputs = out.size;
    const rows: Float64Array[] = [];
    for (let a = 0; a < outputs; a++) {
      const e = zeros(out.shape, out.dtype);
      e.data[a] = 1;
      rows.push(treeToVector(pullback(e)));
    }
    numParams = rows[0]?.length ?? 0;
    const j = new Float64Array(outputs * numParams);
    rows.forEach((r, a) => j.set(r, a * numParams));
    jac.push(j);
  }
  return { jac, outputs, numParams };
}

/**
 * Empirical neural tangent kernel (Jacot, Gabriel & Hongler, arXiv 1806.07572) from per-example
 * Jacobians: K[(i,a),(j,b)] = <d f_a(x_i)/d theta, d f_b(x_j)/d theta>. mode "trace" (default)
 * sums over outputs a = b and returns (n, n); mode "full" returns (n k, n k) ordered (i, a).
 * For a scalar model both agree.
 */
export function empiricalNtk<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, params: P, x: Tensor, mode: "trace" | "full" = "trace"): Tensor {
  const { jac, outputs: k, numParams } = perExampleJacobians(apply, params, x);
  const n = jac.length;
  const dot = (a: Float64Array, ao: number, b: Float64Array, bo: number) => {
    let s = 0;
    for (let q = 0; q < numParams; q++) s += a[ao + q] * b[bo + q];
    return s;
  };
  if (mode === "full") {
    const N = n * k;
    const out = new Float64Array(N * N);
    for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) {
      for (let j = i; j < n; j++) for (let b = 0; b < k; b++) {
        const r = i * k + a;
        const c = j * k + b;
        if (c < r) continue;
        out[r * N + c] = out[c * N + r] = dot(jac[i], a * numParams, jac[j], b * numParams);
      }
    }
    return new Tensor(out, [N, N]);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += dot(jac[i], a * numParams, jac[j], a * numParams);
    out[i * n + j] = out[j * n + i] = s;
  }
  return new Tensor(out, [n, n]);
}

/**
 * Kernel distance S(K1, K2) = 1 - <K1, K2>_F / (|K1|_F |K2|_F) (Fort et al., arXiv 2010.15110):
 * 0 for proportional kernels, up to 1 for orthogonal ones; invariant to the kernels' scales.
 */
export function kernelDistance(k1: Tensor, k2: Tensor): number {
  if (k1.size !== k2.size) throw new RangeError(`kernelDistance: kernels have ${k1.size} and ${k2.size} entries`);
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
 * Tracks the empirical NTK on fixed probe inputs x: "distance" S(K_0, K_t) from the first
 * measured kernel (lazy training keeps it near 0; feature learning moves it), "velocity"
 * S(K_prev, K_t) / (t - t_prev), the kernel distance per unit gradient-flow time between
 * consecutive measurements (Fort et al., arXiv 2010.15110), and "trace" (tr K_t). Costs n
 * forward passes and n k pullbacks per measurement: use a few dozen inputs and a sparse schedule.
 */
export function ntkProbe<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, x: Tensor, name = "ntk"): Probe<P> {
  let k0: Tensor | null = null;
  let prev: { k: Tensor; t: number } | null = null;
  return probe(name, ({ params, t }) => {
    const k = empiricalNtk(apply, params, x);
    if (k0 === null) k0 = k;
    const n = k.shape[0];
    let tr = 0;
    for (let i = 0; i < n; i++) tr += k.data[i * n + i];
    const out: Record<string, number> = { distance: kernelDistance(k0, k), trace: tr };
    if (prev !== null && t > prev.t) out.velocity = kernelDistance(prev.k, k) / (t - prev.t);
    prev = { k, t };
    return out;
  });
}
