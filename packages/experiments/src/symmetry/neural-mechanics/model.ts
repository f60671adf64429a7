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
