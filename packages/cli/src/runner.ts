import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { Experiment, ExperimentCheckpoint } from "@saddle/experiments";
import type { Store } from "./store.js";
import { UsageError } from "./errors.js";

export interface ClaimOutcome {
  experiment: string;
  claim: string;
  statement: string;
  theory: number;
  measured: number;
  tolerance: number;
  relError: number;
  pass: boolean;
  units?: string;
}

export interface RunOutcome {
  id: string;
  experiment: string;
  config: Record<string, unknown>;
  seed: number;
  status: "done" | "failed" | "interrupted";
  reason: string | null;
  final: Record<string, number>;
  claims: ClaimOutcome[];
  seconds: number;
  /** The signal that interrupted the run, if any. */
  signal?: string;
}

export const CODE_VERSION = "0.1.0";

/** Evaluates every claim of an experiment on stored rows. */
export function evaluateClaims(e: Experiment, cfg: Record<string, unknown>, rows: readonly Row[]): ClaimOutcome[] {
  const theory = e.theory(cfg);
  return e.claims.filter((c) => c.appliesTo?.(cfg) ?? true).map((c) => {
    try {
      const r = c.check(rows, cfg, theory);
      return { experiment: e.id, claim: c.id, statement: c.statement, theory: r.theory, measured: r.measured, tolerance: r.tolerance, relError: r.relError, pass: r.pass, units: r.units };
    } catch (err) {
      return { experiment: e.id, claim: c.id, statement: `${c.statement} (check failed: ${(err as Error).message})`, theory: NaN, measured: NaN, tolerance: NaN, relError: NaN, pass: false };
    }
  });
}

/** Last value of each probe/key. */
function finalValues(rows: readonly Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.probe === "train" ? r.key : `${r.probe}.${r.key}`] = r.value;
  return out;
}

/**
 * Runs an experiment into the store: rows are written in batches as they come, a heartbeat marks
 * the run alive, checkpoints are stored as artifacts, and SIGINT/SIGTERM stop the run between
 * steps and mark it interrupted with its rows kept. `resumeId` continues a run from its last
 * checkpoint (rows after it are replaced), giving the same curve as an uninterrupted run.
 */
export async function runIntoStore(
  store: Store,
  e: Experiment,
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
    const blob = store.getArtifact(id, "checkpoint");
    if (blob) {
      resume = S.decodeState<ExperimentCheckpoint>(JSON.parse(blob.toString("utf8")));
      store.truncateFrom(id, resume.step);
    } else store.deleteRows(id, "sim");
    store.reopenRun(id);
  } else {
    config = opts.config as Record<string, unknown>;
    id = store.newRunId(e.id);
    store.createRun({ id, experiment: e.id, config, seed, preset: opts.preset, backend: opts.backend, codeVersion: CODE_VERSION });
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
  let lastFlush = Date.now();
  const flush = () => {
    store.insertRows(id, buffer);
    buffer = [];
    lastFlush = Date.now();
  };
  const steps = typeof config.steps === "number" ? config.steps : undefined;
  try {
    const rows = e.run(config as never, {
      rng: S.Rng.seed(seed),
      signal: ctrl.signal,
      resume,
      checkpointEvery: steps ? Math.max(1, Math.ceil(steps / 20)) : undefined,
      onCheckpoint: (c) => {
        flush();
        store.putArtifact(id, "checkpoint", "checkpoint", JSON.stringify(S.encodeState(c)));
      },
    });
    for await (const r of rows) {
      buffer.push(r);
      if (buffer.length >= 500 || Date.now() - lastFlush > 1000) flush();
      if (opts.progress && r.probe === "train" && r.key === "loss") opts.progress(`${e.id}: step ${r.step}${steps ? `/${steps}` : ""}, loss ${r.value.toExponential(3)}`);
    }
    flush();
  } catch (err) {
    flush();
    store.finishRun(id, "failed", (err as Error).message);
    throw err;
  } finally {
    clearInterval(hb);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  const all = store.metrics(id, { source: "sim" });
  if (ctrl.signal.aborted) {
    const reason = `interrupted by ${signalName ?? "abort"}; resume with 'saddle run ${e.id} --resume ${id}'`;
    store.finishRun(id, "interrupted", reason);
    return { id, experiment: e.id, config, seed, status: "interrupted", reason, final: finalValues(all), claims: [], seconds, signal: signalName ?? undefined };
  }
  store.deleteRows(id, "theory");
  store.insertRows(id, e.theory(config as never), "theory");
  const claims = evaluateClaims(e, config, all);
  store.putClaims(id, claims.map((c) => ({ ...c })));
  store.finishRun(id, "done", null);
  return { id, experiment: e.id, config, seed, status: "done", reason: null, final: finalValues(all), claims, seconds };
}
