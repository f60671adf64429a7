// The saddle-to-saddle family: one line per experiment (an experiment joins by adding its line).
import type { AnyExperiment } from "../kit/define.js";
import { linearSaddleToSaddle } from "./linear-saddle-to-saddle/experiment.js";
import { agfDiagonalLinear } from "./agf-diagonal-linear/experiment.js";
import { agfLinearNetwork } from "./agf-linear-network/experiment.js";
import { agfLinearTransformer } from "./agf-linear-transformer/experiment.js";
import { agfModularAddition } from "./agf-modular-addition/experiment.js";
import { stepwiseSsl } from "./stepwise-ssl/experiment.js";
import { groupComposition } from "./group-composition/experiment.js";

export const SADDLE_TO_SADDLE: readonly AnyExperiment[] = [
  linearSaddleToSaddle,
  agfDiagonalLinear,
  agfLinearNetwork,
  agfLinearTransformer,
  agfModularAddition,
  stepwiseSsl,
  groupComposition,
];
