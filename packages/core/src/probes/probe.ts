import type { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";

/** What a probe sees at a measurement step. */
export interface ProbeContext<P extends Tree = Tree> {
  step: number;
  t: number;
  params: P;
  /** The training loss at these parameters (computed by the loop). */
  loss: number;
  /** Optimizer state, as plain data. */
  optState: unknown;
}

/** A named measurement; returns key/value pairs (the loop adds step, t and probe name). */
export interface Probe<P extends Tree = Tree> {
  readonly name: string;
  measure(ctx: ProbeContext<P>): Record<string, number>;
}

/** A probe from a name and a function. */
export function probe<P extends Tree>(name: string, measure: (ctx: ProbeContext<P>) => Record<string, number>): Probe<P> {
  return { name, measure };
}

export type { Tensor };
