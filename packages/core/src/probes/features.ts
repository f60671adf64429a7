import { Tensor, zeros } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { vjp } from "../autodiff/transforms.js";
import { gram } from "./conserved.js";
import { type Probe, probe } from "./probe.js";

/**
 * The feature matrix of a first layer, (d_in, d_in): W^T W for W stored (h, d_in) (layout
 * "column", f = W x) and W W^T for W stored (d_in, h) (layout "row", f = x W, Saddle's matmul
 * order). Its top eigenvectors are the input directions the layer has learned.
 */
export function featureMatrix(w: Tensor, layout: "row" | "column" = "row"): Tensor {
  if (w.rank !== 2) throw new RangeError(`featureMatrix: expected a matrix, got shape [${w.shape.join(", ")}]`);
  const d = layout === "row" ? w.shape[0] : w.shape[1];
  return new Tensor(gram(w, layout === "row" ? "rows" : "cols"), [d, d]);
}

/**
 * Average gradient outer product over the rows of x (n, d):
 * AGOP = (1/n) sum_i sum_a grad_x f_a(x_i) grad_x f_a(x_i)^T, (d, d) (Radhakrishnan et al.,
 * arXiv 2212.13881). Computed with one pullback per output on the whole batch (the gradient of
 * sum_i f_a(x_i) with respect to x has rows grad_x f_a(x_i)), so the model must treat examples
 * independently (no batch statistics, no attention across the batch).
 */
export function agop<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, params: P, x: Tensor): Tensor {
  if (x.rank !== 2) throw new RangeError(`agop: x must be (n, d), got shape [${x.shape.join(", ")}]`);
  const [n, d] = x.shape;
  const { out, pullback } = vjp((xi: Tensor) => apply(params, xi), x);
  if (out.size % n !== 0 || out.shape[0] !== n) throw new RangeError(`agop: the model's output [${out.shape.join(", ")}] must have one row per input (n = ${n})`);
  const k = out.size / n;
  const res = new Float64Array(d * d);
  for (let a = 0; a < k; a++) {
    const e = zeros(out.shape, out.dtype);
    for (let i = 0; i < n; i++) e.data[i * k + a] = 1;
    const g = pullback(e).data; // (n, d): row i = grad_x f_a(x_i)
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < d; p++) {
        const gp = g[i * d + p] / n;
        if (gp === 0) continue;
        for (let q = 0; q < d; q++) res[p * d + q] += gp * g[i * d + q];
      }
    }
  }
  return new Tensor(res, [d, d]);
}

/** Cosine similarity <A, B>_F / (|A|_F |B|_F) of two matrices of the same size. */
export function matrixCosine(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) throw new RangeError(`matrixCosine: sizes ${a.size} and ${b.size} differ`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.size; i++) {
    ab += a.data[i] * b.data[i];
    aa += a.data[i] ** 2;
    bb += b.data[i] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The neural feature ansatz check (Radhakrishnan et al., arXiv 2212.13881): the first layer's
 * feature matrix (featureMatrix) against the model's AGOP on inputs x. Keys "alignment" (matrix
 * cosine similarity, 1 when proportional), "featureTrace" (tr W^T W = |W|_F^2) and "agopTrace".
 */
export function featureProbe<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, x: Tensor, firstLayer: (p: P) => Tensor, { layout = "row", name = "features" }: { layout?: "row" | "column"; name?: string } = {}): Probe<P> {
  return probe(name, ({ params }) => {
    const f = featureMatrix(firstLayer(params), layout);
    const g = agop(apply, params, x);
    const d = f.shape[0];
    if (g.shape[0] !== d) throw new RangeError(`featureProbe: feature matrix is (${d}, ${d}) but the AGOP is (${g.shape[0]}, ${g.shape[0]}); check the layout`);
    let tf = 0;
    let tg = 0;
    for (let i = 0; i < d; i++) {
      tf += f.data[i * d + i];
      tg += g.data[i * d + i];
    }
    return { alignment: matrixCosine(f, g), featureTrace: tf, agopTrace: tg };
  });
}
