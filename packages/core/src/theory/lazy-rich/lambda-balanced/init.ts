import { Tensor } from "../../../tensor/tensor.js";
import { svd } from "../../../linalg/index.js";

/**
 * lambda-balanced weights with a prescribed product, by the SVD construction of Domine et al.,
 * "From Lazy to Rich: Exact Learning Dynamics in Deep Linear Networks" (arXiv 2409.14623;
 * `utils.py::get_lambda_balanced` of the thesis code Nico31415/LinearNetworkDynamics).
 *
 * Saddle's row convention y = x W1 W2, W1 (d, h), W2 (h, k) (the paper's column-convention
 * W1^T, W2^T). For a product beta = U diag(s) V^T (thin SVD, h = min(d, k) modes) and an
 * orthogonal R (h, h):
 *   W1 = U diag(sqrt((sqrt(lambda^2 + 4 s^2) - lambda) / 2)) R^T,
 *   W2 = R diag(sqrt((sqrt(lambda^2 + 4 s^2) + lambda) / 2)) V^T,
 * so W1 W2 = beta and W2 W2^T - W1^T W1 = lambda I_h exactly (the paper's W2^T W2 - W1 W1^T = lambda I).
 * Unlike `lambdaBalancedInit` in models/init.ts (which starts from a Gaussian W1 and needs
 * lambda >= -sigma_min(W1)^2), any lambda works and the product, hence the network function at
 * init, is the same for every lambda: the lazy-to-rich sweep changes only lambda.
 */
export function lambdaBalancedFromProduct(beta: Tensor, lambda: number, rotation: Tensor): { w1: Tensor; w2: Tensor } {
  if (beta.rank !== 2) throw new RangeError(`lambdaBalancedFromProduct: beta must be (d, k), got [${beta.shape.join(", ")}]`);
  if (!Number.isFinite(lambda)) throw new RangeError(`lambdaBalancedFromProduct: lambda must be finite, got ${lambda}`);
  const [d, k] = beta.shape;
  const h = Math.min(d, k);
  if (rotation.rank !== 2 || rotation.shape[0] !== h || rotation.shape[1] !== h) throw new RangeError(`lambdaBalancedFromProduct: rotation must be (${h}, ${h}), got [${rotation.shape.join(", ")}]`);
  const { u, s, vt } = svd(beta); // u (d, h), s (h), vt (h, k)
  const r = rotation.data;
  const m1 = new Float64Array(h);
  const m2 = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    const root = Math.sqrt(lambda * lambda + 4 * s.data[i] * s.data[i]);
    // (root -+ lambda)/2 without cancellation: the small one is s^2 / (the large one).
    const big = (root + Math.abs(lambda)) / 2;
    const small = big > 0 ? (s.data[i] * s.data[i]) / big : 0;
    m1[i] = Math.sqrt(lambda >= 0 ? small : big);
    m2[i] = Math.sqrt(lambda >= 0 ? big : small);
  }
  const w1 = new Float64Array(d * h); // U diag(m1) R^T
  for (let a = 0; a < d; a++) for (let j = 0; j < h; j++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += u.data[a * h + c] * m1[c] * r[j * h + c];
    w1[a * h + j] = acc;
  }
  const w2 = new Float64Array(h * k); // R diag(m2) V^T
  for (let j = 0; j < h; j++) for (let b = 0; b < k; b++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += r[j * h + c] * m2[c] * vt.data[c * k + b];
    w2[j * k + b] = acc;
  }
  return { w1: new Tensor(w1, [d, h]), w2: new Tensor(w2, [h, k]) };
}

/** The balance matrix W2 W2^T - W1^T W1 (h, h) of the row-convention network (lambda I_h when lambda-balanced). */
export function balanceMatrix(w1: Tensor, w2: Tensor): Float64Array {
  const [d, h] = w1.shape;
  const k = w2.shape[1];
  const out = new Float64Array(h * h);
  for (let i = 0; i < h; i++) for (let j = 0; j < h; j++) {
    let acc = 0;
    for (let b = 0; b < k; b++) acc += w2.data[i * k + b] * w2.data[j * k + b];
    for (let a = 0; a < d; a++) acc -= w1.data[a * h + i] * w1.data[a * h + j];
    out[i * h + j] = acc;
  }
  return out;
}
