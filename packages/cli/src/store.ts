import Database from "better-sqlite3";
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from "node:fs";
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
  /** Who owns a running run: a random id per take-over; writes of any other owner are refused. */
  lease_id: string | null;
  /** The owner's process start time (Linux: /proc/<pid>/stat field 22), so a reused pid is not taken for the owner. */
  pid_start: string | null;
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
  // 3: ownership of a running run is a lease (id, owner's process start time, heartbeat).
  `ALTER TABLE runs ADD COLUMN lease_id TEXT;
   ALTER TABLE runs ADD COLUMN pid_start TEXT;`,
];

/**
 * Seconds a lease lasts without a heartbeat: a running run whose owner has not renewed it for this
 * long is stale on any host. SADDLE_LEASE_S overrides it (tests use a few seconds). The owner
 * renews it every LEASE_S / 6 seconds from the main thread, which never blocks on the compute.
 */
export function leaseSeconds(): number {
  const v = Number(process.env.SADDLE_LEASE_S ?? 30);
  return Number.isFinite(v) && v > 0 ? v : 30;
}

const now = () => new Date().toISOString();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A process's start time in clock ticks since boot (Linux /proc/<pid>/stat field 22), or null where unknown. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

const isBusy = (e: unknown) => typeof (e as { code?: unknown }).code === "string" && /^SQLITE_(BUSY|LOCKED)/.test((e as { code: string }).code);

/**
 * Runs `f`, retrying for up to 10 s while SQLite answers BUSY or LOCKED. The busy timeout covers
 * ordinary lock waits; some answers bypass it (a journal-mode switch or WAL recovery racing another
 * process opening the same new store), and a store opened by several first runs at once meets them.
 */
function retryBusy<T>(f: () => T): T {
  const deadline = Date.now() + 10_000;
  for (let wait = 10; ; wait = Math.min(200, wait * 2)) {
    try {
      return f();
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait); // a synchronous sleep
    }
  }
}

/** Raised when a write comes from a process that no longer owns the run (it was taken over). */
export class LeaseLostError extends Error {
  constructor(readonly run: string) {
    super(`run ${run} was taken over by another process; this process stopped writing to it`);
    this.name = "LeaseLostError";
  }
}

/** What opens a store: read-only commands never create or change one. */
export interface StoreOptions {
  readonly?: boolean;
  /** This process's host name (tests pose as another host). */
  host?: string;
}

/**
 * Saddle's run store: one SQLite file in WAL mode (concurrent readers, one writer at a time with
 * a busy timeout, so parallel runs can share it). Opening it applies pending migrations and marks
 * stale runs interrupted: a 'running' run whose process is gone (same host) or whose heartbeat is
 * expired (see staleReason).
 */
export class Store {
  readonly db: Database.Database;
  readonly path: string;
  readonly host: string;
  readonly readonly: boolean;

  /**
   * Opens (and migrates) a store. With `readonly`, the file must exist; it is opened read-write
   * only to apply pending migrations and mark stale runs when the file is writable, else read-only.
   * An unreadable or corrupt file is an error naming it and what to do.
   */
  constructor(path: string, opts: StoreOptions = {}) {
    this.path = resolve(path);
    this.host = opts.host ?? hostname();
    let ro = false;
    if (opts.readonly) {
      if (!existsSync(this.path)) throw new StoreError(`no run store at ${this.path} (nothing has been run with this store yet); give the right --store or SADDLE_STORE`);
      try {
        accessSync(this.path, constants.W_OK);
        accessSync(dirname(this.path), constants.W_OK);
      } catch {
        ro = true;
      }
    } else mkdirSync(dirname(this.path), { recursive: true });
    this.readonly = ro;
    try {
      this.db = new Database(this.path, { readonly: ro, fileMustExist: opts.readonly === true });
      // The busy timeout first: switching a new file to WAL takes a lock that a process opening the
      // same new store at the same moment may hold (three concurrent first runs on one store).
      this.db.pragma("busy_timeout = 10000");
      if (!ro) retryBusy(() => this.db.pragma("journal_mode = WAL"));
      this.db.pragma("foreign_keys = ON");
      if (!ro) this.db.pragma("synchronous = NORMAL");
      this.db.prepare("SELECT count(*) FROM sqlite_master").get();
    } catch (e) {
      throw new StoreError(`cannot open the run store at ${this.path}: ${(e as Error).message}. If the file is damaged, move it aside (runs in it are lost unless 'sqlite3 ${this.path} .recover' saves them); use --store or SADDLE_STORE to choose another file.`);
    }
    openedStores.add(this.path);
    try {
      if (ro) this.checkVersion();
      else {
        retryBusy(() => this.migrate());
        retryBusy(() => this.markStale());
      }
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (isBusy(e)) throw new StoreError(`the run store ${this.path} stayed locked by another process for 10 s (${(e as Error).message}); try again`);
      throw damaged(this.path, e as Error);
    }
  }

  /**
   * Fails with a StoreError naming the file when SQLite finds the file damaged (PRAGMA
   * quick_check), so a read never returns part of a corrupt store as if it were whole.
   */
  check(): void {
    let res: { quick_check: string }[];
    try {
      res = this.db.pragma("quick_check") as { quick_check: string }[];
    } catch (e) {
      throw damaged(this.path, e as Error);
    }
    if (res.length !== 1 || res[0].quick_check !== "ok") throw new StoreError(`the run store ${this.path} is damaged (${res.slice(0, 3).map((r) => r.quick_check).join("; ")}). Move it aside; 'sqlite3 ${this.path} .recover' may save its runs.`);
  }

  private checkVersion(): void {
    const v = (this.db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined)?.version ?? 0;
    if (v !== MIGRATIONS.length) throw new StoreError(`the run store ${this.path} is read-only and at schema version ${v}; this Saddle reads version ${MIGRATIONS.length}. Open it once where it is writable to migrate it.`);
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
        // Read again under the write lock: another process may have migrated meanwhile.
        version = (this.db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined)?.version ?? 0;
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

  /**
   * Why a running run is stale, or null while its owner holds the lease: the lease expired (no
   * heartbeat for leaseSeconds(), on any host), or, on this host, its process is gone or the pid
   * now belongs to a process that started at another time (a reused pid).
   */
  staleReason(r: Pick<RunRecord, "pid" | "host" | "heartbeat_at" | "pid_start">): string | null {
    const hb = r.heartbeat_at ? Date.parse(r.heartbeat_at) : 0;
    const age = (Date.now() - hb) / 1000;
    if (age > leaseSeconds()) return `its lease expired (no heartbeat for ${Math.round(age)} s; the lease is ${leaseSeconds()} s)`;
    if (r.host === this.host && r.pid !== null) {
      if (!processAlive(r.pid)) return `its process ${r.pid} on ${r.host} is gone`;
      const start = processStart(r.pid);
      if (r.pid_start !== null && start !== null && start !== r.pid_start) return `pid ${r.pid} now belongs to another process (reused pid)`;
    }
    return null;
  }

  /** Marks stale 'running' runs interrupted (see staleReason); returns their ids. */
  markStale(): string[] {
    const running = this.db.prepare("SELECT id, pid, host, heartbeat_at, pid_start, lease_id FROM runs WHERE status = 'running'").all() as (Pick<RunRecord, "id" | "pid" | "host" | "heartbeat_at" | "pid_start" | "lease_id">)[];
    const upd = this.db.prepare("UPDATE runs SET status = 'interrupted', reason = ?, finished_at = ? WHERE id = ? AND status = 'running' AND lease_id IS ?");
    const out: string[] = [];
    for (const r of running) {
      const why = this.staleReason(r);
      if (why && upd.run(`found stale: ${why}; resume it with 'saddle run <experiment> --resume ${r.id}'`, now(), r.id, r.lease_id).changes === 1) out.push(r.id);
    }
    return out;
  }

  newRunId(experiment: string): string {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const rand = randomBytes(3).toString("hex"); // identifies the run only; never used as data
    return `${experiment}-${stamp}-${rand}`;
  }

  /** Creates a running run owned by this process; returns its lease (pass it to every write). */
  createRun(r: { id: string; experiment: string; config: Record<string, unknown>; seed: number; preset: string | null; backend: string; codeVersion: string }): string {
    const lease = randomBytes(8).toString("hex");
    this.db.prepare(
      "INSERT INTO runs (id, experiment, config, seed, preset, status, created_at, started_at, heartbeat_at, pid, host, backend, code_version, lease_id, pid_start) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(r.id, r.experiment, JSON.stringify(r.config), r.seed, r.preset, now(), now(), now(), process.pid, this.host, r.backend, r.codeVersion, lease, processStart(process.pid));
    return lease;
  }

  /**
   * Takes a run over for resumption: atomically, only if it is not running (a stale run was
   * marked interrupted when the store opened), so two resumers cannot both win. Returns the new
   * lease; the previous owner's later writes are refused (fenced by lease id).
   */
  reopenRun(id: string): string {
    const lease = randomBytes(8).toString("hex");
    const res = this.db
      .prepare("UPDATE runs SET status = 'running', reason = NULL, finished_at = NULL, pid = ?, host = ?, heartbeat_at = ?, lease_id = ?, pid_start = ? WHERE id = ? AND status IN ('interrupted', 'failed', 'diverged')")
      .run(process.pid, this.host, now(), lease, processStart(process.pid), id);
    if (res.changes !== 1) throw new StoreError(`run ${id} is already running (another process resumed or owns it); see 'saddle show ${id}'`);
    return lease;
  }

  /** Renews the lease; false when another process has taken the run over. */
  heartbeat(id: string, lease?: string): boolean {
    if (lease === undefined) return this.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?").run(now(), id).changes === 1;
    return this.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND lease_id = ? AND status = 'running'").run(now(), id, lease).changes === 1;
  }

  /**
   * Throws LeaseLostError when `lease` is given and no longer owns the run. Called inside the
   * write's transaction, which is IMMEDIATE: a deferred transaction that reads before it writes
   * cannot wait for another writer in WAL mode (SQLite answers SQLITE_BUSY at once).
   */
  private fence(run: string, lease: string | undefined): void {
    if (lease === undefined) return;
    // The owner writes only while the run is running under its lease: once another process marked
    // it stale (interrupted) or took it over (a new lease), this owner's writes are refused.
    const r = this.db.prepare("SELECT lease_id, status FROM runs WHERE id = ?").get(run) as { lease_id: string | null; status: string } | undefined;
    if (r?.lease_id !== lease || r.status !== "running") throw new LeaseLostError(run);
  }

  finishRun(id: string, status: RunStatus, reason: string | null, lease?: string): void {
    this.db.transaction(() => {
      this.fence(id, lease);
      this.db.prepare("UPDATE runs SET status = ?, reason = ?, finished_at = ? WHERE id = ?").run(status, reason, now(), id);
    }).immediate();
  }

  /** Appends rows in one transaction (refused with LeaseLostError when `lease` no longer owns the run). */
  insertRows(run: string, rows: readonly Row[], source: "sim" | "theory" = "sim", lease?: string): void {
    if (rows.length === 0) return;
    const ins = this.db.prepare("INSERT INTO metrics (run, step, t, probe, key, value, source, coords) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    // A value may be non-finite (stored as NULL, read back as NaN); a row's position may not.
    for (const r of rows) {
      if (!Number.isFinite(r.step) || !Number.isFinite(r.t)) throw new RangeError(`row ${r.probe}/${r.key}: step and t must be finite numbers, got step ${r.step}, t ${r.t}`);
    }
    this.db.transaction(() => {
      this.fence(run, lease);
      for (const r of rows) ins.run(run, r.step, r.t, r.probe, r.key, Number.isFinite(r.value) ? r.value : null, source, r.coords && Object.keys(r.coords).length ? JSON.stringify(r.coords) : null);
    }).immediate();
  }

  /** Keeps the first `count` simulated rows of a run (in emission order) and deletes the rest: resuming from a checkpoint taken after `count` rows. */
  keepFirstRows(run: string, count: number, lease?: string): void {
    this.db.transaction(() => {
      this.fence(run, lease);
      this.db.prepare("DELETE FROM metrics WHERE run = ? AND source = 'sim' AND rowid NOT IN (SELECT rowid FROM metrics WHERE run = ? AND source = 'sim' ORDER BY rowid LIMIT ?)").run(run, run, count);
    }).immediate();
  }

  deleteRows(run: string, source: "sim" | "theory", lease?: string): void {
    this.db.transaction(() => {
      this.fence(run, lease);
      this.db.prepare("DELETE FROM metrics WHERE run = ? AND source = ?").run(run, source);
    }).immediate();
  }

  putArtifact(run: string, name: string, kind: string, data: Buffer | string, lease?: string): void {
    this.db.transaction(() => {
      this.fence(run, lease);
      this.db.prepare("INSERT OR REPLACE INTO artifacts (run, name, kind, created_at, data) VALUES (?, ?, ?, ?, ?)").run(run, name, kind, now(), data);
    }).immediate();
  }

  getArtifact(run: string, name: string): Buffer | null {
    const r = this.db.prepare("SELECT data FROM artifacts WHERE run = ? AND name = ?").get(run, name) as { data: Buffer } | undefined;
    return r?.data ?? null;
  }

  /** Replaces a run's claims with these outcomes (rule as JSON and as text, kind, reason). */
  putClaims(run: string, claims: readonly ClaimOutcome[], lease?: string): void {
    const ins = this.db.prepare("INSERT OR REPLACE INTO claims (run, claim, statement, theory, measured, tolerance, rel_error, pass, kind, rule, rule_text, reason, units) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const fin = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    this.db.transaction(() => {
      this.fence(run, lease);
      this.db.prepare("DELETE FROM claims WHERE run = ?").run(run);
      for (const c of claims) if (c.applicable) ins.run(run, c.claim, c.statement, fin(c.theory), fin(c.measured), fin(ruleThreshold(c.rule)), fin(c.error), c.pass ? 1 : 0, c.kind, JSON.stringify(c.rule), c.ruleText, c.reason ?? null, c.units ?? null);
    }).immediate();
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
    const rows = exact ? [exact] : (this.db.prepare("SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at DESC").all(`${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as (Omit<RunRecord, "config"> & { config: string })[]);
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
      if (opts[k] !== undefined) {
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

/** A store that cannot be opened or read (missing, damaged, wrong version): one line, exit 1. */
export class StoreError extends Error {
  readonly exitCode = 1;
}

/** Stores opened by this process (so an SQLite error met later can name the file). */
export const openedStores = new Set<string>();

/** The error for a store SQLite finds damaged, naming the file and what to do. */
export function damaged(path: string, e: Error): StoreError {
  return new StoreError(`the run store ${path} is damaged (${e.message}). Move it aside; 'sqlite3 ${path} .recover' may save its runs.`);
}

/** The store path: --store, else SADDLE_STORE, else ./saddle-runs/saddle.db. */
export function storePath(flag?: string): string {
  return flag ?? process.env.SADDLE_STORE ?? "saddle-runs/saddle.db";
}
