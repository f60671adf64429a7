// The lazy-rich family: one line per experiment (an experiment joins by adding its line).
import type { AnyExperiment } from "../kit/define.js";
import { getRichQuick } from "./get-rich-quick/experiment.js";
import { lambdaBalanced } from "./lambda-balanced/experiment.js";
import { ultraRichGamma } from "./ultra-rich-gamma/experiment.js";
import { saddleEscapeRelu } from "./saddle-escape-relu/experiment.js";

export const LAZY_RICH: readonly AnyExperiment[] = [
  getRichQuick,
  lambdaBalanced,
  ultraRichGamma,
  saddleEscapeRelu,
];
