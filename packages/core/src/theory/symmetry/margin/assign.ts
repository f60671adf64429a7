import type { RateTree } from "./rates.js";

/**
 * Rate assignments (Lambda) for common architectures, derived from the definition
 * f(e^{alpha Lambda} theta) = e^alpha f(theta) (arXiv 2210.03820): a pre-activation
 * h_{l-1} W_l + b_l scales by e^{alpha r_l}, r_l = sum_{k <= l} lambda(W_k), when the bias takes the
 * summed rate of every weight from the input up to and including its own layer; a positively
 * homogeneous activation (ReLU, linear) passes the factor through; the output scales by e^alpha
 * when the weight rates sum to 1.
 */

/**
 * Rates of an MLP's parameter tree { layers: [{ w, b? }] } (Saddle's `mlp`): weight l gets
 * weightRates[l] (default 1/L each; they must sum to 1), bias l the sum of weightRates[0..l].
 * With no biases and the default rates this is the homogeneous case Lambda = I / L.
 */
export function mlpRates(depth: number, opts: { bias?: boolean; weightRates?: readonly number[] } = {}): { layers: { w: number; b?: number }[] } {
  const rates = opts.weightRates ?? Array.from({ length: depth }, () => 1 / depth);
  if (rates.length !== depth) throw new RangeError(`mlpRates: ${rates.length} weight rates for ${depth} layers`);
  const total = rates.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-12 || rates.some((r) => !(r >= 0))) throw new RangeError(`mlpRates: weight rates must be >= 0 and sum to 1, got ${rates.join(", ")}`);
  let cumulative = 0;
  return {
    layers: rates.map((r) => {
      cumulative += r;
      return opts.bias ? { w: r, b: cumulative } : { w: r };
    }),
  };
}

/**
 * Two-layer ReLU network with biases and an output bias, f = relu(x w + b) a + c:
 * lambda = 1/2 for w, b and a, 1 for c (the paper's example; matches mlpRates(2, { bias: true })).
 */
export const twoLayerBiasRates = { w: 0.5, b: 0.5, a: 0.5, c: 1 } as const;

/**
 * A network whose features pass through a normalisation (LayerNorm, BatchNorm) before a linear
 * head: every parameter feeding the normalisation gets rate 0 (the normalised features do not
 * move under psi_alpha), the head's weight and bias rate 1. `body` lists the leaves before the
 * normalisation (a rate tree of zeros is built from its structure).
 */
export function normalisedHeadRates<B extends RateTree>(body: B): { body: B; head: { w: number; b: number } } {
  const zero = (r: RateTree): RateTree => (typeof r === "number" ? 0 : Array.isArray(r) ? r.map(zero) : Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined ? undefined : zero(v)])));
  return { body: zero(body) as B, head: { w: 1, b: 1 } };
}

/**
 * A residual block between an embedding and a readout, f = (h + relu(h W1 + b1) W2 + b2) a + c with
 * h = x V. Derived: the skip forces the branch to scale like h, so with non-negative rates the
 * branch weights W1, W2 get rate 0 and its biases b1, b2 the stream's rate lambda(V); the readout's
 * weight gets 1 - lambda(V) and its bias 1.
 */
export function residualRates(embeddingRate = 0.5): { v: number; w1: number; b1: number; w2: number; b2: number; a: number; c: number } {
  if (!(embeddingRate >= 0 && embeddingRate <= 1)) throw new RangeError(`residualRates: embedding rate must be in [0, 1], got ${embeddingRate}`);
  return { v: embeddingRate, w1: 0, b1: embeddingRate, w2: 0, b2: embeddingRate, a: 1 - embeddingRate, c: 1 };
}
