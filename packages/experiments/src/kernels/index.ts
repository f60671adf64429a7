// The kernels family: one line per experiment (an experiment joins by adding its line).
import type { AnyExperiment } from "../kit/define.js";
import { eigenlearningKrr } from "./eigenlearning-krr/experiment.js";
import { rfMoreIsBetter } from "./rf-more-is-better/experiment.js";
import { costOfOverfitting } from "./cost-of-overfitting/experiment.js";
import { kernelMonteCarlo } from "./kernel-monte-carlo/experiment.js";
import { ntkEvolution } from "./ntk-evolution/experiment.js";
import { ntkAdversarial } from "./ntk-adversarial/experiment.js";

export const KERNELS: readonly AnyExperiment[] = [
  eigenlearningKrr,
  rfMoreIsBetter,
  costOfOverfitting,
  kernelMonteCarlo,
  ntkEvolution,
  ntkAdversarial,
];
