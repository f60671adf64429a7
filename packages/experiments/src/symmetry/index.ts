// The symmetry family: one line per experiment (an experiment joins by adding its line).
import type { AnyExperiment } from "../kit/define.js";
import { neuralMechanics } from "./neural-mechanics/experiment.js";
import { noetherLearningDynamics } from "./noether-learning-dynamics/experiment.js";
import { quasiHomogeneousMargin } from "./quasi-homogeneous-margin/experiment.js";
import { stochasticCollapse } from "./stochastic-collapse/experiment.js";
import { limitingSgd } from "./limiting-sgd/experiment.js";
import { symmetryBreakingAttention } from "./symmetry-breaking-attention/experiment.js";

export const SYMMETRY: readonly AnyExperiment[] = [
  neuralMechanics,
  noetherLearningDynamics,
  quasiHomogeneousMargin,
  stochasticCollapse,
  limitingSgd,
  symmetryBreakingAttention,
];
