import type { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import type { Tree } from "../tree.js";
import { valueAndGrad } from "../autodiff/transforms.js";
import { type GradientTransformation, applyUpdates } from "../optim/transform.js";
import type { Schedule } from "../optim/schedules.js";
import type { Probe } from "../probes/probe.js";
import { type Row, type LogSchedule, scheduleAt } from "./rows.js";
import { flowTime, timePerStep } from "../conventions.js";

export interface TrainOptions<P extends Tree, B> {
  /** Initial parameters (a resumed run passes the checkpoint's, or sets `resume.params`). */
  params: P;
  /** Loss of the parameters on a batch (the batch is undefined for full-batch training). */
  loss?: (params: P, batch: B) => Tensor;
  /**
   * Loss and gradient in one call, instead of `loss` (autodiff) when the experiment has a fused or
   * closed-form gradient (e.g. a hand-derived backward pass). Exactly one of the two is given.
   */
  lossAndGrad?: (params: P, batch: B) => readonly [number, P];
  optimizer: GradientTransformation<unknown>;
  /** Total number of updates; the loop measures steps 0..steps. */
  steps: number;
  /**
   * The batch of each step (minibatch SGD with seeded shuffling), drawn from the loop's seeded RNG
   * (its state is checkpointed with the run) or computed from the step alone (data's `batchAt`);
   * omit for full batch.
   */
  batches?: (step: number, rng: Rng) => B;
  probes?: readonly Probe<P>[];
  /** When the loss and probes are measured (default 100 log-spaced points). */
  schedule?: LogSchedule;
  /**
   * Learning rate (number or schedule) and momentum used to convert steps to gradient-flow time
   * (conventions.ts); without it t = step.
   */
  time?: { lr: number | Schedule; momentum?: number };
  /** Stop with reason "diverged" when the loss exceeds this (default 1e12). */
  divergeAbove?: number;
  /** Resume from a checkpoint: the step reached, optimizer state and batch-RNG state (and params). */
  resume?: { step: number; optState: unknown; rngState: readonly number[]; params?: P };
  /** Seed of the batch RNG (when not resuming). Default 0. */
  seed?: number;
  /** Emit a checkpoint (to `onCheckpoint`) after every this many steps. */
  checkpointEvery?: number;
  onCheckpoint?: (c: Checkpoint<P>) => void;
  /** Cancels the run between steps (reason "aborted"). */
  signal?: AbortSignal;
}

/** Everything needed to continue a run exactly: pass it back as `resume`. */
export interface Checkpoint<P extends Tree> {
  step: number;
  params: P;
  optState: unknown;
  rngState: number[];
}

export type StopReason = "done" | "nan" | "diverged" | "aborted";

export interface TrainResult<P extends Tree> extends Checkpoint<P> {
  /** Why the loop stopped: finished, non-finite loss, loss above `divergeAbove`, or aborted. */
  reason: StopReason;
  message: string;
  /** The loss at `step` (before the update that was not taken). */
  loss: number;
  /** Gradient-flow time of `step`. */
  t: number;
}

/** The rows of a run plus access to its state. */
export interface TrainRun<P extends Tree> extends AsyncIterable<Row> {
  /** Parameters now (the final ones once iteration ends). */
  readonly params: P;
  /** Final parameters, state and stop reason; throws before iteration has finished. */
  result(): TrainResult<P>;
}

/**
 * Lets pending macrotasks (signal handlers, I/O callbacks) run: setImmediate where it exists
 * (Node; no 1 ms clamp), setTimeout(0) in browsers.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate !== undefined ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** step -> gradient-flow time; cumulative when the learning rate follows a schedule. */
function makeClock(time: TrainOptions<Tree, unknown>["time"]): (step: number) => number {
  if (time === undefined) return (s) => s;
  const beta = time.momentum ?? 0;
  const { lr } = time;
  if (typeof lr === "number") {
    timePerStep(lr, beta); // validates
    return (s) => flowTime(s, lr, beta);
  }
  let lastStep = 0;
  let lastT = 0;
  return (s) => {
    if (s < lastStep) {
      lastStep = 0;
      lastT = 0;
    }
    for (; lastStep < s; lastStep++) lastT += timePerStep(lr(lastStep), beta);
    return lastT;
  };
}

/**
 * The training loop: an async iterable of tidy rows {step, t, probe, key, value}, with no I/O.
 * Each step evaluates the loss and gradient on the step's batch, measures on the schedule (probe
 * "train", key "loss", then every probe due), and applies one optimizer update. t is the
 * gradient-flow time of the step (conventions.ts). The run stops with a typed reason instead of
 * looping forever: "nan" (non-finite loss), "diverged" (loss above `divergeAbove`), "aborted"
 * (signal) or "done"; the stopping step's loss row is always emitted. Checkpoints (params,
 * optimizer state, RNG state) go to `onCheckpoint`; `resume` continues a run bit for bit.
 * The loop yields to the event loop every ~50 ms so signals are handled during long runs.
 */
export function train<P extends Tree, B = undefined>(opts: TrainOptions<P, B>): TrainRun<P> {
  const { steps, optimizer, probes = [], schedule = { logSpaced: 100 }, divergeAbove = 1e12 } = opts;
  if ((opts.loss === undefined) === (opts.lossAndGrad === undefined)) throw new TypeError("train: give exactly one of `loss` and `lossAndGrad`");
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
  if (opts.checkpointEvery !== undefined && !(Number.isInteger(opts.checkpointEvery) && opts.checkpointEvery >= 1)) {
    throw new RangeError(`checkpointEvery must be a positive integer, got ${opts.checkpointEvery}`);
  }
  if (opts.resume && !(Number.isInteger(opts.resume.step) && opts.resume.step >= 0)) throw new RangeError(`resume.step must be a non-negative integer, got ${opts.resume.step}`);
  const logAt = scheduleAt(schedule, steps);
  const probeAt = probes.map((p) => (p.schedule ? scheduleAt(p.schedule, steps) : logAt));
  const timeOf = makeClock(opts.time as TrainOptions<Tree, unknown>["time"]);
  let params: P = opts.resume?.params ?? opts.params;
  let final: TrainResult<P> | null = null;

  const iterate = async function* (): AsyncGenerator<Row> {
    params = opts.resume?.params ?? opts.params; // each iteration is a fresh run
    final = null;
    const rng = opts.resume ? Rng.fromState(opts.resume.rngState) : Rng.seed(opts.seed ?? 0);
    let optState = opts.resume ? opts.resume.optState : optimizer.init(params);
    let step = opts.resume?.step ?? 0;
    let batch: B | undefined;
    const lossFn = opts.loss;
    const vg: (p: P) => readonly [number, P] = opts.lossAndGrad
      ? (p) => opts.lossAndGrad!(p, batch as B)
      : (() => {
          const f = valueAndGrad((p: P) => lossFn!(p, batch as B));
          return (p: P) => {
            const [l, g] = f(p);
            return [l.item(), g as P] as const;
          };
        })();
    let prev: { params: P; grads: P; updates: P } | undefined;
    let lastYield = Date.now();
    const finish = (reason: StopReason, message: string, loss: number) => {
      final = { params, step, optState, rngState: rng.state(), reason, message, loss, t: timeOf(step) };
    };
    for (;;) {
      if (opts.signal?.aborted) return finish("aborted", `aborted at step ${step}`, NaN);
      batch = opts.batches ? opts.batches(step, rng) : undefined;
      const [loss, grads] = vg(params);
      const finite = Number.isFinite(loss);
      const stop = !finite || loss > divergeAbove || step >= steps;
      const logged = logAt(step) || stop;
      const t = logged || probes.length > 0 ? timeOf(step) : 0;
      if (logged) yield { step, t, probe: "train", key: "loss", value: loss };
      if (finite) {
        for (let i = 0; i < probes.length; i++) {
          if (!(probeAt[i](step) || stop)) continue;
          const pr = probes[i];
          for (const [key, value] of Object.entries(pr.measure({ step, t, params, loss, optState, grads, batch, prev }))) yield { step, t, probe: pr.name, key, value };
        }
      }
      if (!finite) return finish("nan", `loss became ${loss} at step ${step}; lower the learning rate or check the data`, loss);
      if (loss > divergeAbove) return finish("diverged", `loss ${loss.toExponential(3)} exceeded divergeAbove = ${divergeAbove} at step ${step}; lower the learning rate`, loss);
      if (step >= steps) return finish("done", `completed ${steps} steps`, loss);
      const [updates, next] = optimizer.update(grads, optState, params, { loss });
      prev = { params, grads, updates: updates as P };
      params = applyUpdates(params, updates);
      optState = next;
      step++;
      if (opts.checkpointEvery && opts.onCheckpoint && step % opts.checkpointEvery === 0) {
        opts.onCheckpoint({ step, params, optState, rngState: rng.state() });
      }
      if ((step & 63) === 0 && Date.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
  };
  return {
    [Symbol.asyncIterator]: iterate,
    get params() {
      return params;
    },
    result: () => {
      if (final === null) throw new Error("train: result() is available after iteration finishes (iterate the run first, e.g. with collect(run))");
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
