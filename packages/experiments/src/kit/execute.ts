import type { Row } from "@saddle/core";
import { evaluate, type ClaimOutcome } from "./claim.js";
import { DivergedError, seedStreams, type ExperimentCheckpoint, type RunContext } from "./context.js";
import type { Experiment } from "./define.js";

/** How a run ended. */
export type RunEnd = "done" | "interrupted" | "diverged";

/** Setup and theory for (config, seed), computed once per run. */
export interface Prepared<U> {
  setup: U;
  theory: Row[];
}

/** Computes the setup (setup stream) and the theory rows (theory stream) of a run. */
export function prepare<C, U>(e: Experiment<C, U>, cfg: C, seed: number): Prepared<U> {
  const s = seedStreams(seed);
  const setup = e.setup(cfg, { seed, rng: s.setup });
  const theory = e.theory(cfg, { seed, rng: s.theory }, setup);
  return { setup, theory };
}

/**
 * The run's rows with divergence detection: a non-finite training loss ends the run with
 * DivergedError (the row that shows it is still yielded first), as does a DivergedError thrown by
 * the experiment (see `finished`).
 */
export async function* runRows<C, U>(e: Experiment<C, U>, cfg: C, seed: number, setup: U, hooks: Omit<RunContext, "seed" | "rng"> = {}): AsyncGenerator<Row> {
  const ctx: RunContext = { seed, rng: seedStreams(seed).run, ...hooks };
  for await (const r of e.run(cfg, ctx, setup)) {
    yield r;
    if (r.probe === "train" && r.key === "loss" && !Number.isFinite(r.value)) throw new DivergedError(`training loss became ${r.value} at step ${r.step}`, r.step, "train/loss");
  }
}

/** Evaluates the claims the config's theory predicts. */
export function checkClaims<C, U>(e: Experiment<C, U>, cfg: C, setup: U, rows: readonly Row[], theory: readonly Row[]): ClaimOutcome[] {
  return evaluate(e.id, e.claims(cfg, setup), cfg, setup, rows, theory);
}

/** The result of executing an experiment in memory. */
export interface Execution<C, U> extends Prepared<U> {
  cfg: C;
  seed: number;
  rows: Row[];
  end: RunEnd;
  reason: string | null;
  /** Claims (empty unless the run is done). */
  claims: ClaimOutcome[];
}

/**
 * Runs an experiment in memory (tests, the library): prepare, run, and check claims when it
 * finished. `signal`/checkpoint/resume hooks pass through; a resume continues from the rows
 * already in `priorRows` (the first `resume.rows` of them are kept).
 */
export async function execute<C, U>(
  e: Experiment<C, U>,
  cfg: C,
  seed = 0,
  hooks: { signal?: AbortSignal; resume?: ExperimentCheckpoint; onCheckpoint?: (c: ExperimentCheckpoint) => void; checkpointEvery?: number; priorRows?: readonly Row[]; onRow?: (r: Row) => void } = {},
): Promise<Execution<C, U>> {
  const prepared = prepare(e, cfg, seed);
  const rows: Row[] = hooks.resume && hooks.priorRows ? hooks.priorRows.slice(0, hooks.resume.rows ?? hooks.priorRows.length) : [];
  let end: RunEnd = "done";
  let reason: string | null = null;
  try {
    const onCheckpoint = hooks.onCheckpoint ? (c: ExperimentCheckpoint) => hooks.onCheckpoint!({ ...c, rows: rows.length }) : undefined;
    for await (const r of runRows(e, cfg, seed, prepared.setup, { signal: hooks.signal, resume: hooks.resume, onCheckpoint, checkpointEvery: hooks.checkpointEvery })) {
      rows.push(r);
      hooks.onRow?.(r);
    }
  } catch (err) {
    if (!(err instanceof DivergedError)) throw err;
    end = "diverged";
    reason = `${err.message} (${err.quantity})`;
  }
  if (end === "done" && hooks.signal?.aborted) {
    end = "interrupted";
    reason = "aborted";
  }
  const claims = end === "done" ? checkClaims(e, cfg, prepared.setup, rows, prepared.theory) : [];
  return { ...prepared, cfg, seed, rows, end, reason, claims };
}
