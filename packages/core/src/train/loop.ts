import type { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import type { Tree } from "../tree.js";
import { valueAndGrad } from "../autodiff/transforms.js";
import { type GradientTransformation, applyUpdates } from "../optim/transform.js";
import type { Probe } from "../probes/probe.js";
import { type Row, type LogSchedule, scheduleSteps } from "./rows.js";
import { flowTime } from "../conventions.js";

export interface TrainOptions<P extends Tree, B> {
  params: P;
  /** Loss of the parameters on a batch (the batch is undefined for full-batch training). */
  loss: (params: P, batch: B) => Tensor;
  optimizer: GradientTransformation<unknown>;
  steps: number;
  /** A batch for each step (seeded minibatches); omit for full batch. */
  batches?: (step: number, rng: Rng) => B;
  probes?: Probe<P>[];
  /** When probes measure (default 100 log-spaced points). */
  schedule?: LogSchedule;
  /** Learning rate and momentum used to convert steps to gradient-flow time (conventions.ts). */
  time?: { lr: number; momentum?: number };
  /** Stop when the loss exceeds this (divergence) or is not finite. */
  divergeAbove?: number;
  /** Resume: the step reached, optimizer state and batch RNG state of a checkpoint. */
  resume?: { step: number; optState: unknown; rngState: number[] };
  /** Seed of the batch RNG (when not resuming). */
  seed?: number;
  /** Emit a checkpoint every this many steps (in `onCheckpoint`). */
  checkpointEvery?: number;
  onCheckpoint?: (c: Checkpoint<P>) => void;
  /** Cancels the run between steps. */
  signal?: AbortSignal;
}

export interface Checkpoint<P extends Tree> {
  step: number;
  params: P;
  optState: unknown;
  rngState: number[];
}

export interface TrainResult<P extends Tree> {
  params: P;
  step: number;
  optState: unknown;
  rngState: number[];
  /** "done", "nan", "diverged" or "aborted". */
  reason: "done" | "nan" | "diverged" | "aborted";
  message: string;
}

/**
 * The training loop: an async iterable of tidy rows, with no I/O. Each scheduled step measures
 * the loss (probe "train", key "loss") and every probe; steps are gradient-flow-timed through
 * conventions.ts. The run stops with a clear reason on NaN, divergence or abort; `result()` gives
 * the final parameters, state and reason after iteration ends.
 */
export function train<P extends Tree, B = undefined>(opts: TrainOptions<P, B>): AsyncIterable<Row> & { result(): TrainResult<P> } {
  let final: TrainResult<P> | null = null;
  const iterate = async function* (): AsyncGenerator<Row> {
    const { steps, optimizer, probes = [], schedule = { logSpaced: 100 }, divergeAbove = 1e12 } = opts;
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
    const when = new Set(scheduleSteps(schedule, steps));
    const rng = opts.resume ? Rng.fromState(opts.resume.rngState) : Rng.seed(opts.seed ?? 0);
    let params = opts.params;
    let optState = opts.resume ? opts.resume.optState : optimizer.init(params);
    let step = opts.resume?.step ?? 0;
    const vg = valueAndGrad((p: P) => opts.loss(p, batch as B));
    let batch: B | undefined;
    const timeOf = (s: number) => (opts.time ? flowTime(s, opts.time.lr, opts.time.momentum ?? 0) : s);
    const finish = (reason: TrainResult<P>["reason"], message: string) => {
      final = { params, step, optState, rngState: rng.state(), reason, message };
    };
    for (;;) {
      if (opts.signal?.aborted) return finish("aborted", `aborted at step ${step}`);
      batch = opts.batches ? opts.batches(step, rng) : undefined;
      const [lossT, grads] = vg(params);
      const loss = lossT.item();
      if (when.has(step) || !Number.isFinite(loss)) {
        const t = timeOf(step);
        yield { step, t, probe: "train", key: "loss", value: loss };
        for (const pr of probes) {
          for (const [key, value] of Object.entries(pr.measure({ step, t, params, loss, optState }))) yield { step, t, probe: pr.name, key, value };
        }
      }
      if (Number.isNaN(loss) || !Number.isFinite(loss)) return finish("nan", `loss became ${loss} at step ${step}; lower the learning rate`);
      if (loss > divergeAbove) return finish("diverged", `loss ${loss.toExponential(3)} exceeded ${divergeAbove} at step ${step}; lower the learning rate`);
      if (step >= steps) return finish("done", `completed ${steps} steps`);
      const [updates, next] = optimizer.update(grads, optState, params, { loss });
      params = applyUpdates(params, updates);
      optState = next;
      step++;
      if (opts.checkpointEvery && opts.onCheckpoint && step % opts.checkpointEvery === 0) {
        opts.onCheckpoint({ step, params, optState, rngState: rng.state() });
      }
      // Yield to the event loop now and then so signals (Ctrl-C) are handled during long runs.
      if (step % 256 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  };
  return {
    [Symbol.asyncIterator]: iterate,
    result: () => {
      if (final === null) throw new Error("train: result() is available after iteration finishes");
      return final;
    },
  };
}

/** Collects all rows of a run (for tests and short experiments). */
export async function collect(rows: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of rows) out.push(r);
  return out;
}
