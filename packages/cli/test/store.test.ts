import { describe, it, expect, afterEach } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { LeaseLostError, Store, processStart } from "../src/store.js";

describe("store rows", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function fresh(): Store {
    const dir = mkdtempSync(join(tmpdir(), "saddle-store-"));
    dirs.push(dir);
    const store = new Store(join(dir, "saddle.db"));
    store.createRun({ id: "r1", experiment: "e", config: {}, seed: 0, preset: null, backend: "reference", codeVersion: "test" });
    return store;
  }

  it("keeps a non-finite value as NaN, and rejects a non-finite step or t by name without losing stored rows", () => {
    const store = fresh();
    store.insertRows("r1", [{ step: 0, t: 0, probe: "p", key: "k", value: 1 }, { step: 1, t: 0.5, probe: "p", key: "k", value: Infinity }]);
    expect(() => store.insertRows("r1", [{ step: 2, t: 1, probe: "p", key: "k", value: 2 }, { step: 3, t: NaN, probe: "grok", key: "steps", value: 3 }])).toThrow(/row grok\/steps: step and t must be finite numbers, got step 3, t NaN/);
    const rows = store.metrics("r1", {});
    expect(rows.map((r) => r.value)).toEqual([1, NaN]);
    store.close();
  });

  it("rows keep their coordinates; keepFirstRows keeps exactly the first rows in emission order", () => {
    const store = fresh();
    store.insertRows("r1", [0, 1, 2, 3].map((i) => ({ step: i % 2, t: i, probe: "p", key: "k", value: i, coords: { lambda: i, name: `n${i}` } })));
    expect(store.metrics("r1", {}).map((r) => r.coords)).toEqual([0, 1, 2, 3].map((i) => ({ lambda: i, name: `n${i}` })));
    store.keepFirstRows("r1", 3);
    expect(store.metrics("r1", {}).map((r) => r.value)).toEqual([0, 1, 2]);
    store.close();
  });

  it("claims round-trip with their kind, rule, rule text and reason; n/a claims are not stored", () => {
    const store = fresh();
    const base = { experiment: "e", statement: "s", applicable: true, units: undefined };
    store.putClaims("r1", [
      { ...base, claim: "a", kind: "claim", theory: 1, measured: 1.01, rule: { type: "rel", tol: 0.02 }, ruleText: "|rel err| <= 2%", error: 0.01, pass: true },
      { ...base, claim: "b", kind: "identity", theory: 0, measured: NaN, rule: { type: "atMost", bound: 1e-12 }, ruleText: "<= 1e-12", error: null, pass: false, reason: "measured is NaN" },
      { ...base, claim: "c", kind: "claim", applicable: false, theory: null, measured: NaN, rule: { type: "equal" }, ruleText: "= theory", error: null, pass: false },
    ]);
    const back = store.claims("r1", "e");
    expect(back.map((c) => c.claim)).toEqual(["a", "b"]);
    expect(back[0]).toMatchObject({ kind: "claim", rule: { type: "rel", tol: 0.02 }, ruleText: "|rel err| <= 2%", error: 0.01, pass: true });
    expect(back[1]).toMatchObject({ kind: "identity", measured: NaN, pass: false, reason: "measured is NaN" });
    store.close();
  });

  it("a store of schema version 1 opens, migrates and keeps its runs, rows and claims", () => {
    const dir = mkdtempSync(join(tmpdir(), "saddle-store-"));
    dirs.push(dir);
    const path = join(dir, "old.db");
    const db = new Database(path);
    db.exec(V1_SCHEMA);
    db.prepare("INSERT INTO runs (id, experiment, config, seed, status, created_at) VALUES ('old', 'e', '{}', 0, 'done', 'x')").run();
    db.prepare("INSERT INTO metrics (run, step, t, probe, key, value) VALUES ('old', 1, 2, 'train', 'loss', 0.5)").run();
    db.prepare("INSERT INTO claims (run, claim, statement, theory, measured, tolerance, rel_error, pass) VALUES ('old', 'c', 's', 1, 1, 0.1, 0, 1)").run();
    db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);");
    db.close();
    const store = new Store(path);
    expect(store.getRun("old")?.status).toBe("done");
    expect(store.metrics("old", {})).toEqual([{ step: 1, t: 2, probe: "train", key: "loss", value: 0.5, source: "sim" }]);
    expect(store.claims("old", "e")[0]).toMatchObject({ claim: "c", kind: "claim", rule: { type: "rel", tol: 0.1 }, pass: true });
    store.finishRun("old", "diverged", "loss became NaN");
    expect(store.getRun("old")?.status).toBe("diverged");
    store.close();
  });
});

/** The store's schema version 1, as earlier Saddle versions created it. */
const V1_SCHEMA = `CREATE TABLE runs (
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
     PRIMARY KEY (run, claim));`;

describe("store: ownership of a run is a lease", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const path = () => {
    const dir = mkdtempSync(join(tmpdir(), "saddle-lease-"));
    dirs.push(dir);
    return join(dir, "saddle.db");
  };
  const run = { id: "r1", experiment: "e", config: {}, seed: 0, preset: null, backend: "reference", codeVersion: "test" };

  it("a live run is not stale for another host; an expired lease is, on any host", () => {
    const p = path();
    const owner = new Store(p);
    const lease = owner.createRun(run);
    const other = new Store(p, { host: "another-host" });
    expect(other.getRun("r1")?.status).toBe("running");
    expect(owner.heartbeat("r1", lease)).toBe(true);
    // The lease expires: no heartbeat for longer than leaseSeconds() (30 s by default).
    owner.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = 'r1'").run(new Date(Date.now() - 31_000).toISOString());
    expect(other.markStale()).toEqual(["r1"]);
    expect(other.getRun("r1")).toMatchObject({ status: "interrupted", reason: expect.stringMatching(/found stale: its lease expired \(no heartbeat for 3\d s; the lease is 30 s\)/) });
    // The old owner is fenced: its heartbeat fails and its writes are refused.
    expect(owner.heartbeat("r1", lease)).toBe(false);
    expect(() => owner.insertRows("r1", [{ step: 0, t: 0, probe: "p", key: "k", value: 1 }], "sim", lease)).toThrow(LeaseLostError);
    expect(owner.metrics("r1")).toHaveLength(0);
    for (const s of [owner, other]) s.close();
  });

  it("a take-over fences the previous owner and only one resumer wins", () => {
    const p = path();
    const a = new Store(p);
    const leaseA = a.createRun(run);
    a.insertRows("r1", [{ step: 0, t: 0, probe: "p", key: "k", value: 1 }], "sim", leaseA);
    a.finishRun("r1", "interrupted", "test", leaseA);
    const b = new Store(p, { host: "b" });
    const leaseB = b.reopenRun("r1");
    expect(() => new Store(p, { host: "c" }).reopenRun("r1")).toThrow(/already running/);
    expect(() => a.insertRows("r1", [{ step: 1, t: 1, probe: "p", key: "k", value: 2 }], "sim", leaseA)).toThrow(/taken over/);
    expect(() => a.finishRun("r1", "done", null, leaseA)).toThrow(LeaseLostError);
    b.insertRows("r1", [{ step: 1, t: 1, probe: "p", key: "k", value: 3 }], "sim", leaseB);
    expect(b.metrics("r1").map((r) => r.value)).toEqual([1, 3]);
    expect(b.getRun("r1")?.status).toBe("running");
    for (const s of [a, b]) s.close();
  });

  it("on this host, a dead pid or a reused pid (another start time) makes a run stale at once", () => {
    const p = path();
    const s = new Store(p);
    s.createRun(run);
    s.createRun({ ...run, id: "r2" });
    const start = processStart(process.pid);
    expect(start).toMatch(/^\d+$/); // Linux: /proc/<pid>/stat field 22
    // r1: this (live) process's pid, but recorded with another start time: the pid was reused.
    s.db.prepare("UPDATE runs SET pid_start = ? WHERE id = 'r1'").run(String(Number(start) + 1));
    // r2: a pid no process has.
    s.db.prepare("UPDATE runs SET pid = 2147483646 WHERE id = 'r2'").run();
    expect(s.markStale().sort()).toEqual(["r1", "r2"]);
    expect(s.getRun("r1")?.reason).toMatch(/pid \d+ now belongs to another process \(reused pid\)/);
    expect(s.getRun("r2")?.reason).toMatch(/its process 2147483646 on .* is gone/);
    s.close();
  });

  it("read-only opening never creates a store, and names a damaged file", () => {
    const p = path();
    expect(() => new Store(p, { readonly: true })).toThrow(/no run store at .*saddle\.db \(nothing has been run with this store yet\)/);
    expect(existsSync(p)).toBe(false);
    const s = new Store(p);
    s.createRun(run);
    s.insertRows("r1", Array.from({ length: 5000 }, (_, i) => ({ step: i, t: i, probe: "p", key: "k", value: i })));
    s.close();
    // Overwrite a page in the middle of the file (a torn write, a bad disk).
    const buf = readFileSync(p);
    buf.fill(0x5a, Math.floor(buf.length / 2), Math.floor(buf.length / 2) + 4096);
    writeFileSync(p, buf);
    expect(() => {
      const r = new Store(p, { readonly: true });
      r.check();
    }).toThrow(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}.*(damaged|malformed)`));
    writeFileSync(p, "not a database at all, just text");
    expect(() => new Store(p, { readonly: true })).toThrow(/cannot open the run store at .*: file is not a database\. If the file is damaged, move it aside/);
  });
});

describe("store: run ids by prefix", () => {
  it("a prefix is literal: SQL wildcards % and _ match only themselves", () => {
    const dir = mkdtempSync(join(tmpdir(), "saddle-prefix-"));
    const s = new Store(join(dir, "s.db"));
    s.createRun({ id: "linear-abc", experiment: "e", config: {}, seed: 0, preset: null, backend: "reference", codeVersion: "test" });
    expect(s.getRun("linear-")?.id).toBe("linear-abc");
    for (const p of ["%", "%s", "linear_", "_inear", "%abc"]) expect(s.getRun(p), p).toBeNull();
    s.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("store: concurrent first opens", () => {
  it("four processes creating one new store at once all succeed (busy timeout before the WAL switch; migrations re-read under the lock)", async () => {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const dist = fileURLToPath(new URL("../dist/store.js", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "saddle-race-"));
    for (let round = 0; round < 4; round++) {
      const path = join(dir, `race-${round}.db`);
      const codes = await Promise.all(
        [0, 1, 2, 3].map(
          () =>
            new Promise<number | string>((res) => {
              const p = spawn(process.execPath, ["--input-type=module", "-e", `import { Store } from ${JSON.stringify(dist)}; new Store(${JSON.stringify(path)}).close();`], { stdio: ["ignore", "ignore", "pipe"] });
              let err = "";
              p.stderr!.on("data", (d) => (err += d));
              p.on("close", (c) => res(c === 0 ? 0 : `${c}: ${err.split("\n").find((l) => /Error/.test(l)) ?? err.slice(0, 300)}`));
            }),
        ),
      );
      expect(codes, `round ${round}`).toEqual([0, 0, 0, 0]);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
