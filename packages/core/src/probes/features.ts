import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { grad } from "../autodiff/transforms.js";
import { slice } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { fft } from "../linalg/index.js";

/** The feature matrix W^T W of a first-layer weight W (d_in, h) stored as (d_in, h): returns (d_in, d_in) W W^T. */
export function featureMatrix(w: Tensor): Tensor {
  const [d, h] = w.shape;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
    let s = 0;
    for (let k = 0; k < h; k++) s += w.data[i * h + k] * w.data[j * h + k];
    out[i * d + j] = out[j * d + i] = s;
  }
  return new Tensor(out, [d, d]);
}

/**
 * Average gradient outer product AGOP = (1/n) sum_i grad_x f(x_i) grad_x f(x_i)^T of a scalar
 * model over the rows of x (Radhakrishnan et al., recursive feature machines). Returns (d, d).
 */
export function agop<P extends Tree>(apply: (params: P, x: Tensor) => Tensor, params: P, x: Tensor): Tensor {
  const [n, d] = x.shape;
  const out = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const g = grad((xi: Tensor) => sum(apply(params, xi)))(slice(x, [[i, i + 1]])).data;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += (g[a] * g[b]) / n;
  }
  return new Tensor(out, [d, d]);
}

/**
 * Fourier power of a weight's rows over Z_p: the input dimension of w (p, h) is indexed by the
 * residues 0..p-1; returns power[k] = sum over columns of |DFT_k|^2 / p for k = 0..floor(p/2),
 * folding k and p - k together (real signals).
 */
export function fourierPowerZp(w: Tensor): Float64Array {
  const [p, h] = w.shape;
  const cols = new Float64Array(h * p);
  for (let c = 0; c < h; c++) for (let r = 0; r < p; r++) cols[c * p + r] = w.data[r * h + c];
  const { re, im } = fft(new Tensor(cols, [h, p]));
  const power = new Float64Array(Math.floor(p / 2) + 1);
  for (let c = 0; c < h; c++) for (let k = 0; k < p; k++) {
    const f = Math.min(k, p - k);
    power[f] += (re.data[c * p + k] ** 2 + im.data[c * p + k] ** 2) / p;
  }
  return power;
}
