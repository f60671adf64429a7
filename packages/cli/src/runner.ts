import { Worker } from "node:worker_threads";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { AnyExperiment, ClaimOutcome, ExperimentCheckpoint } from "@saddle/experiments";
import { LeaseLostError, leaseSeconds, type Store } from "./store.js";
import type { WorkerInput, WorkerMessage } from "./run-worker.js";
import { UsageError } from "./errors.js";
import { codeVersion } from "./version.js";

export type { ClaimOutcome };

export interface RunOutcome {
  id: string;
  experiment: string;
  config: Record<string, unknown>;
  seed: number;
  status: "done" | "failed" | "interrupted" | "diverged";
  reason: string | null;
  final: Record<string, number>;
  claims: ClaimOutcome[];
  seconds: number;
  /** The signal that interrupted the run, if any. */
  signal?: string;
}

/** Last value of each probe/key. */
export function finalValues(rows: readonly Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.probe === "train" ? r.key : `${r.probe}.${r.key}`] = r.value;
  return out;
}

/** How long a cancelled compute may take to stop before its worker is terminated (ms). */
export const CANCEL_GRACE_MS = 400;

/**
 * Runs an experiment into the store. The compute (setup, run, theory, claims) runs in a worker
 * thread (run-worker.ts); this thread owns the store: rows arrive in batches and are written under
 * the run's lease, checkpoints are stored as artifacts (with how many rows preceded them), the
 * lease is renewed every leaseSeconds()/6 s, and SIGINT/SIGTERM cancel the compute: it stops at
 * its next step, or is terminated after CANCEL_GRACE_MS, and the run is marked interrupted with
 * its rows and last checkpoint kept (a second signal exits at once). A non-finite loss or a
 * DivergedError ends it `diverged` (claims are not evaluated). `resumeId` takes a run over from its
 * last checkpoint: rows after the checkpoint are replaced, giving the rows of an uninterrupted run.
 * If another process takes the run over meanwhile (its lease expired), this one stops writing.
 */
export async function runIntoStore(
  store: Store,
  e: AnyExperiment,
  opts: { config?: Record<string, unknown>; seed: number; preset: string | null; backend: string; threads?: number; resumeId?: string; progress?: (msg: string) => void },
): Promise<RunOutcome> {
  const t0 = performance.now();
  let id = ""; // set once the run exists
  let config: Record<string, unknown>;
  let seed = opts.seed;
  let resume: string | null = null;
  let priorRows: Row[] = [];
  let lease: string;
  // Signals are handled from before the run's row exists until its end is stored: a signal in
  // between would otherwise kill the process with the run left 'running'.
  let worker: Worker | undefined;
  let signalName: NodeJS.Signals | null = null;
  let stop = () => {};
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalName !== null) {
      // A second signal: stop now, keeping what is stored.
      void worker?.terminate();
      try {
        if (id !== "") store.finishRun(id, "interrupted", `interrupted by ${sig} (twice); resume with 'saddle run ${e.id} --resume ${id}'`, lease);
      } catch {
        /* taken over: nothing of ours to mark */
      }
      process.exit(sig === "SIGINT" ? 130 : 143);
    }
    signalName = sig;
    stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (opts.resumeId) {
      const prev = store.getRun(opts.resumeId);
      if (!prev) throw new UsageError(`no run '${opts.resumeId}' in ${store.path}; list runs with 'saddle ls'`);
      if (prev.experiment !== e.id) throw new UsageError(`run ${prev.id} belongs to experiment ${prev.experiment}, not ${e.id}`);
      if (prev.status === "done") throw new UsageError(`run ${prev.id} already finished; nothing to resume`);
      if (prev.status === "running") throw new UsageError(`run ${prev.id} is still running (pid ${prev.pid} on ${prev.host}, lease renewed ${prev.heartbeat_at}); stop it first, or wait until its lease expires`);
      id = prev.id;
      config = prev.config;
      seed = prev.seed;
      lease = store.reopenRun(id);
      const blob = e.resumable ? store.getArtifact(id, "checkpoint") : null;
      if (blob) {
        resume = blob.toString("utf8");
        const rows = (S.decodeState<ExperimentCheckpoint>(JSON.parse(resume)).rows ?? 0);
        store.keepFirstRows(id, rows, lease);
      } else store.deleteRows(id, "sim", lease);
      priorRows = store.metrics(id, { source: "sim" }).map(({ source: _s, ...r }) => r);
    } else {
      config = opts.config as Record<string, unknown>;
      id = store.newRunId(e.id);
      lease = store.createRun({ id, experiment: e.id, config, seed, preset: opts.preset, backend: opts.backend, codeVersion: codeVersion() });
    }

    const steps = typeof config.steps === "number" ? config.steps : undefined;
    const cancel = new SharedArrayBuffer(4);
    const input: WorkerInput = {
      experiment: e.id,
      config,
      seed,
      backend: opts.backend === "native" ? "native" : "reference",
      threads: opts.threads,
      resume,
      priorRows,
      checkpointEvery: steps ? Math.max(1, Math.ceil(steps / 20)) : undefined,
      cancel,
    };
    const w = new Worker(new URL("./run-worker.js", import.meta.url), { workerData: input });
    worker = w;
    let lost = false;
    type End = WorkerMessage & { type: "end" };
    let end = { type: "end", status: "failed", message: "the run's worker exited without a result" } as End;
    let killTimer: NodeJS.Timeout | undefined;
    stop = () => {
      Atomics.store(new Int32Array(cancel), 0, 1);
      w.postMessage("cancel");
      // A compute inside a long synchronous call (a big factorisation, a theory solve) cannot read
      // the cancel: after the grace it is terminated and the run ends without waiting for the thread
      // to unwind (rows it posts later are after the last checkpoint, which resume replaces anyway).
      killTimer ??= setTimeout(() => {
        void w.terminate();
        settle();
      }, CANCEL_GRACE_MS);
    };
    const hb = setInterval(() => {
      if (!store.heartbeat(id, lease)) {
        lost = true;
        stop();
      }
    }, Math.max(200, (leaseSeconds() * 1000) / 6));
    const write = (f: () => void) => {
      if (lost) return;
      try {
        f();
      } catch (err) {
        if (!(err instanceof LeaseLostError)) throw err;
        lost = true;
        stop();
      }
    };
    let writeError: Error | null = null;
    let settle: () => void = () => {};
    let settled = false;
    await new Promise<void>((resolve) => {
      settle = () => {
        settled = true;
        resolve();
      };
      if (signalName !== null) stop(); // a signal came before the compute started
      w.on("message", (m: WorkerMessage) => {
        if (settled) return;
        try {
          if (m.type === "rows") {
            write(() => store.insertRows(id, m.rows, "sim", lease));
            if (opts.progress) {
              const loss = [...m.rows].reverse().find((r) => r.probe === "train" && r.key === "loss");
              if (loss) opts.progress(`${e.id}: step ${loss.step}${steps ? `/${steps}` : ""}, loss ${loss.value.toExponential(3)}`);
            }
          } else if (m.type === "checkpoint") write(() => store.putArtifact(id, "checkpoint", "checkpoint", m.data, lease));
          else {
            // The result is in (every row message came before it): finish now; the thread's own
            // teardown can take a second and must not delay the run's end.
            end = m;
            void w.terminate();
            settle();
          }
        } catch (err) {
          writeError = err as Error;
          stop();
        }
      });
      w.on("error", (err) => (end = { type: "end", status: "failed", message: err.message }));
      w.on("exit", () => settle());
    });
    clearInterval(hb);
    clearTimeout(killTimer);
    const seconds = (performance.now() - t0) / 1000;
    const base = { id, experiment: e.id, config, seed, seconds };
    if (lost) throw new LeaseLostError(id);
    if (writeError !== null) {
      store.finishRun(id, "failed", `storing the run failed: ${(writeError as Error).message}`, lease);
      throw writeError;
    }
    const all = store.metrics(id, { source: "sim" });
    if (end.status === "diverged") {
      store.finishRun(id, "diverged", end.reason, lease);
      return { ...base, status: "diverged", reason: end.reason, final: finalValues(all), claims: [] };
    }
    // A signal that arrives after the compute finished does not undo the result.
    if (end.status === "interrupted" || (signalName !== null && end.status !== "done")) {
      const reason = `interrupted by ${signalName ?? "cancel"}; resume with 'saddle run ${e.id} --resume ${id}'`;
      store.finishRun(id, "interrupted", reason, lease);
      return { ...base, status: "interrupted", reason, final: finalValues(all), claims: [], signal: signalName ?? undefined };
    }
    if (end.status === "failed") {
      store.finishRun(id, "failed", end.message, lease);
      throw new Error(end.message);
    }
    const done = end;
    store.db.transaction(() => {
      store.deleteRows(id, "theory", lease);
      store.insertRows(id, done.theory, "theory", lease);
      store.putClaims(id, done.claims, lease);
      store.finishRun(id, "done", null, lease);
    }).immediate();
    return { ...base, status: "done", reason: null, final: finalValues(all), claims: done.claims };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
