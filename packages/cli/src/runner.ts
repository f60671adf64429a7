import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import { DivergedError, checkClaims, prepare, runRows, type AnyExperiment, type ClaimOutcome, type ExperimentCheckpoint } from "@saddle/experiments";
import type { Store } from "./store.js";
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

/**
 * Runs an experiment into the store: setup and theory computed once (seeded streams of the run's
 * seed), rows written in batches as they come, a heartbeat marking the run alive, checkpoints
 * stored as artifacts (with how many rows preceded them), and SIGINT/SIGTERM stopping the run
 * between steps, marking it interrupted with its rows kept. A non-finite loss or a DivergedError
 * ends it `diverged` (claims are not evaluated). `resumeId` continues a run from its last
 * checkpoint: rows after the checkpoint are replaced, giving the same rows as an uninterrupted run.
 */
export async function runIntoStore(
  store: Store,
  e: AnyExperiment,
  opts: { config?: Record<string, unknown>; seed: number; preset: string | null; backend: string; resumeId?: string; progress?: (msg: string) => void },
): Promise<RunOutcome> {
  const t0 = performance.now();
  let id: string;
  let config: Record<string, unknown>;
  let seed = opts.seed;
  let resume: ExperimentCheckpoint | undefined;
  if (opts.resumeId) {
    const prev = store.getRun(opts.resumeId);
    if (!prev) throw new UsageError(`no run '${opts.resumeId}' in ${store.path}; list runs with 'saddle ls'`);
    if (prev.experiment !== e.id) throw new UsageError(`run ${prev.id} belongs to experiment ${prev.experiment}, not ${e.id}`);
    if (prev.status === "done") throw new UsageError(`run ${prev.id} already finished; nothing to resume`);
    if (prev.status === "running") throw new UsageError(`run ${prev.id} is still running (pid ${prev.pid}); stop it first`);
    id = prev.id;
    config = prev.config;
    seed = prev.seed;
    const blob = e.resumable ? store.getArtifact(id, "checkpoint") : null;
    if (blob) {
      resume = S.decodeState<ExperimentCheckpoint>(JSON.parse(blob.toString("utf8")));
      store.keepFirstRows(id, resume.rows ?? 0);
    } else store.deleteRows(id, "sim");
    store.reopenRun(id);
  } else {
    config = opts.config as Record<string, unknown>;
    id = store.newRunId(e.id);
    store.createRun({ id, experiment: e.id, config, seed, preset: opts.preset, backend: opts.backend, codeVersion: codeVersion() });
  }

  const ctrl = new AbortController();
  let signalName: string | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    signalName = sig;
    ctrl.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const hb = setInterval(() => store.heartbeat(id), 5000);
  hb.unref();
  let buffer: Row[] = [];
  let emitted = resume?.rows ?? 0;
  let lastFlush = Date.now();
  const flush = () => {
    store.insertRows(id, buffer);
    buffer = [];
    lastFlush = Date.now();
  };
  const steps = typeof config.steps === "number" ? config.steps : undefined;
  let prepared: ReturnType<typeof prepare> | undefined;
  let diverged: string | null = null;
  try {
    prepared = prepare(e, config, seed);
    const rows = runRows(e, config, seed, prepared.setup, {
      signal: ctrl.signal,
      resume,
      checkpointEvery: steps ? Math.max(1, Math.ceil(steps / 20)) : undefined,
      onCheckpoint: (c) => {
        flush();
        store.putArtifact(id, "checkpoint", "checkpoint", JSON.stringify(S.encodeState({ ...c, rows: emitted })));
      },
    });
    for await (const r of rows) {
      buffer.push(r);
      emitted++;
      if (buffer.length >= 500 || Date.now() - lastFlush > 1000) flush();
      if (opts.progress && r.probe === "train" && r.key === "loss") opts.progress(`${e.id}: step ${r.step}${steps ? `/${steps}` : ""}, loss ${r.value.toExponential(3)}`);
    }
    flush();
  } catch (err) {
    flush();
    if (err instanceof DivergedError) diverged = `${err.message} (${err.quantity})`;
    else {
      store.finishRun(id, "failed", (err as Error).message);
      throw err;
    }
  } finally {
    clearInterval(hb);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  const all = store.metrics(id, { source: "sim" });
  if (diverged !== null) {
    store.finishRun(id, "diverged", diverged);
    return { id, experiment: e.id, config, seed, status: "diverged", reason: diverged, final: finalValues(all), claims: [], seconds };
  }
  if (ctrl.signal.aborted) {
    const reason = `interrupted by ${signalName ?? "abort"}; resume with 'saddle run ${e.id} --resume ${id}'`;
    store.finishRun(id, "interrupted", reason);
    return { id, experiment: e.id, config, seed, status: "interrupted", reason, final: finalValues(all), claims: [], seconds, signal: signalName ?? undefined };
  }
  if (prepared === undefined) throw new Error("unreachable: a run that was not prepared cannot finish");
  store.deleteRows(id, "theory");
  store.insertRows(id, prepared.theory, "theory");
  const claims = checkClaims(e, config, prepared.setup, all, prepared.theory);
  store.putClaims(id, claims);
  store.finishRun(id, "done", null);
  return { id, experiment: e.id, config, seed, status: "done", reason: null, final: finalValues(all), claims, seconds };
}
