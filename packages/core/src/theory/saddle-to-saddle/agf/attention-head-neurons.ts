import { quadraticObjective } from "./objective.js";
import type { NeuronModel } from "./neuron-model.js";
import { inContextRegressionLoss } from "./linear-transformer.js";

/**
 * Attention-only linear transformer heads as AGF neurons (kappa = 3): head h has
 * theta_h = (v_h, k_h in R^D, q_h in R^D) and contributes vec(v_h k_h q_h^T) to M; the loss is a
 * quadratic in vec(M) — the population loss of in-context regression (linear-transformer.ts) by
 * default, or any {gram, linear, constant} (e.g. the empirical loss of a sampled prompt set).
 */
export function attentionHeadNeurons(D: number, init: readonly Float64Array[], loss: { gram: ArrayLike<number>; linear: ArrayLike<number>; constant: number }): NeuronModel {
  if (!Number.isInteger(D) || D < 1) throw new RangeError(`attentionHeadNeurons: D must be a positive integer, got ${D}`);
  init.forEach((t, i) => {
    if (t.length !== 1 + 2 * D) throw new RangeError(`attentionHeadNeurons: init[${i}] must have length 1 + 2 D = ${1 + 2 * D}, got ${t.length}`);
  });
  return {
    count: init.length,
    dim: 1 + 2 * D,
    kappa: 3,
    objective: quadraticObjective(loss.gram, loss.linear, loss.constant),
    init,
    forward(_h, theta, out) {
      const v = theta[0];
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[i * D + j] = v * theta[1 + i] * theta[1 + D + j];
    },
    pullback(_h, theta, cot, out) {
      const v = theta[0];
      let dv = 0;
      for (let i = 0; i < D; i++) {
        let kq = 0;
        for (let j = 0; j < D; j++) kq += cot[i * D + j] * theta[1 + D + j];
        dv += theta[1 + i] * kq;
        out[1 + i] = v * kq;
      }
      out[0] = dv;
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let i = 0; i < D; i++) s += cot[i * D + j] * theta[1 + i];
        out[1 + D + j] = v * s;
      }
    },
  };
}

/** Population-loss heads for eigenvalues lambda (diagonal Sigma) and context length N. */
export function populationAttentionHeads(lambda: readonly number[], N: number, init: readonly Float64Array[]): NeuronModel {
  const D = lambda.length;
  const sigma = new Float64Array(D * D);
  lambda.forEach((l, i) => (sigma[i * D + i] = l));
  return attentionHeadNeurons(D, init, inContextRegressionLoss(sigma, D, N));
}
