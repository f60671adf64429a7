import type { Rng } from "../../../tensor/rng.js";

/**
 * A bias-free deep ReLU MLP f_theta(x) = W_L relu(... relu(W_1 x)) on a flat Float64 parameter
 * vector theta (Bantzis, Simon & Jacot, arXiv 2505.21722). `dims` = [d, h_1, ..., h_{L-1}, k]:
 * layer l (1-based) is W_l of shape [dims[l], dims[l-1]], row-major, the layers concatenated in
 * order. f is positively L-homogeneous in theta and 1-homogeneous in each layer.
 *
 * These are hand-written loops (forward and backprop) so that the tens of thousands of gradient
 * steps of an escape fit a CPU budget; packages/core/test/saddle-escape.test.ts checks the gradient
 * against core autodiff of the same network.
 */
export interface MlpShape {
  dims: readonly number[];
  /** Offset of layer l (0-based) in theta. */
  offsets: number[];
  /** Total parameter count. */
  size: number;
}

export function mlpShape(dims: readonly number[]): MlpShape {
  if (dims.length < 2) throw new RangeError("an MLP needs at least input and output widths");
  const offsets: number[] = [];
  let size = 0;
  for (let l = 1; l < dims.length; l++) {
    offsets.push(size);
    size += dims[l] * dims[l - 1];
  }
  return { dims: [...dims], offsets, size };
}

/** Depth L (number of weight matrices). */
export const depthOf = (shape: MlpShape): number => shape.dims.length - 1;

/**
 * Forward pass and backprop of a cotangent on the outputs. `x` is [n, d] row-major, `cot(out)`
 * fills the cotangent [n, k] from the outputs [n, k] and returns a scalar (the objective); the
 * gradient of sum(cot * f) with respect to theta is written into `grad`. relu'(0) = 0 (Euler's
 * identity <theta_l, grad_l> = <cot, f> holds for any choice, since relu(z) = relu'(z) z).
 */
export function mlpBackprop(shape: MlpShape, theta: Float64Array, x: Float64Array, n: number, cot: (out: Float64Array, c: Float64Array) => number, grad: Float64Array | null): number {
  const dims = shape.dims;
  const L = dims.length - 1;
  const acts: Float64Array[] = [x]; // post-activations a_0 = x, a_l = relu(z_l) for l < L, a_L = z_L
  for (let l = 1; l <= L; l++) {
    const din = dims[l - 1];
    const dout = dims[l];
    const w = shape.offsets[l - 1];
    const a = acts[l - 1];
    const z = new Float64Array(n * dout);
    for (let i = 0; i < n; i++) {
      const ai = i * din;
      const zi = i * dout;
      for (let o = 0; o < dout; o++) {
        let acc = 0;
        const wo = w + o * din;
        for (let j = 0; j < din; j++) acc += theta[wo + j] * a[ai + j];
        z[zi + o] = l < L && acc < 0 ? 0 : acc;
      }
    }
    acts.push(z);
  }
  const out = acts[L];
  const c = new Float64Array(out.length);
  const value = cot(out, c);
  if (!grad) return value;
  let delta = c; // cotangent of z_l (masked by relu' below for hidden layers)
  for (let l = L; l >= 1; l--) {
    const din = dims[l - 1];
    const dout = dims[l];
    const w = shape.offsets[l - 1];
    const a = acts[l - 1];
    for (let k = 0; k < dout * din; k++) grad[w + k] = 0;
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < dout; o++) {
        const dv = delta[i * dout + o];
        if (dv === 0) continue;
        const wo = w + o * din;
        const ai = i * din;
        for (let j = 0; j < din; j++) grad[wo + j] += dv * a[ai + j];
      }
    }
    if (l === 1) break;
    const prev = new Float64Array(n * din);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < dout; o++) {
        const dv = delta[i * dout + o];
        if (dv === 0) continue;
        const wo = w + o * din;
        const pi = i * din;
        for (let j = 0; j < din; j++) prev[pi + j] += dv * theta[wo + j];
      }
      for (let j = 0; j < din; j++) if (!(a[i * din + j] > 0)) prev[i * din + j] = 0; // relu'(z) = 1[z > 0]
    }
    delta = prev;
  }
  return value;
}

/** Network outputs [n, k]. */
export function mlpForward(shape: MlpShape, theta: Float64Array, x: Float64Array, n: number): Float64Array {
  let res = new Float64Array(0);
  mlpBackprop(shape, theta, x, n, (out) => ((res = out.slice()), 0), null);
  return res;
}

/**
 * Escape speed s(theta) = -<grad_f C(0), f_theta(X)> = (1/N) sum_i y_i . f_theta(x_i) for the MSE
 * C = (1/2N) sum_i |f(x_i) - y_i|^2 (arXiv 2505.21722; near the origin C(rho u) = C(0) - rho^L s(u)
 * + O(rho^{2L})). Writes its gradient into `grad` when given.
 */
export function escapeSpeed(shape: MlpShape, theta: Float64Array, x: Float64Array, y: Float64Array, n: number, grad: Float64Array | null = null): number {
  return mlpBackprop(shape, theta, x, n, (out, c) => {
    let s = 0;
    for (let k = 0; k < out.length; k++) {
      c[k] = y[k] / n;
      s += y[k] * out[k];
    }
    return s / n;
  }, grad);
}

/** MSE C(theta) = (1/2N) sum_i |f(x_i) - y_i|^2 and its gradient (into `grad` when given). */
export function mseLoss(shape: MlpShape, theta: Float64Array, x: Float64Array, y: Float64Array, n: number, grad: Float64Array | null = null): number {
  return mlpBackprop(shape, theta, x, n, (out, c) => {
    let l = 0;
    for (let k = 0; k < out.length; k++) {
      const r = out[k] - y[k];
      c[k] = r / n;
      l += r * r;
    }
    return l / (2 * n);
  }, grad);
}

export const norm2 = (v: Float64Array): number => {
  let a = 0;
  for (let i = 0; i < v.length; i++) a += v[i] * v[i];
  return Math.sqrt(a);
};

/** A random direction on the unit sphere of theta (i.i.d. Gaussian, normalised). */
export function randomDirection(shape: MlpShape, rng: Rng): Float64Array {
  const v = new Float64Array(shape.size);
  for (let i = 0; i < v.length; i++) v[i] = rng.nextNormal();
  const r = norm2(v);
  for (let i = 0; i < v.length; i++) v[i] /= r;
  return v;
}

/** The weight matrix W_l (l 1-based) of theta as a row-major copy, shape [dims[l], dims[l-1]]. */
export function layer(shape: MlpShape, theta: Float64Array, l: number): Float64Array {
  const o = shape.offsets[l - 1];
  return theta.slice(o, o + shape.dims[l] * shape.dims[l - 1]);
}

/** Squared Frobenius norms |W_l|_F^2, l = 1..L. */
export function layerSquaredNorms(shape: MlpShape, theta: Float64Array): number[] {
  const out: number[] = [];
  for (let l = 1; l < shape.dims.length; l++) {
    const w = layer(shape, theta, l);
    let a = 0;
    for (let i = 0; i < w.length; i++) a += w[i] * w[i];
    out.push(a);
  }
  return out;
}
