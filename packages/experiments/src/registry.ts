import type { Experiment } from "./types.js";
import { linearSaddleToSaddle } from "./linear-saddle-to-saddle/experiment.js";
import { eigenlearningKrr } from "./eigenlearning-krr/experiment.js";
import { rfMoreIsBetter } from "./rf-more-is-better/experiment.js";
import { costOfOverfitting } from "./cost-of-overfitting/experiment.js";
import { kernelMonteCarlo } from "./kernel-monte-carlo/experiment.js";
import { ntkEvolution } from "./ntk-evolution/experiment.js";
import { ntkAdversarial } from "./ntk-adversarial/experiment.js";

/** Every experiment Saddle knows, by id. A new experiment joins by adding a line here. */
export const EXPERIMENTS: Experiment[] = [
  linearSaddleToSaddle as unknown as Experiment,
  eigenlearningKrr as unknown as Experiment,
  rfMoreIsBetter as unknown as Experiment,
  costOfOverfitting as unknown as Experiment,
  kernelMonteCarlo as unknown as Experiment,
  ntkEvolution as unknown as Experiment,
  ntkAdversarial as unknown as Experiment,
];

export function getExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
