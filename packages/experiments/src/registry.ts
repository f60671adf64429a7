import type { AnyExperiment } from "./kit/define.js";
import { SADDLE_TO_SADDLE } from "./saddle-to-saddle/index.js";
import { KERNELS } from "./kernels/index.js";
import { SYMMETRY } from "./symmetry/index.js";
import { LAZY_RICH } from "./lazy-rich/index.js";

/** Every experiment Saddle knows, family by family. A family joins by adding its list here. */
export const EXPERIMENTS: readonly AnyExperiment[] = [...SADDLE_TO_SADDLE, ...KERNELS, ...SYMMETRY, ...LAZY_RICH];

/** The experiment with this id, or undefined. */
export function getExperiment(id: string): AnyExperiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
