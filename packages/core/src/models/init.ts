import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { mm } from "../ops/matmul.js";
import { eigh, qr } from "../linalg/index.js";

/** A random orthogonal (n, n) matrix: Q of the QR factorisation of a standard Gaussian matrix. */
function randomOrthogonal(rng: Rng, n: number): Float64Array {
  return Float64Array.from(qr(normal(rng, [n, n])).q.data);
}

/** Transpose of a row-major (rows, cols) array. */
function transposed(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** O diag(sqrt(mu)) P^T for O (h, h) and the first `cols` columns of P (cols, cols): an (h, cols) matrix. */
function scaledRotation(o: ArrayLike<number>, mu: ArrayLike<number>, p: ArrayLike<number>, h: number, cols: number): Float64Array {
  const out = new Float64Array(h * cols);
  for (let i = 0; i < h; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let c = 0; c < h; c++) s += o[i * h + c] * Math.sqrt(Math.max(mu[c], 0)) * p[j * cols + c];
    out[i * cols + j] = s;
  }
  return out;
}

export interface LambdaBalancedSpec {
  /** Layer widths [d, h, ..., h, k] (all hidden widths equal). */
  widths: readonly number[];
  /** lambda, or one lambda_l per hidden layer (widths.length - 2 entries). */
  lambda: number | readonly number[];
  /** Std of the Gaussian layer the construction starts from (the first, or the last if k < h). */
  scale: number;
}

/**
 * lambda-balanced initialisation of a deep linear network y = x W_1 W_2 ... W_L (row convention,
 * W_l of shape (n_{l-1}, n_l)): W_{l+1} W_{l+1}^T - W_l^T W_l = lambda_l I_h exactly, for every
 * hidden layer l. These are the quantities gradient flow conserves; with lambda = 0 it is the
 * balanced init of Arora et al. (arXiv 1802.06509), and for L = 2 it is the lambda-balanced init of
 * Domine et al. (arXiv 2409.14623), written there as W2^T W2 - W1 W1^T = lambda I (column convention).
 *
 * Construction (exact up to eigh's rounding): W_1 ~ N(0, scale^2); W_1^T W_1 = O_2 diag(mu_1) O_2^T;
 * mu_l = mu_{l-1} + lambda_{l-1}; W_l = O_l diag(sqrt mu_l) O_{l+1}^T with random orthogonal O_{l+1}
 * for the square hidden layers, and W_L = O_L diag(sqrt mu_L) E with E (h, k) of orthonormal rows.
 * This needs k >= h and every mu_l >= 0. If k < h but d >= h the mirrored construction starts from
 * a Gaussian W_L instead (the reversed network W_L^T, ..., W_1^T has lambdas -lambda_l reversed).
 */
export function lambdaBalancedDeepInit(rng: Rng, spec: LambdaBalancedSpec): Tensor[] {
  const { widths, scale } = spec;
  const L = widths.length - 1;
  if (L < 1 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new RangeError(`lambdaBalancedDeepInit: widths must be at least two positive integers, got [${widths.join(", ")}]`);
  }
  const hidden = widths.slice(1, -1);
  if (hidden.some((w) => w !== hidden[0])) throw new RangeError(`lambdaBalancedDeepInit: hidden widths must be equal, got [${hidden.join(", ")}]`);
  const lambdas = typeof spec.lambda === "number" ? hidden.map(() => spec.lambda as number) : [...spec.lambda];
  if (lambdas.length !== hidden.length || lambdas.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`lambdaBalancedDeepInit: lambda must be a finite number or ${hidden.length} finite numbers (one per hidden layer), got ${String(spec.lambda)}`);
  }
  if (!(Number.isFinite(scale) && scale >= 0)) throw new RangeError(`lambdaBalancedDeepInit: scale must be a finite number >= 0, got ${scale}`);
  if (L === 1) return [normal(rng, [widths[0], widths[1]], { std: scale })];
  const h = hidden[0];
  const d = widths[0];
  const k = widths[L];
  if (k >= h) return forwardConstruction(rng, widths, lambdas, scale);
  if (d >= h) {
    const mirrored = forwardConstruction(rng, [...widths].reverse(), lambdas.map((v) => -v).reverse(), scale, " of the mirrored network (k < h)");
    return mirrored.reverse().map((w) => new Tensor(transposed(w.data, w.shape[0], w.shape[1]), [w.shape[1], w.shape[0]]));
  }
  throw new RangeError(`lambdaBalancedDeepInit: needs output width k >= hidden width h or input width d >= h (got d=${d}, h=${h}, k=${k})`);
}

function forwardConstruction(rng: Rng, widths: readonly number[], lambdas: readonly number[], scale: number, where = ""): Tensor[] {
  const L = widths.length - 1;
  const h = widths[1];
  const k = widths[L];
  const w1 = normal(rng, [widths[0], h], { std: scale }); // (d, h)
  const { values, vectors } = eigh(mm(w1, w1, true, false)); // W_1^T W_1 = O diag(mu) O^T, (h, h)
  const mu = Float64Array.from(values.data);
  let o: ArrayLike<number> = Float64Array.from(vectors.data);
  const out: Tensor[] = [w1];
  for (let l = 1; l < L; l++) {
    for (let c = 0; c < h; c++) mu[c] += lambdas[l - 1];
    const minMu = Math.min(...mu);
    if (minMu < -1e-12 * Math.max(1, ...mu.map(Math.abs))) {
      throw new RangeError(`lambdaBalancedDeepInit: lambda = ${lambdas[l - 1]} at hidden layer ${l}${where} makes a squared singular value ${minMu} < 0 (lambda is below -sigma_min^2 of the layer before); choose a larger lambda or init scale`);
    }
    const last = l === L - 1;
    const cols = last ? k : h;
    const p = randomOrthogonal(rng, cols); // its first h columns: O_{l+1} (h = cols) or E^T (k >= h)
    out.push(new Tensor(scaledRotation(o, mu, p, h, cols), [h, cols]));
    o = p;
  }
  return out;
}

/**
 * Two-layer linear network y = x W1 W2 with W1 (d, h), W2 (h, k), initialised lambda-balanced:
 * W2 W2^T - W1^T W1 = lambda I_h exactly (Domine et al., arXiv 2409.14623); see
 * lambdaBalancedDeepInit for the construction (needs k >= h or d >= h, and lambda >= -sigma_min^2
 * of the Gaussian layer).
 */
export function lambdaBalancedInit(rng: Rng, cfg: { d: number; h: number; k: number; lambda: number; scale: number }): { w1: Tensor; w2: Tensor } {
  const [w1, w2] = lambdaBalancedDeepInit(rng, { widths: [cfg.d, cfg.h, cfg.k], lambda: cfg.lambda, scale: cfg.scale });
  return { w1, w2 };
}

/**
 * Two-layer network f(x) = sum_i a_i phi(x . w_i) initialised with a chosen per-neuron conserved
 * quantity delta = a_i^2 - |w_i|^2 (Kunin et al., "Get rich quick", arXiv 2406.06158; conserved by
 * gradient flow with equal layer learning rates for homogeneous phi): w_i ~ N(0, scale^2 I_d / d)
 * and a_i = s_i sqrt(delta + |w_i|^2) with random signs s_i. w is (d, h), a is (h). Requires
 * delta + |w_i|^2 >= 0 for every neuron.
 */
export function unbalancedTwoLayerInit(rng: Rng, cfg: { d: number; h: number; delta: number; scale: number }): { w: Tensor; a: Tensor } {
  const { d, h, delta, scale } = cfg;
  if (!Number.isFinite(delta)) throw new RangeError(`unbalancedTwoLayerInit: delta must be finite, got ${delta}`);
  const w = normal(rng, [d, h], { std: scale / Math.sqrt(d) }); // (d, h)
  const a = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let n2 = 0;
    for (let r = 0; r < d; r++) n2 += w.data[r * h + i] ** 2;
    const v = delta + n2;
    if (v < 0) throw new RangeError(`unbalancedTwoLayerInit: delta = ${delta} makes a_${i}^2 = ${v} negative; use delta >= -|w_i|^2 or a larger scale`);
    a[i] = (rng.nextFloat() < 0.5 ? -1 : 1) * Math.sqrt(v);
  }
  return { w, a: new Tensor(a, [h]) };
}
