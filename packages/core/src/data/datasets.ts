import { Tensor, zeros } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { matmul, mm } from "../ops/matmul.js";
import { add, mul } from "../ops/elementwise.js";
import { oneHot, take } from "../ops/movement.js";
import { cholesky } from "../linalg/index.js";
import { activation } from "../models/activations.js";

/** A supervised dataset: inputs (n, d), targets (n, k), optional integer labels, metadata. */
export interface Dataset {
  x: Tensor;
  y: Tensor;
  labels?: Int32Array;
  meta: Record<string, unknown>;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/** Power-law spectrum lambda_i = i^(-alpha), i = 1..d, normalised to sum to 1 (kernel/scaling-law convention). */
export function powerLawSpectrum(d: number, alpha: number): Float64Array {
  positiveInt("d", d);
  const s = Float64Array.from({ length: d }, (_, i) => (i + 1) ** -alpha);
  const total = s.reduce((a, b) => a + b, 0);
  return s.map((v) => v / total);
}

/**
 * n Gaussian inputs x ~ N(0, Sigma): with `spectrum` (diagonal covariance with these variances) or
 * a full `covariance` (d, d) via its Cholesky factor (x = z L^T).
 */
export function gaussianInputs(rng: Rng, n: number, cov: { spectrum: ArrayLike<number> } | { covariance: Tensor }): Tensor {
  positiveInt("n", n);
  if ("spectrum" in cov) {
    const d = cov.spectrum.length;
    const z = normal(rng, [n, d]);
    const sd = Float64Array.from(cov.spectrum, (v) => {
      if (!(v >= 0)) throw new RangeError(`spectrum values must be >= 0, got ${v}`);
      return Math.sqrt(v);
    });
    return mul(z, new Tensor(sd, [d]));
  }
  const d = cov.covariance.shape[0];
  const l = cholesky(cov.covariance);
  return mm(normal(rng, [n, d]), l, false, true);
}

/** Linear teacher: y = x beta* + noise * N(0, 1), x ~ N(0, I_d) unless given. */
export function linearTeacher(rng: Rng, cfg: { n: number; d: number; k?: number; noise?: number; beta?: Tensor; x?: Tensor }): Dataset & { beta: Tensor } {
  const { n, d, k = 1, noise = 0 } = cfg;
  positiveInt("n", n);
  positiveInt("d", d);
  const x = cfg.x ?? normal(rng, [n, d]);
  const beta = cfg.beta ?? normal(rng, [d, k], { std: 1 / Math.sqrt(d) });
  let y = matmul(x, beta);
  if (noise > 0) y = add(y, normal(rng, y.shape, { std: noise }));
  return { x, y, beta, meta: { task: "linear-teacher", n, d, k, noise } };
}

/** Two-layer teacher y = phi(x W / sqrt(d)) a / sqrt(h) + noise, with a named activation. */
export function twoLayerTeacher(rng: Rng, cfg: { n: number; d: number; h: number; activation?: string; noise?: number }): Dataset & { w: Tensor; a: Tensor } {
  const { n, d, h, noise = 0 } = cfg;
  const phi = activation(cfg.activation ?? "relu");
  const x = normal(rng, [n, d]);
  const w = normal(rng, [d, h]);
  const a = normal(rng, [h, 1]);
  let y = mul(matmul(phi(mul(matmul(x, w), 1 / Math.sqrt(d))), a), 1 / Math.sqrt(h));
  if (noise > 0) y = add(y, normal(rng, y.shape, { std: noise }));
  return { x, y, w, a, meta: { task: "two-layer-teacher", n, d, h, activation: cfg.activation ?? "relu", noise } };
}

/**
 * Modular arithmetic on Z_p: all p^2 pairs (a, b), inputs the concatenated one-hots (p^2, 2p),
 * targets the one-hot of (a + b) mod p or (a * b) mod p (p^2, p); split into train/test by a
 * seeded permutation with `trainFraction` (grokking setups).
 */
export function modularArithmetic(rng: Rng, cfg: { p: number; op?: "add" | "mul"; trainFraction?: number }): { all: Dataset; train: Dataset; test: Dataset; pairs: Int32Array } {
  const { p, op = "add", trainFraction = 1 } = cfg;
  positiveInt("p", p);
  if (!(trainFraction > 0 && trainFraction <= 1)) throw new RangeError(`trainFraction must be in (0, 1], got ${trainFraction}`);
  const n = p * p;
  const x = zeros([n, 2 * p]);
  const labels = new Int32Array(n);
  const pairs = new Int32Array(2 * n);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    const i = a * p + b;
    x.data[i * 2 * p + a] = 1;
    x.data[i * 2 * p + p + b] = 1;
    labels[i] = op === "add" ? (a + b) % p : (a * b) % p;
    pairs[2 * i] = a;
    pairs[2 * i + 1] = b;
  }
  const y = oneHot(labels, p);
  const perm = rng.permutation(n);
  const nTrain = Math.max(1, Math.round(trainFraction * n));
  const tr = perm.slice(0, nTrain);
  const te = perm.slice(nTrain);
  const sub = (idx: Int32Array, part: string): Dataset => ({ x: take(x, idx, 0), y: take(y, idx, 0), labels: idx.map((i) => labels[i]), meta: { task: `modular-${op}`, p, part } });
  return { all: { x, y, labels, meta: { task: `modular-${op}`, p } }, train: sub(tr, "train"), test: sub(te, "test"), pairs };
}

/** Sparse parity: x uniform in {-1, +1}^d, y = product of the k coordinates in `support` (default the first k). */
export function sparseParity(rng: Rng, cfg: { n: number; d: number; k: number; support?: number[] }): Dataset & { support: number[] } {
  const { n, d, k } = cfg;
  positiveInt("n", n);
  if (!(k >= 1 && k <= d)) throw new RangeError(`k must be in 1..d (d = ${d}), got ${k}`);
  const support = cfg.support ?? Array.from({ length: k }, (_, i) => i);
  const x = zeros([n, d]);
  const y = zeros([n, 1]);
  for (let i = 0; i < n; i++) {
    let prod = 1;
    for (let j = 0; j < d; j++) x.data[i * d + j] = rng.nextFloat() < 0.5 ? -1 : 1;
    for (const j of support) prod *= x.data[i * d + j];
    y.data[i] = prod;
  }
  return { x, y, support, meta: { task: "sparse-parity", n, d, k } };
}

/**
 * A function on the circle with a power-law Fourier spectrum: f(theta) = sum_{k=1..K} c_k
 * cos(k theta + phi_k), |c_k| = k^(-beta), random phases; sampled at n equispaced points.
 */
export function circleFunction(rng: Rng, cfg: { n: number; K: number; beta: number }): Dataset & { coefficients: Float64Array; phases: Float64Array } {
  const { n, K, beta } = cfg;
  positiveInt("n", n);
  positiveInt("K", K);
  const c = Float64Array.from({ length: K }, (_, k) => (k + 1) ** -beta);
  const ph = Float64Array.from({ length: K }, () => 2 * Math.PI * rng.nextFloat());
  const x = zeros([n, 2]);
  const y = zeros([n, 1]);
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    x.data[2 * i] = Math.cos(th);
    x.data[2 * i + 1] = Math.sin(th);
    let f = 0;
    for (let k = 0; k < K; k++) f += c[k] * Math.cos((k + 1) * th + ph[k]);
    y.data[i] = f;
  }
  return { x, y, coefficients: c, phases: ph, meta: { task: "circle", n, K, beta } };
}

/** Minibatch index arrays: a fresh seeded permutation per epoch, batches of `size` (last may be short). */
export function* batches(rng: Rng, n: number, size: number, epochs = Infinity): Generator<Int32Array> {
  positiveInt("batch size", size);
  for (let e = 0; e < epochs; e++) {
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i += size) yield perm.slice(i, Math.min(n, i + size));
  }
}
