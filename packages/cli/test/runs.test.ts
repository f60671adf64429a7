import { describe, it, expect, beforeAll } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, existsSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Rng } from "@saddle/core";
import { Store } from "../src/store.js";

// Real processes on real SQLite files: stopping runs, leases and take-overs, divergence, pipes.
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const EXP = "linear-saddle-to-saddle";

/** The child's environment: the user's without their store (tests never touch it), plus `extra`. */
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  if (!("SADDLE_STORE" in extra)) delete e.SADDLE_STORE;
  return e;
};
function saddle(args: string[], cwd: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: "utf8", env: env(extra), maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const start = (args: string[], cwd: string, extra: Record<string, string> = {}): ChildProcess => spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: env(extra) });
const exited = (p: ChildProcess) => new Promise<number | null>((res) => (p.exitCode !== null ? res(p.exitCode) : p.on("close", (code) => res(code))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred: () => boolean, ms = 30000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await sleep(50);
  }
}
/** Rows of a run, read straight from the file (no CLI in between). */
function runsIn(db: string): { id: string; status: string; reason: string | null; rows: number }[] {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare("SELECT id, status, reason, (SELECT count(*) FROM metrics m WHERE m.run = r.id AND m.source = 'sim') AS rows FROM runs r ORDER BY created_at").all() as { id: string; status: string; reason: string | null; rows: number }[];
  } catch {
    return []; // not migrated yet
  } finally {
    d.close();
  }
}
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe("runs you can stop, trust and take over", () => {
  let dir: string;
  let experiments: string[];
  beforeAll(() => {
    expect(existsSync(MAIN), "build the CLI first (npm run build)").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "saddle-runs-"));
    experiments = (JSON.parse(saddle(["experiments", "--json"], dir).stdout) as { id: string }[]).map((e) => e.id);
    expect(experiments.length).toBeGreaterThanOrEqual(19);
  });

  it("SIGINT and SIGTERM at seeded random moments stop every experiment's quick run within a second, rows kept", async () => {
    // The budget is 1 s from the signal to the exit: the compute stops at its next step or its
    // worker is terminated after 0.4 s, and the process exits at once (measured here: 5-250 ms).
    const rng = Rng.seed(13);
    const slow: string[] = [];
    let worst = 0;
    for (const [i, id] of experiments.entries()) {
      const db = join(dir, `sig-${id}.db`);
      const sig = i % 2 === 0 ? "SIGINT" : "SIGTERM";
      const p = start(["run", id, "--store", db, "--json"], dir);
      let stdout = "";
      p.stdout!.on("data", (d) => (stdout += d));
      await waitFor(() => runsIn(db).length > 0);
      await sleep(100 + rng.nextFloat() * 1200);
      const t0 = performance.now();
      if (p.exitCode === null) p.kill(sig);
      const code = await exited(p);
      const dt = (performance.now() - t0) / 1000;
      const r = runsIn(db)[0];
      if (r.status === "done") continue; // finished before the signal arrived
      worst = Math.max(worst, dt);
      if (dt > 1.0) slow.push(`${id} ${dt.toFixed(2)} s`);
      expect(r.status, `${id}: ${r.reason}`).toBe("interrupted");
      expect(r.reason).toContain(`interrupted by ${sig}`);
      expect(code).toBe(sig === "SIGINT" ? 130 : 143);
      expect(JSON.parse(stdout).status).toBe("interrupted");
    }
    expect(slow, `slowest stop ${worst.toFixed(2)} s`).toEqual([]);
  }, 600_000);

  it("a live run stays live for another host over many leases", async () => {
    // Another host checks for 5 s (more than 3 leases of 1.5 s): the owner renews its lease from
    // its main thread while the compute runs in a worker, so a long run is never found stale.
    const db = join(dir, "live.db");
    const p = start(["run", EXP, "--set", "steps=4000000", "--set", "every=4000", "--backend", "reference", "--store", db], dir, { SADDLE_LEASE_S: "1.5" });
    await waitFor(() => runsIn(db).length > 0);
    process.env.SADDLE_LEASE_S = "1.5";
    try {
      for (let k = 0; k < 5; k++) {
        await sleep(1000);
        const other = new Store(db, { host: "another-host" });
        expect(other.getRun(runsIn(db)[0].id)?.status).toBe("running");
        other.close();
      }
    } finally {
      delete process.env.SADDLE_LEASE_S;
      p.kill("SIGKILL");
      await exited(p);
    }
  }, 120_000);

  it("a frozen owner's lease expires; the take-over races the woken owner and loses no row", async () => {
    const lease = { SADDLE_LEASE_S: "1.5" };
    const args = ["--set", "steps=60000", "--set", "every=40", "--backend", "reference"];
    const ref = JSON.parse(saddle(["run", EXP, ...args, "--json", "--store", "ref.db"], dir).stdout);
    expect(ref.status).toBe("done");
    const db = join(dir, "lease.db");
    const a = start(["run", EXP, ...args, "--json", "--store", db], dir, lease);
    let aErr = "";
    a.stderr!.on("data", (d) => (aErr += d));
    await waitFor(() => runsIn(db).length > 0);
    await sleep(300);
    expect(runsIn(db)[0].status, "the run must still be computing when it is frozen").toBe("running");
    // Freeze the owner between two writes (a process stopped inside a write transaction would hold
    // SQLite's lock, and nobody could write: retry until the write lock is free).
    for (let tries = 0; ; tries++) {
      a.kill("SIGSTOP");
      await sleep(20);
      try {
        const d = new Database(db, { timeout: 100 });
        d.exec("BEGIN IMMEDIATE; ROLLBACK");
        d.close();
        break;
      } catch (err) {
        if (tries > 50) throw err;
        a.kill("SIGCONT");
        await sleep(30);
      }
    }
    await sleep(2500);
    process.env.SADDLE_LEASE_S = "1.5";
    const id = runsIn(db)[0].id;
    try {
      const other = new Store(db, { host: "another-host" });
      expect(other.getRun(id)).toMatchObject({ status: "interrupted", reason: expect.stringMatching(/lease expired/) });
      other.close();
    } finally {
      delete process.env.SADDLE_LEASE_S;
    }
    // The take-over and the frozen owner race: the owner wakes as the resume starts.
    const b = start(["run", EXP, "--resume", id, "--json", "--store", db], dir, lease); // on the backend it started on
    a.kill("SIGCONT");
    const [codeA, codeB] = await Promise.all([exited(a), exited(b)]);
    expect(codeA).toBe(1);
    expect(aErr).toMatch(/was taken over by another process; this process stopped writing to it/);
    expect(aErr).not.toMatch(STACK);
    expect(codeB).toBe(0);
    const curve = (store: string, run: string) => saddle(["export", run, "--format", "csv", "--store", store], dir).stdout.trim().split("\n").slice(1).map((l) => l.split(",").slice(1, 6).join(","));
    expect(curve(db, id)).toEqual(curve("ref.db", ref.id));
  }, 300_000);

  it("reproduce: SIGTERM stops every run (none left running), and the report of what finished is written", async () => {
    const db = join(dir, "repro.db");
    const p = start(["reproduce", EXP, "kernel-monte-carlo", "limiting-sgd", "-j", "2", "--store", db], dir);
    let stdout = "";
    p.stdout!.on("data", (d) => (stdout += d));
    await waitFor(() => runsIn(db).length >= 2);
    await sleep(300);
    const t0 = performance.now();
    p.kill("SIGTERM");
    expect(await exited(p)).toBe(143);
    expect((performance.now() - t0) / 1000).toBeLessThan(5); // children stop within 1 s each, then the report
    const runs = runsIn(db);
    expect(runs.filter((r) => r.status === "running")).toEqual([]);
    expect(runs.some((r) => r.status === "interrupted")).toBe(true);
    expect(existsSync(join(dir, "report", "index.html"))).toBe(true);
    expect(stdout).toMatch(/stopped by SIGTERM/);
  }, 120_000);

  it("divergence is stored as diverged with the quantity and step, claims not evaluated; ls and show say so", () => {
    const r = saddle(["run", EXP, "--set", "lr=0.5", "--set", "s=[100]", "--json", "--store", "div.db"], dir);
    expect(r.code).toBe(1);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ status: "diverged", claims: [] });
    expect(res.reason).toMatch(/loss .* exceeded divergeAbove .* at step \d+.*\(loss\)/);
    expect(saddle(["ls", "--store", "div.db"], dir).stdout).toMatch(/diverged/);
    expect(saddle(["show", res.id, "--store", "div.db"], dir).stdout).toMatch(/status\s+diverged/);
  }, 120_000);

  it("pipes and disks: EPIPE ends quietly with 0, a full disk is one line and 1, a damaged or missing store is an error naming the file", () => {
    const run = JSON.parse(saddle(["run", EXP, "--json", "--store", "pipes.db"], dir).stdout);
    for (const cmd of [`export ${run.id} --store pipes.db | head -1`, `show ${run.id} --store pipes.db | head -1`, `ls --store pipes.db | head -1`]) {
      const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${MAIN}" ${cmd}`], { cwd: dir, encoding: "utf8", env: env() });
      expect(r.status, `${cmd}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe("");
    }
    if (existsSync("/dev/full")) {
      const r = spawnSync("bash", ["-c", `"${process.execPath}" "${MAIN}" export ${run.id} --store pipes.db > /dev/full`], { cwd: dir, encoding: "utf8", env: env() });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe("saddle: cannot write output: no space left on the device");
    }
    const missing = saddle(["ls", "--store", "typo/saddle.db"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run store at .*typo\/saddle\.db/);
    expect(existsSync(join(dir, "typo"))).toBe(false);
    // A damaged copy: every read command fails naming the file, never exit 0 with part of it.
    copyFileSync(join(dir, "pipes.db"), join(dir, "bad.db"));
    const buf = readFileSync(join(dir, "bad.db"));
    buf.fill(0x5a, 4096, buf.length - 4096);
    writeFileSync(join(dir, "bad.db"), buf);
    for (const args of [["ls"], ["show", run.id], ["export", run.id]]) {
      const r = saddle([...args, "--store", "bad.db"], dir);
      expect(r.code, `${args[0]}: ${r.stdout.slice(0, 200)}`).toBe(1);
      expect(r.stderr).toMatch(/bad\.db/);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe("");
    }
  }, 120_000);

  it("bad numbers are refused by name: Infinity, NaN, unsafe integers", () => {
    for (const [set, msg] of [
      ["steps=9007199254740993", /config key 'steps' = 9007199254740992: integers must be at most 2\^53 - 1/],
      ["lr=1e999", /config key 'lr' = Infinity: must be a finite number/],
      ["alpha=NaN", /config key 'alpha'/],
    ] as const) {
      const r = saddle(["run", EXP, "--set", set, "--store", "bad-numbers.db"], dir);
      expect(r.code, set).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
