import { describe, it, expect, afterEach } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Store } from "../src/store.js";

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
