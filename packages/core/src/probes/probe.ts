import type { Tree } from "../tree.js";
import type { LogSchedule } from "../train/rows.js";

/** What a probe sees at a measurement step. */
export interface ProbeContext<P extends Tree = Tree> {
  step: number;
  /** Gradient-flow time of this step (conventions.ts). */
  t: number;
  params: P;
  /** The training loss at these parameters (computed by the loop on this step's batch). */
  loss: number;
  /** Optimizer state, as plain data (null under gradient flow). */
  optState: unknown;
  /** Gradient of the loss at `params` on this step's batch (absent under gradient flow). */
  grads?: P;
  /** This step's batch (undefined for full batch). */
  batch?: unknown;
  /**
   * The previous step: its parameters and gradient, and the update that took them to `params`
   * (params = prev.params + prev.updates). Absent at the first step measured after init or resume.
   * Per-step laws (e.g. a conserved quantity's exact change under one SGD step) read it.
   */
  prev?: { params: P; grads: P; updates: P };
}

/**
 * A named measurement (DESIGN.md principle 10): `measure` returns key/value pairs and the loop
 * turns each into a row {step, t, probe: name, key, value}. `schedule`, when set, overrides the
 * loop's schedule for this probe (e.g. a Hessian spectrum every 1000 steps while the loss is
 * logged every 10). Probes may keep state across calls (e.g. the initial value to measure drift
 * from); build a fresh probe per run.
 */
export interface Probe<P extends Tree = Tree> {
  readonly name: string;
  readonly schedule?: LogSchedule;
  measure(ctx: ProbeContext<P>): Record<string, number>;
}

/** A probe from a name, a function and an optional schedule of its own. */
export function probe<P extends Tree>(name: string, measure: (ctx: ProbeContext<P>) => Record<string, number>, schedule?: LogSchedule): Probe<P> {
  if (typeof name !== "string" || name.length === 0) throw new TypeError(`probe name must be a non-empty string, got ${JSON.stringify(name)}`);
  return schedule === undefined ? { name, measure } : { name, measure, schedule };
}

/** The same probe measured on its own schedule. */
export function withSchedule<P extends Tree>(p: Probe<P>, schedule: LogSchedule): Probe<P> {
  return { name: p.name, measure: (ctx) => p.measure(ctx), schedule };
}
