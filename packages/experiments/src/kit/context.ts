import { Rng, yieldToEventLoop, type Row, type Tree, type TrainOptions, type TrainRun } from "@saddle/core";

/**
 * A checkpoint an experiment can resume from (plain data with tensors). `phase` names the part of
 * a multi-part run it belongs to (see `phases`); `rows` is filled in by the runner: how many rows
 * the run had emitted when it was taken, so a resume drops exactly the rows after it.
 */
export interface ExperimentCheckpoint {
  phase?: string;
  step: number;
  params: Tree;
  optState: unknown;
  rngState: number[];
  rows?: number;
}

/** What setup and theory receive: the config's seeded generator for that stage. */
export interface SeedContext {
  seed: number;
  rng: Rng;
}

/** What a run receives: its RNG, a cancel signal, and checkpoint/resume hooks. */
export interface RunContext extends SeedContext {
  signal?: AbortSignal;
  resume?: ExperimentCheckpoint;
  onCheckpoint?: (c: ExperimentCheckpoint) => void;
  /** Steps between checkpoints requested by the caller (experiments may round it). */
  checkpointEvery?: number;
}

/**
 * The one seed path: a run's seed gives three independent streams, for setup (data, teachers,
 * inits shared by run and theory), the run itself, and theory (Monte-Carlo predictions). Each
 * stage forks what it needs by label (`rng.fork("mode")`), never by consuming a shared stream, so
 * a resumed phase sees the same numbers as an uninterrupted one.
 */
export function seedStreams(seed: number): { setup: Rng; run: Rng; theory: Rng } {
  const root = Rng.seed(seed);
  return { setup: root.fork("setup"), run: root.fork("run"), theory: root.fork("theory") };
}

/** A run stopped because a quantity became non-finite or blew up; the runner stores it as `diverged`. */
export class DivergedError extends Error {
  constructor(message: string, readonly step: number, readonly quantity: string) {
    super(message);
    this.name = "DivergedError";
  }
}

/**
 * The options a training phase spreads into `S.train(...)`: the cancel signal, checkpoints
 * (tagged with the phase) and the resume state when the run resumes inside this phase. The batch
 * seed comes from the run's stream, so `--seed` changes the batches.
 */
export function trainHooks<P extends Tree>(ctx: RunContext, phase?: string): Pick<TrainOptions<P, never>, "signal" | "resume" | "checkpointEvery" | "onCheckpoint" | "seed"> {
  const r = ctx.resume;
  const here = r !== undefined && r.phase === phase && r.params !== undefined && Object.keys(r.params as object).length > 0;
  return {
    signal: ctx.signal,
    seed: ctx.rng.fork(`batches:${phase ?? ""}`).nextU32(),
    resume: here ? { step: r.step, optState: r.optState, rngState: r.rngState, params: r.params as P } : undefined,
    checkpointEvery: ctx.checkpointEvery,
    onCheckpoint: ctx.onCheckpoint ? (c) => ctx.onCheckpoint!({ ...c, phase }) : undefined,
  };
}

/**
 * Whether a training phase finished: true when done, false when aborted (the caller returns);
 * throws DivergedError when the loss became non-finite or exceeded its bound, so divergence is
 * never stored as success.
 */
export function finished(run: TrainRun<Tree>, what = "loss"): boolean {
  const r = run.result();
  if (r.reason === "done") return true;
  if (r.reason === "aborted") return false;
  throw new DivergedError(r.message, r.step, what);
}

/**
 * A run in named parts. On resume, parts before the checkpoint's phase are skipped (their rows
 * are already stored) and the checkpoint's part gets the resume state; after each part a
 * phase-start checkpoint is emitted so a later resume skips it. Each part must fork its own
 * randomness by label (seedStreams), never rely on what an earlier part consumed.
 */
export async function* phases(ctx: RunContext, parts: readonly (readonly [string, (resume: ExperimentCheckpoint | undefined) => AsyncIterable<Row>])[]): AsyncGenerator<Row> {
  const names = parts.map((p) => p[0]);
  let start = 0;
  if (ctx.resume?.phase !== undefined) {
    start = names.indexOf(ctx.resume.phase);
    if (start < 0) throw new Error(`checkpoint phase '${ctx.resume.phase}' is not one of ${names.join(", ")}`);
  }
  for (let i = start; i < parts.length; i++) {
    if (ctx.signal?.aborted) return;
    yield* parts[i][1](i === start ? ctx.resume : undefined);
    if (ctx.signal?.aborted) return;
    if (i + 1 < parts.length) ctx.onCheckpoint?.({ phase: names[i + 1], step: 0, params: {}, optState: null, rngState: [] });
  }
}

let lastTick = 0;

/**
 * For loops outside train() (RK45 sweeps, Monte-Carlo trials): lets pending signal handlers and
 * I/O run at most every 50 ms, then tells whether the run was cancelled (the caller returns).
 */
export async function tick(ctx: RunContext): Promise<boolean> {
  const now = Date.now();
  if (now - lastTick > 50) {
    lastTick = now;
    await yieldToEventLoop();
  }
  return ctx.signal?.aborted === true;
}
