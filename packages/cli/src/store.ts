import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Row } from "@saddle/core";
import { ruleText, type ClaimKind, type ClaimOutcome, type Rule } from "@saddle/experiments";

/** The number a rule compares with (its tolerance or bound), kept in the claims table's tolerance column. */
function ruleThreshold(r: Rule): number | null {
  switch (r.type) {
    case "rel":
    case "abs":
      return r.tol;
    case "atMost":
    case "atLeast":
      return r.bound;
    case "z":
      return r.maxZ;
    default:
      return null;
  }
}

/** Run statuses. A run whose process died while running is found stale and becomes "interrupted". */
export type RunStatus = "queued" | "running" | "done" | "failed" | "interrupted" | "diverged";

/** Every run status, for validating filters. */
export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "done", "failed", "interrupted", "diverged"];

export interface RunRecord {
  id: string;
  experiment: string;
  config: Record<string, unknown>;
  seed: number;
  preset: string | null;
  status: RunStatus;
  reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  pid: number | null;
  host: string | null;
  backend: string | null;
  code_version: string | null;
}

/** Ordered schema migrations; the store records the version it reached in `schema_version`. */
const MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY, experiment TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER NOT NULL,
     preset TEXT, status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','interrupted')),
     reason TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, heartbeat_at TEXT,
     pid INTEGER, host TEXT, backend TEXT, code_version TEXT);
   CREATE TABLE metrics (run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step REAL NOT NULL,
     t REAL NOT NULL, probe TEXT NOT NULL, key TEXT NOT NULL, value REAL, source TEXT NOT NULL DEFAULT 'sim');
   CREATE INDEX metrics_run ON metrics(run, probe, key, step);
   CREATE TABLE artifacts (run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL,
     kind TEXT NOT NULL, created_at TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run, name));
   CREATE TABLE claims (run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, claim TEXT NOT NULL,
     statement TEXT NOT NULL, theory REAL, measured REAL, tolerance REAL, rel_error REAL, pass INTEGER NOT NULL,
     PRIMARY KEY (run, claim));`,
  // 2: rows carry coordinates; claims carry their kind, rule and reason; runs can end 'diverged'
  // (the CHECK constraint changes, so runs is rebuilt: foreign keys are off during migrations).
  `ALTER TABLE metrics ADD COLUMN coords TEXT;
   ALTER TABLE claims ADD COLUMN kind TEXT NOT NULL DEFAULT 'claim';
   ALTER TABLE claims ADD COLUMN rule TEXT;
   ALTER TABLE claims ADD COLUMN rule_text TEXT;
   ALTER TABLE claims ADD COLUMN reason TEXT;
   ALTER TABLE claims ADD COLUMN units TEXT;
   CREATE TABLE runs_new (
     id TEXT PRIMARY KEY, experiment TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER NOT NULL,
     preset TEXT, status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','interrupted','diverged')),
     reason TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, heartbeat_at TEXT,
     pid INTEGER, host TEXT, backend TEXT, code_version TEXT);
   INSERT INTO runs_new SELECT id, experiment, config, seed, preset, status, reason, created_at, started_at, finished_at, heartbeat_at, pid, host, backend, code_version FROM runs;
   DROP TABLE runs;
   ALTER TABLE runs_new RENAME TO runs;`,
];

/** Seconds without a heartbeat after which a running run of another host is considered dead. */
export const STALE_AFTER_S = 120;

const now = () => new Date().toISOString();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Saddle's run store: one SQLite file in WAL mode (concurrent readers, one writer at a time with
 * a busy timeout, so parallel runs can share it). Opening it applies pending migrations and marks
 * stale runs interrupted: a 'running' run whose process is gone (same host) or whose heartbeat is
 * older than STALE_AFTER_S (another host).
 */
export class Store {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string) {
    this.path = resolve(path);
    mkdirSync(dirname(this.path), { recursive: true });
    try {
      this.db = new Database(this.path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("busy_timeout = 10000");
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("synchronous = NORMAL");
    } catch (e) {
      throw new Error(`cannot open the run store at ${this.path}: ${(e as Error).message}. Use --store or SADDLE_STORE to choose another file.`);
    }
    this.migrate();
    this.markStale();
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = this.db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (version > MIGRATIONS.length) throw new Error(`the run store ${this.path} has schema version ${version}, newer than this Saddle (${MIGRATIONS.length}); upgrade Saddle`);
    if (version === MIGRATIONS.length) return;
    // Table rebuilds must not cascade: foreign keys off for the migration, checked after it.
    this.db.pragma("foreign_keys = OFF");
    try {
      const tx = this.db.transaction(() => {
        for (; version < MIGRATIONS.length; version++) this.db.exec(MIGRATIONS[version]);
        this.db.prepare("DELETE FROM schema_version").run();
        this.db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
        const broken = this.db.pragma("foreign_key_check") as unknown[];
        if (broken.length) throw new Error(`migration left ${broken.length} rows with dangling foreign keys`);
      });
      tx.immediate();
    } finally {
      this.db.pragma("foreign_keys = ON");
    }
  }

  /** Marks dead 'running' runs interrupted; returns their ids. */
  markStale(): string[] {
    const host = hostname();
    const running = this.db.prepare("SELECT id, pid, host, heartbeat_at FROM runs WHERE status = 'running'").all() as { id: string; pid: number | null; host: string | null; heartbeat_at: string | null }[];
    const stale = running.filter((r) => {
      if (r.host === host && r.pid !== null) return !processAlive(r.pid);
      const hb = r.heartbeat_at ? Date.parse(r.heartbeat_at) : 0;
      return Date.now() - hb > STALE_AFTER_S * 1000;
    });
    const upd = this.db.prepare("UPDATE runs SET status = 'interrupted', reason = ?, finished_at = ? WHERE id = ? AND status = 'running'");
    for (const r of stale) upd.run("the process running it died (found stale)", now(), r.id);
    return stale.map((r) => r.id);
  }

  newRunId(experiment: string): string {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const rand = randomBytes(3).toString("hex"); // identifies the run only; never used as data
    return `${experiment}-${stamp}-${rand}`;
  }

  createRun(r: { id: string; experiment: string; config: Record<string, unknown>; seed: number; preset: string | null; backend: string; codeVersion: string }): void {
    this.db.prepare(
      "INSERT INTO runs (id, experiment, config, seed, preset, status, created_at, started_at, heartbeat_at, pid, host, backend, code_version) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
    ).run(r.id, r.experiment, JSON.stringify(r.config), r.seed, r.preset, now(), now(), now(), process.pid, hostname(), r.backend, r.codeVersion);
  }

  /** Takes a run over for resumption (status back to running, owned by this process). */
  reopenRun(id: string): void {
    this.db.prepare("UPDATE runs SET status = 'running', reason = NULL, finished_at = NULL, pid = ?, host = ?, heartbeat_at = ? WHERE id = ?").run(process.pid, hostname(), now(), id);
  }

  heartbeat(id: string): void {
    this.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?").run(now(), id);
  }

  finishRun(id: string, status: RunStatus, reason: string | null): void {
    this.db.prepare("UPDATE runs SET status = ?, reason = ?, finished_at = ? WHERE id = ?").run(status, reason, now(), id);
  }

  /** Appends rows in one transaction. */
  insertRows(run: string, rows: readonly Row[], source: "sim" | "theory" = "sim"): void {
    if (rows.length === 0) return;
    const ins = this.db.prepare("INSERT INTO metrics (run, step, t, probe, key, value, source, coords) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    // A value may be non-finite (stored as NULL, read back as NaN); a row's position may not.
    for (const r of rows) {
      if (!Number.isFinite(r.step) || !Number.isFinite(r.t)) throw new RangeError(`row ${r.probe}/${r.key}: step and t must be finite numbers, got step ${r.step}, t ${r.t}`);
    }
    this.db.transaction(() => {
      for (const r of rows) ins.run(run, r.step, r.t, r.probe, r.key, Number.isFinite(r.value) ? r.value : null, source, r.coords && Object.keys(r.coords).length ? JSON.stringify(r.coords) : null);
    })();
  }

  /** Keeps the first `count` simulated rows of a run (in emission order) and deletes the rest: resuming from a checkpoint taken after `count` rows. */
  keepFirstRows(run: string, count: number): void {
    this.db.prepare("DELETE FROM metrics WHERE run = ? AND source = 'sim' AND rowid NOT IN (SELECT rowid FROM metrics WHERE run = ? AND source = 'sim' ORDER BY rowid LIMIT ?)").run(run, run, count);
  }

  deleteRows(run: string, source: "sim" | "theory"): void {
    this.db.prepare("DELETE FROM metrics WHERE run = ? AND source = ?").run(run, source);
  }

  putArtifact(run: string, name: string, kind: string, data: Buffer | string): void {
    this.db.prepare("INSERT OR REPLACE INTO artifacts (run, name, kind, created_at, data) VALUES (?, ?, ?, ?, ?)").run(run, name, kind, now(), data);
  }

  getArtifact(run: string, name: string): Buffer | null {
    const r = this.db.prepare("SELECT data FROM artifacts WHERE run = ? AND name = ?").get(run, name) as { data: Buffer } | undefined;
    return r?.data ?? null;
  }

  /** Replaces a run's claims with these outcomes (rule as JSON and as text, kind, reason). */
  putClaims(run: string, claims: readonly ClaimOutcome[]): void {
    const ins = this.db.prepare("INSERT OR REPLACE INTO claims (run, claim, statement, theory, measured, tolerance, rel_error, pass, kind, rule, rule_text, reason, units) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const fin = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM claims WHERE run = ?").run(run);
      for (const c of claims) if (c.applicable) ins.run(run, c.claim, c.statement, fin(c.theory), fin(c.measured), fin(ruleThreshold(c.rule)), fin(c.error), c.pass ? 1 : 0, c.kind, JSON.stringify(c.rule), c.ruleText, c.reason ?? null, c.units ?? null);
    })();
  }

  /** A run's stored claims as outcomes (claims stored before kinds existed read as kind 'claim'). */
  claims(run: string, experiment: string): ClaimOutcome[] {
    const rows = this.db.prepare("SELECT claim, statement, theory, measured, tolerance, rel_error, pass, kind, rule, rule_text, reason, units FROM claims WHERE run = ? ORDER BY rowid").all(run) as {
      claim: string; statement: string; theory: number | null; measured: number | null; tolerance: number | null; rel_error: number | null; pass: number; kind: string; rule: string | null; rule_text: string | null; reason: string | null; units: string | null;
    }[];
    return rows.map((r) => {
      const rule: Rule = r.rule ? (JSON.parse(r.rule) as Rule) : { type: "rel", tol: r.tolerance ?? NaN };
      const o: ClaimOutcome = { experiment, claim: r.claim, kind: r.kind as ClaimKind, statement: r.statement, applicable: true, theory: r.theory, measured: r.measured ?? NaN, rule, ruleText: r.rule_text ?? ruleText(rule), error: r.rel_error, pass: r.pass === 1, units: r.units ?? undefined };
      if (r.reason !== null) o.reason = r.reason;
      return o;
    });
  }

  /**
   * The newest run of each experiment with its claim tally (claims passed of claims checked),
   * keyed by experiment id; experiments never run are absent.
   */
  latestByExperiment(): Map<string, { run: string; status: RunStatus; created_at: string; passed: number; total: number }> {
    const rows = this.db
      .prepare(
        `SELECT r.id AS run, r.experiment, r.status, r.created_at,
                (SELECT COUNT(*) FROM claims c WHERE c.run = r.id) AS total,
                (SELECT COALESCE(SUM(c.pass), 0) FROM claims c WHERE c.run = r.id) AS passed
         FROM runs r ORDER BY r.created_at DESC, r.rowid DESC`,
      )
      .all() as { run: string; experiment: string; status: RunStatus; created_at: string; total: number; passed: number }[];
    const latest = new Map<string, { run: string; status: RunStatus; created_at: string; passed: number; total: number }>();
    for (const { experiment, ...rest } of rows) if (!latest.has(experiment)) latest.set(experiment, rest);
    return latest;
  }

  getRun(idOrPrefix: string): RunRecord | null {
    const exact = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(idOrPrefix) as (Omit<RunRecord, "config"> & { config: string }) | undefined;
    const rows = exact ? [exact] : (this.db.prepare("SELECT * FROM runs WHERE id LIKE ? ORDER BY created_at DESC").all(`${idOrPrefix}%`) as (Omit<RunRecord, "config"> & { config: string })[]);
    if (rows.length === 0) return null;
    if (rows.length > 1) throw new Error(`run id prefix '${idOrPrefix}' matches ${rows.length} runs; give more characters`);
    return { ...rows[0], config: JSON.parse(rows[0].config) };
  }

  listRuns(filter: { experiment?: string; status?: string; limit?: number } = {}): RunRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.experiment) {
      where.push("experiment = ?");
      args.push(filter.experiment);
    }
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT ${filter.limit ?? 1000}`;
    return (this.db.prepare(sql).all(...args) as (Omit<RunRecord, "config"> & { config: string })[]).map((r) => ({ ...r, config: JSON.parse(r.config) }));
  }

  metrics(run: string, opts: { probe?: string; key?: string; source?: "sim" | "theory" } = {}): (Row & { source: string })[] {
    const where = ["run = ?"];
    const args: unknown[] = [run];
    for (const k of ["probe", "key", "source"] as const) {
      if (opts[k]) {
        where.push(`${k} = ?`);
        args.push(opts[k]);
      }
    }
    const rows = this.db.prepare(`SELECT step, t, probe, key, value, source, coords FROM metrics WHERE ${where.join(" AND ")} ORDER BY rowid`).all(...args) as { step: number; t: number; probe: string; key: string; value: number | null; source: string; coords: string | null }[];
    return rows.map(({ coords, value, ...r }) => (coords === null ? { ...r, value: value ?? NaN } : { ...r, value: value ?? NaN, coords: JSON.parse(coords) as Row["coords"] }));
  }

  close(): void {
    this.db.close();
  }
}

/** The store path: --store, else SADDLE_STORE, else ./saddle-runs/saddle.db. */
export function storePath(flag?: string): string {
  return flag ?? process.env.SADDLE_STORE ?? "saddle-runs/saddle.db";
}
