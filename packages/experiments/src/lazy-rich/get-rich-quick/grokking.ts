import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";
import { finished, trainHooks, type RunContext } from "../../kit/index.js";

/**
 * Grokking of modular addition with an unbalanced ("upstream") initialisation, the suggested test of
 * Get rich quick's claim that unbalanced rich inits "decrease the time to grokking"
 * (arXiv 2406.06158, abstract). The paper's exact architecture and delta parametrisation for this
 * figure are [unverified] (reference note section 5.2); this is the reference's suggested setup:
 * a one-hidden-layer ReLU MLP f(x) = relu(x W1) W2 on the concatenated one-hots of (a, b)
 * (x in R^{2p}), trained full-batch with AdamW (decoupled weight decay) and cross-entropy on a
 * train split of the p^2 pairs. Init: W1 = alpha G1 / sqrt(2p) (columns w_i = alpha g_i / sqrt(2p)),
 * and each readout row W2[i] is rescaled to norm |w_i| / alpha^2, so the per-neuron
 * delta_i = |W2[i]|^2 - |w_i|^2 = (|g_i|^2 / 2p)(1/alpha^2 - alpha^2), the symmetrized-init relation
 * with tau_i = |g_i| / sqrt(2p) ~ 1: alpha = 1 is exactly balanced (delta_i = 0), alpha < 1 gives
 * delta > 0 (small first layer, large readout), alpha > 1 delta < 0.
 */
export interface GrokSpec {
  p: number;
  trainFraction: number;
  hidden: number;
  alpha: number;
  lr: number;
  weightDecay: number;
  maxSteps: number;
  evalEvery: number;
  /** Test accuracy that counts as grokked. */
  target: number;
  /** Hidden nonlinearity: ReLU, or the square z^2 of Gromov's solvable model (arXiv 2301.02679). */
  activation: "relu" | "square";
  /** Cross-entropy, or Saddle's MSE on one-hot targets. */
  loss: "ce" | "mse";
}

type Mlp = { w1: Tensor; w2: Tensor };

export function unbalancedMlpInit(rng: Rng, d: number, h: number, k: number, alpha: number): Mlp {
  const w1 = S.mul(S.normal(rng, [d, h]), alpha / Math.sqrt(d)); // (d, h)
  const g2 = S.normal(rng, [h, k]); // (h, k) directions of the readout rows
  const w2 = new Float64Array(h * k);
  for (let i = 0; i < h; i++) {
    let n1 = 0;
    for (let r = 0; r < d; r++) n1 += w1.data[r * h + i] ** 2;
    let n2 = 0;
    for (let j = 0; j < k; j++) n2 += g2.data[i * k + j] ** 2;
    const scale = Math.sqrt(n1) / (alpha * alpha) / Math.sqrt(n2);
    for (let j = 0; j < k; j++) w2[i * k + j] = g2.data[i * k + j] * scale;
  }
  return { w1, w2: new S.Tensor(w2, [h, k]) };
}

/** Mean per-neuron delta_i = |W2[i]|^2 - |W1[:, i]|^2 of the MLP. */
export function meanNeuronDelta(p: Mlp): number {
  const [d, h] = p.w1.shape;
  const k = p.w2.shape[1];
  let acc = 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < k; j++) acc += p.w2.data[i * k + j] ** 2;
    for (let r = 0; r < d; r++) acc -= p.w1.data[r * h + i] ** 2;
  }
  return acc / h;
}

/**
 * Steps until test accuracy first reaches `target` (`reached` false and `steps` = maxSteps if not
 * within maxSteps), the initial mean delta, and the final accuracies; null when cancelled. Trains
 * through core `train()` with the run's hooks for `phase` (cancel, checkpoints, resume).
 */
export async function grokSteps(spec: GrokSpec, rng: Rng, ctx: RunContext, phase: string): Promise<{ reached: boolean; steps: number; delta0: number; trainAccuracy: number; testAccuracy: number } | null> {
  const task = S.modularArithmetic(rng.fork("split"), { p: spec.p, op: "add", trainFraction: spec.trainFraction });
  const init = unbalancedMlpInit(rng.fork("init"), 2 * spec.p, spec.hidden, spec.p, spec.alpha);
  const phi = spec.activation === "relu" ? S.relu : S.square;
  const apply = (q: Mlp, x: Tensor) => S.matmul(phi(S.matmul(x, q.w1)), q.w2); // (n, 2p)(2p, h) -> (n, h)(h, p) -> (n, p)
  const run = S.train({
    params: init,
    loss: (q) => (spec.loss === "ce" ? S.crossEntropy(apply(q, task.train.x), task.train.labels) : S.mse(apply(q, task.train.x), task.train.y)),
    optimizer: S.adamw(spec.lr, { wd: spec.weightDecay }),
    steps: spec.maxSteps,
    schedule: { every: spec.evalEvery },
    probes: [S.evalProbe<Mlp>("test", (q) => apply(q, task.test.x), (f) => S.crossEntropy(f, task.test.labels), task.test.labels)],
    ...trainHooks<Mlp>(ctx, phase),
  });
  let reached = false;
  let steps = spec.maxSteps;
  let testAccuracy = NaN;
  for await (const row of run) {
    if (row.probe === "test" && row.key === "accuracy") {
      testAccuracy = row.value;
      if (row.value >= spec.target) {
        reached = true;
        steps = row.step;
        break;
      }
    }
  }
  if (!reached && !finished(run)) return null; // cancelled (a diverged run throws)
  const final = run.params;
  const trainAccuracy = S.noGrad(() => S.accuracy(apply(final, task.train.x), task.train.labels));
  return { reached, steps, delta0: meanNeuronDelta(init), trainAccuracy, testAccuracy };
}
