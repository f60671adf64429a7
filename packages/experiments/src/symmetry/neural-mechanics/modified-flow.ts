import * as S from "@saddle/core";
import type { Rng, Row } from "@saddle/core";
import { gaussianMixture, initMechanics, mechanicsLoss, type MechanicsParams } from "./model.js";

/** Setting of the modified-flow check: a small full-batch copy of the test network, smooth (tanh). */
export interface ModifiedFlowSpec {
  inputDim: number;
  hidden: number;
  classes: number;
  samples: number;
  /** Learning rates, each half the previous one. */
  lrs: readonly number[];
  /** Gradient-flow time t = lr * steps at which GD and the flows are compared. */
  time: number;
}

const distance = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/**
 * Modified gradient flow at finite learning rate (Neural Mechanics, arXiv 2012.04728, section 5;
 * backward error analysis): full-batch GD at rate lr is compared, at the same time t = lr K, with the
 * RK45 gradient flow of L and of the modified loss L~ = L + (lr/4)|grad L|^2. Rows (probe
 * "modified-flow", step = K, t = time): `lr=<lr>/plainError` = |theta_K - theta_L(t)|,
 * `lr=<lr>/modifiedError` = |theta_K - theta_L~(t)| (Euclidean, over all parameters). Theory:
 * halving lr halves the first and quarters the second. The network is the test network with tanh
 * in place of ReLU: an explicit ODE solver stalls where the flow slides along a ReLU kink.
 */
export function* modifiedFlowRows(spec: ModifiedFlowSpec, rng: Rng): Generator<Row> {
  const data = gaussianMixture(rng.fork("data"), spec.samples, spec.inputDim, spec.classes, 1);
  const init = initMechanics(rng.fork("init"), spec.inputDim, spec.hidden, spec.classes);
  const loss = (p: MechanicsParams) => mechanicsLoss(p, data.x, data.labels, "tanh");
  const tolerances = { rtol: 1e-10, atol: 1e-13 };
  const plain = S.treeToVector(S.gradientFlow(loss, init, spec.time, tolerances).final);
  const valueAndGrad = S.valueAndGrad(loss);
  for (const lr of spec.lrs) {
    const steps = Math.round(spec.time / lr);
    let p = init;
    for (let k = 0; k < steps; k++) {
      const g = valueAndGrad(p)[1];
      p = S.treeMap((w, gw) => S.sub(w, S.mul(gw, lr)), p, g) as MechanicsParams;
    }
    const gd = S.treeToVector(p);
    const modified = S.treeToVector(S.gradientFlow(S.modifiedLoss(loss, lr), init, spec.time, tolerances).final);
    yield { step: steps, t: spec.time, probe: "modified-flow", key: `lr=${lr}/plainError`, value: distance(gd, plain) };
    yield { step: steps, t: spec.time, probe: "modified-flow", key: `lr=${lr}/modifiedError`, value: distance(gd, modified) };
  }
}
