/**
 * The compute of one run, in a worker thread (runner.ts starts it): the experiment's setup, run,
 * theory and claims. It posts rows in batches, checkpoints and one final message; the main thread
 * owns the store, the lease's heartbeat, signals and progress, so it stays responsive however long
 * a step takes. A cancel arrives as a message and as a shared flag (read between rows); a compute
 * that does not stop within the main thread's grace period is terminated there.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import { EXPERIMENTS, DivergedError, checkClaims, prepare, runRows, type ClaimOutcome, type ExperimentCheckpoint } from "@saddle/experiments";
import { loadNative } from "@saddle/native";

/** What the main thread hands the worker. */
export interface WorkerInput {
  experiment: string;
  config: Record<string, unknown>;
  seed: number;
  backend: "native" | "reference";
  threads?: number;
  /** The checkpoint to resume from, as stored (JSON of S.encodeState). */
  resume: string | null;
  /** Rows the store kept before the checkpoint (claims are checked on all rows of the run). */
  priorRows: Row[];
  checkpointEvery?: number;
  /** Int32Array(1) over a SharedArrayBuffer: 1 once the run is cancelled. */
  cancel: SharedArrayBuffer;
}

/** What the worker posts. */
export type WorkerMessage =
  | { type: "rows"; rows: Row[] }
  | { type: "checkpoint"; data: string }
  | { type: "end"; status: "done"; theory: Row[]; claims: ClaimOutcome[] }
  | { type: "end"; status: "diverged"; reason: string }
  | { type: "end"; status: "interrupted" }
  | { type: "end"; status: "failed"; message: string };

async function main(input: WorkerInput, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (m: WorkerMessage) => port.postMessage(m);
  const flag = new Int32Array(input.cancel);
  const ctrl = new AbortController();
  port.on("message", (m: unknown) => {
    if (m === "cancel") ctrl.abort();
  });
  if (input.backend === "native") {
    const nb = loadNative({ quiet: true });
    if (!nb) throw new Error("the native backend loaded in the main thread but not in the run's worker");
    S.setBackend("native");
    if (input.threads !== undefined) nb.setThreads?.(input.threads);
  } else S.setBackend("reference");

  const e = EXPERIMENTS.find((x) => x.id === input.experiment);
  if (!e) throw new Error(`unknown experiment ${input.experiment}`);
  const resume = input.resume ? S.decodeState<ExperimentCheckpoint>(JSON.parse(input.resume)) : undefined;
  const all: Row[] = [...input.priorRows];
  let batch: Row[] = [];
  let last = Date.now();
  const flush = () => {
    if (batch.length) post({ type: "rows", rows: batch });
    batch = [];
    last = Date.now();
  };
  let emitted = resume?.rows ?? 0;
  const prepared = prepare(e, input.config, input.seed);
  try {
    const rows = runRows(e, input.config, input.seed, prepared.setup, {
      signal: ctrl.signal,
      resume,
      checkpointEvery: input.checkpointEvery,
      onCheckpoint: (c) => {
        flush();
        post({ type: "checkpoint", data: JSON.stringify(S.encodeState({ ...c, rows: emitted })) });
      },
    });
    for await (const r of rows) {
      batch.push(r);
      all.push(r);
      emitted++;
      if (batch.length >= 500 || Date.now() - last > 200) flush();
      if (Atomics.load(flag, 0) === 1 && !ctrl.signal.aborted) ctrl.abort();
    }
    flush();
  } catch (err) {
    flush();
    if (err instanceof DivergedError) return post({ type: "end", status: "diverged", reason: `${err.message} (${err.quantity})` });
    throw err;
  }
  if (ctrl.signal.aborted || Atomics.load(flag, 0) === 1) return post({ type: "end", status: "interrupted" });
  const claims = checkClaims(e, input.config, prepared.setup, all, prepared.theory);
  post({ type: "end", status: "done", theory: prepared.theory, claims });
}

if (parentPort) {
  const port = parentPort;
  main(workerData as WorkerInput, port)
    .catch((err: Error) => port.postMessage({ type: "end", status: "failed", message: err.message } satisfies WorkerMessage))
    // Stop listening for a cancel so the worker's event loop empties and the thread exits.
    .finally(() => port.removeAllListeners("message"));
}
