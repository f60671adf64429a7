import type { Experiment } from "./types.js";
import { linearSaddleToSaddle } from "./linear-saddle-to-saddle/experiment.js";
import { eigenlearningKrr } from "./eigenlearning-krr/experiment.js";
import { rfMoreIsBetter } from "./rf-more-is-better/experiment.js";
import { costOfOverfitting } from "./cost-of-overfitting/experiment.js";
import { kernelMonteCarlo } from "./kernel-monte-carlo/experiment.js";
import { ntkEvolution } from "./ntk-evolution/experiment.js";
import { ntkAdversarial } from "./ntk-adversarial/experiment.js";
import { agfDiagonalLinear } from "./agf-diagonal-linear/experiment.js";
import { agfLinearNetwork } from "./agf-linear-network/experiment.js";
import { agfLinearTransformer } from "./agf-linear-transformer/experiment.js";
import { agfModularAddition } from "./agf-modular-addition/experiment.js";
import { neuralMechanics } from "./neural-mechanics/experiment.js";
import { noetherLearningDynamics } from "./noether-learning-dynamics/experiment.js";
import { quasiHomogeneousMargin } from "./quasi-homogeneous-margin/experiment.js";
import { stochasticCollapse } from "./stochastic-collapse/experiment.js";
import { limitingSgd } from "./limiting-sgd/experiment.js";
import { symmetryBreakingAttention } from "./symmetry-breaking-attention/experiment.js";
import { getRichQuick } from "./get-rich-quick/experiment.js";
import { lambdaBalanced } from "./lambda-balanced/experiment.js";

/** Every experiment Saddle knows, by id. A new experiment joins by adding a line here. */
export const EXPERIMENTS: Experiment[] = [
  linearSaddleToSaddle as unknown as Experiment,
  eigenlearningKrr as unknown as Experiment,
  rfMoreIsBetter as unknown as Experiment,
  costOfOverfitting as unknown as Experiment,
  kernelMonteCarlo as unknown as Experiment,
  ntkEvolution as unknown as Experiment,
  ntkAdversarial as unknown as Experiment,
  agfDiagonalLinear as unknown as Experiment,
  agfLinearNetwork as unknown as Experiment,
  agfLinearTransformer as unknown as Experiment,
  agfModularAddition as unknown as Experiment,
  neuralMechanics as unknown as Experiment,
  noetherLearningDynamics as unknown as Experiment,
  quasiHomogeneousMargin as unknown as Experiment,
  stochasticCollapse as unknown as Experiment,
  limitingSgd as unknown as Experiment,
  symmetryBreakingAttention as unknown as Experiment,
  getRichQuick as unknown as Experiment,
  lambdaBalanced as unknown as Experiment,
];

export function getExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
