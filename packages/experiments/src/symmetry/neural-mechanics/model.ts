import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/**
 * The Neural Mechanics test network (Kunin et al., arXiv 2012.04728, section 3), float64:
 *   x (B, d) -> z1 = x W1 (B, h) -> standardise each unit over the batch (batch norm without affine
 *   and without eps, so the incoming weights W1[:, j] have an exact scale symmetry) -> ReLU
 *   -> h2 = ReLU(a1 W2 + b2) (B, h) -> logits = h2 W3 + b3 (B, C) -> mean softmax cross-entropy.
 * Symmetries: translation of the softmax head (W3 rows' class sums, b3's sum), scale of W1,
 * rescale of each layer-2 ReLU unit ((W2[:, j], b2[j]) incoming vs W3[j, :] outgoing).
 */
export interface MechanicsParams {
  [k: string]: Tensor;
  w1: Tensor; // (d, h), no bias (batch norm removes it)
  w2: Tensor; // (h, h)
  b2: Tensor; // (h,)
  w3: Tensor; // (h, C)
  b3: Tensor; // (C,)
}

/** Standard-normal init scaled by 1/sqrt(fan_in); biases small and random (so every quantity is generic). */
export function initMechanics(rng: Rng, d: number, h: number, classes: number): MechanicsParams {
  return {
    w1: S.normal(rng, [d, h], { std: 1 / Math.sqrt(d) }),
    w2: S.normal(rng, [h, h], { std: 1 / Math.sqrt(h) }),
    b2: S.normal(rng, [h], { std: 0.1 }),
    w3: S.normal(rng, [h, classes], { std: 1 / Math.sqrt(h) }),
    b3: S.normal(rng, [classes], { std: 0.1 }),
  };
}

/**
 * Mean cross-entropy of the network on a batch x (B, d) with integer labels (B). `activation` "tanh"
 * gives the smooth variant used for the modified-flow check (translation and scale symmetries stay;
 * the rescale symmetry needs the homogeneous ReLU).
 */
export function mechanicsLoss(p: MechanicsParams, x: Tensor, labels: ArrayLike<number>, activation: "relu" | "tanh" = "relu"): Tensor {
  const act = activation === "relu" ? S.relu : S.tanh;
  const z1 = S.matmul(x, p.w1); // (B, h)
  const centred = S.sub(z1, S.mean(z1, 0, true)); // (B, h)
  const n1 = S.div(centred, S.sqrt(S.mean(S.square(centred), 0, true))); // (B, h), eps = 0: exact scale symmetry
  const h2 = act(S.add(S.matmul(act(n1), p.w2), p.b2)); // (B, h)
  return S.crossEntropy(S.add(S.matmul(h2, p.w3), p.b3), labels);
}

/**
 * The symmetry groups of the network (core `SymmetryGroups`, probes/mechanics.ts), on any tree shaped
 * like the parameters: translation of the softmax head (W3 rows' and b3's class sums), scale of W1
 * (feeds the batch norm), rescale of the layer-2 ReLU units ((W2, b2) incoming, W3 outgoing).
 */
export const MECHANICS_SYMMETRIES: S.SymmetryGroups<MechanicsParams> = {
  translation: (t) => [t.w3, t.b3],
  scale: (t) => [t.w1],
  rescale: (t) => ({ incoming: [t.w2, t.b2], outgoing: [t.w3] }),
};
/** Gaussian mixture: `classes` means ~ N(0, spread^2 I_d), points = mean + N(0, I_d); balanced labels. */
export function gaussianMixture(rng: Rng, n: number, d: number, classes: number, spread: number): { x: Tensor; labels: Int32Array } {
  const means = new Float64Array(classes * d);
  rng.fillNormal(means, 0, spread);
  const x = new Float64Array(n * d);
  rng.fillNormal(x);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let j = 0; j < d; j++) x[i * d + j] += means[labels[i] * d + j];
  }
  return { x: S.tensor(x, [n, d]), labels };
}

/** Rows [lo, hi) of a (n, d) tensor and their labels. */
export function batchRows(x: Tensor, labels: Int32Array, idx: ArrayLike<number>): { xb: Tensor; yb: Int32Array } {
  const d = x.shape[1];
  const out = new Float64Array(idx.length * d);
  const yb = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    out.set(x.data.subarray(idx[i] * d, idx[i] * d + d) as Float64Array, i * d);
    yb[i] = labels[idx[i]];
  }
  return { xb: S.tensor(out, [idx.length, d]), yb };
}
