import * as S from "@saddle/core";
import type { GaussianMixture, Rng, Row } from "@saddle/core";
import { finished, trainHooks, type RunContext } from "../../kit/index.js";
import { initMechanics, mechanicsLoss, type MechanicsParams } from "./model.js";

/** Setting of the modified-flow check: a small full-batch copy of the test network, smooth (tanh). */
export interface FlowSpec {
  inputDim: number;
  hidden: number;
  classes: number;
  samples: number;
  /** Gradient-flow time t = lr * steps at which GD and the flows are compared. */
  time: number;
}

/** Data and init of the modified-flow check (drawn once, in setup). */
export interface FlowSetup {
  data: GaussianMixture;
  init: MechanicsParams;
}

export function flowSetup(rng: Rng, spec: FlowSpec): FlowSetup {
  return {
    data: S.gaussianMixture(rng.fork("data"), { n: spec.samples, d: spec.inputDim, classes: spec.classes, spread: 1 }),
    init: initMechanics(rng.fork("init"), spec.inputDim, spec.hidden, spec.classes),
  };
}

const distance = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/** RK45 tolerances of the flows: far below the O(lr^2) distances measured (rtol 1e-10). */
const TOLERANCES = { rtol: 1e-10, atol: 1e-13 };

/**
 * Modified gradient flow at finite learning rate (Neural Mechanics, arXiv 2012.04728, section 5;
 * backward error analysis), for one learning rate: full-batch GD (core `gd` through `train`) for
 * K = time / lr steps, compared at t = lr K with the RK45 gradient flow of L and of the modified
 * loss L~ = L + (lr/4)|grad L|^2 (core `modifiedLoss`). Rows (probe "modified-flow", coords {lr}):
 * `plainError` = |theta_K - theta_L(t)|, `modifiedError` = |theta_K - theta_L~(t)| (Euclidean over
 * all parameters). Theory: O(lr) and O(lr^2). The network is the test network with tanh in place of
 * ReLU: an explicit ODE solver stalls where the flow slides along a ReLU kink.
 */
export async function* flowCheck(ctx: RunContext, setup: FlowSetup, spec: FlowSpec, lr: number, phase: string): AsyncGenerator<Row> {
  const { data, init } = setup;
  const loss = (p: MechanicsParams) => mechanicsLoss(p, data.x, data.labels, "tanh");
  const steps = Math.round(spec.time / lr);
  const run = S.train({ params: init, loss, optimizer: S.gd(lr), steps, schedule: { steps: [steps] }, time: { lr }, ...trainHooks<MechanicsParams>(ctx, phase) });
  for await (const r of run) yield { ...r, coords: { run: phase } };
  if (!finished(run)) return;
  const gd = S.treeToVector(run.params);
  const plain = S.treeToVector(S.gradientFlow(loss, init, spec.time, TOLERANCES).final);
  const modified = S.treeToVector(S.gradientFlow(S.modifiedLoss(loss, lr), init, spec.time, TOLERANCES).final);
  yield { step: steps, t: spec.time, probe: "modified-flow", key: "plainError", value: distance(gd, plain), coords: { lr } };
  yield { step: steps, t: spec.time, probe: "modified-flow", key: "modifiedError", value: distance(gd, modified), coords: { lr } };
}
