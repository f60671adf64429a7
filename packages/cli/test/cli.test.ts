import { describe, it, expect, beforeAll } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const EXP = "linear-saddle-to-saddle";

/** The child's environment: the user's, without their store (tests never touch it). */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete e.SADDLE_STORE;
  return e;
}

function saddle(args: string[], cwd: string) {
  // maxBuffer: exports of long runs exceed spawnSync's 1 MiB default and would be cut silently.
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: "utf8", env: env(), maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: env() });
}

const exited = (p: ChildProcess) => new Promise<number | null>((res) => p.on("close", (code) => res(code)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: () => boolean, ms = 20000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await sleep(100);
  }
}

describe("saddle CLI end to end", () => {
  let dir: string;
  beforeAll(() => {
    expect(existsSync(MAIN), "build the CLI first (npm run build)").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "saddle-cli-"));
  });

  it("run, ls, show, export, plot (SVG and PNG) on a fresh store", () => {
    type Listed = { id: string; status: string; lastRun: string | null; claimsPassed: number | null; claimsChecked: number | null };
    const listed = () => (JSON.parse(saddle(["experiments", "--json"], dir).stdout) as Listed[]).find((e) => e.id === EXP);
    expect(listed()?.status).toBe("not run");
    expect(existsSync(join(dir, "saddle-runs")), "listing experiments must not create a store").toBe(false);
    const run = saddle(["run", EXP, "--json", "--backend", "reference"], dir);
    expect(run.code, run.stderr).toBe(0);
    const res = JSON.parse(run.stdout);
    expect(Object.keys(res).sort()).toEqual(["claims", "config", "experiment", "final", "id", "reason", "seconds", "seed", "status"]);
    expect(res.status).toBe("done");
    expect(res.claims.every((c: { pass: boolean }) => c.pass)).toBe(true);
    // Every claim states its kind and rule, as data and as text.
    for (const c of res.claims) {
      expect(["claim", "identity", "sanity", "timing"]).toContain(c.kind);
      expect(typeof c.rule.type).toBe("string");
      expect(c.ruleText.length).toBeGreaterThan(0);
    }
    expect(existsSync(join(dir, "saddle-runs", "saddle.db"))).toBe(true);
    expect(listed()).toMatchObject({ status: "pass", lastRun: res.id, claimsPassed: res.claims.length, claimsChecked: res.claims.length });
    expect(saddle(["run", EXP, "--backend", "reference"], dir).stdout).toMatch(/paper claims \d+\/\d+, identities \d+\/\d+/);
    const ls = JSON.parse(saddle(["ls", "--json"], dir).stdout);
    // A person's ls: verdict, wall time and the keys changed from the preset; @latest names the newest run.
    const lsText = saddle(["ls"], dir).stdout;
    expect(lsText.split("\n")[0]).toMatch(/id\s+experiment\s+status\s+claims\s+seed\s+config\s+time\s+created/);
    expect(lsText).toMatch(new RegExp(`${res.id}\\s+${EXP}\\s+done\\s+${res.claims.length}/${res.claims.length}\\s+0\\s+quick\\s+\\d+\\.\\d s`));
    expect(JSON.parse(saddle(["show", `@latest:${EXP}`, "--json"], dir).stdout).id).toBe(ls[0].id);
    expect(saddle(["show", "@latest:no-such-experiment"], dir).code).toBe(2);
    expect(ls.map((r: { id: string }) => r.id)).toContain(res.id);
    const show = saddle(["show", res.id.slice(0, res.id.length - 2)], dir);
    expect(show.stdout).toContain("status     done");
    const csv = saddle(["export", res.id, "--format", "csv"], dir).stdout.trim().split("\n");
    expect(csv[0]).toBe("run,step,t,probe,key,value,source,coords");
    expect(csv.length).toBeGreaterThan(100);
    const svg = saddle(["plot", res.id, "--y", "loss", "--logx", "--logy", "--theory", "-o", "loss.svg"], dir);
    expect(svg.code, svg.stderr).toBe(0);
    const text = readFileSync(join(dir, "loss.svg"), "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("stroke-dasharray"); // the dashed theory line
    const png = saddle(["plot", res.id, "--y", "loss", "--logy", "-o", "loss.png"], dir);
    expect(png.code, png.stderr).toBe(0);
    expect(readFileSync(join(dir, "loss.png")).subarray(1, 4).toString()).toBe("PNG");
    const doctor = JSON.parse(saddle(["doctor", "--json"], dir).stdout);
    expect(doctor.store).toBe(join(dir, "saddle-runs", "saddle.db"));
    expect(["native", "reference"]).toContain(doctor.active);
  });

  it("reproduce --sample runs configs drawn from the domain; experiments <id> describes keys, domain and claims", () => {
    const r = saddle(["reproduce", EXP, "--sample", "2", "--sample-seed", "5", "--json", "--store", "sample.db", "--backend", "reference"], dir);
    expect(r.code, r.stderr).toBe(0);
    const claims = JSON.parse(r.stdout) as { label: string; drawn: Record<string, unknown>; seed: number; pass: boolean; kind: string }[];
    expect(new Set(claims.map((c) => c.label))).toEqual(new Set([`${EXP} #1`, `${EXP} #2`]));
    expect(Object.keys(claims[0].drawn)).toContain("alpha");
    expect(claims.every((c) => c.pass)).toBe(true);
    expect(existsSync(join(dir, "report", "index.html")), "the report goes beside the store").toBe(true);
    // The report: a summary row per experiment with its arXiv link and verdicts by kind, linking to
    // one section per run with provenance (seed, backend, code version, config) and the rule of each claim.
    const html = readFileSync(join(dir, "report", "index.html"), "utf8");
    expect(html).toMatch(/<a href="https:\/\/arxiv\.org\/abs\/1312\.6120">arXiv 1312\.6120<\/a>/);
    expect(html).toMatch(/paper claims \d+\/\d+, identities \d+\/\d+/);
    for (const k of [1, 2]) {
      expect(html).toContain(`href="#${EXP}-${k}"`);
      expect(html).toContain(`<section id="${EXP}-${k}">`);
    }
    expect(html).toMatch(/backend reference, code \d+\.\d+\.\d+/);
    expect(html).toContain("|rel err| &lt;= 3%");
    expect(html).toContain("<svg");
    const again = JSON.parse(saddle(["reproduce", EXP, "--sample", "2", "--sample-seed", "5", "--json", "--store", "sample2.db", "--backend", "reference"], dir).stdout) as { drawn: unknown; seed: number }[];
    expect(again.map((c) => [c.drawn, c.seed])).toEqual(claims.map((c) => [c.drawn, c.seed])); // the draw is reproducible
    const d = JSON.parse(saddle(["experiments", EXP, "--json"], dir).stdout);
    expect(d.paper.url).toBe("https://arxiv.org/abs/1312.6120");
    const alpha = d.keys.find((k: { key: string }) => k.key === "alpha");
    expect(alpha.description).toContain("initial scale");
    expect(alpha.allowed).toContain("> 0");
    expect(Object.keys(d.domain.axes)).toContain("alpha");
    expect(d.claims.map((c: { id: string }) => c.id)).toContain("drop-3-time");
  }, 120_000);

  it("bad keys, flags, values and files exit 2 with a clear message", () => {
    const key = saddle(["run", EXP, "--set", "alpah=0.01"], dir);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain("unknown config key 'alpah'");
    expect(key.stderr).toContain("did you mean 'alpha'");
    const val = saddle(["run", EXP, "--set", "alpha=-1"], dir);
    expect(val.code).toBe(2);
    expect(val.stderr).toMatch(/config key 'alpha' = -1: .*greater than 0/);
    const flag = saddle(["run", EXP, "--presett", "quick"], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--preset");
    const exp = saddle(["run", "linear-saddle-to-sadle"], dir);
    expect(exp.code).toBe(2);
    expect(exp.stderr).toContain("did you mean 'linear-saddle-to-saddle'");
    writeFileSync(join(dir, "bad.yaml"), "alpha: [1, 2\nsteps: :\n");
    const file = saddle(["run", EXP, "-c", "bad.yaml"], dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("config file 'bad.yaml' is not valid YAML");
    writeFileSync(join(dir, "list.yaml"), "- 1\n- 2\n");
    expect(saddle(["run", EXP, "-c", "list.yaml"], dir).stderr).toContain("must hold a mapping");
    expect(saddle(["run", EXP, "-c", "missing.yaml"], dir).stderr).toContain("no such file");
    const seed = saddle(["run", EXP, "--seed", "0x10"], dir);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed must be a decimal integer, got '0x10'");
    const resume = saddle(["run", EXP, "--resume", "abc", "--seed", "3", "--set", "alpha=0.01"], dir);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain("drop --set, --seed");
    expect(saddle(["run", EXP, "--resume", ""], dir).stderr).toContain("--resume needs a run id");
    const pre = saddle(["run", EXP, "--preset", "quik"], dir);
    expect(pre.code).toBe(2);
    expect(pre.stderr).toContain("did you mean 'quick'");
  });

  it("SIGTERM marks the run interrupted with its rows kept; --resume continues onto the uninterrupted curve", async () => {
    const sets = ["--set", "steps=100000", "--set", "every=25", "--backend", "reference"];
    const ref = JSON.parse(saddle(["run", EXP, ...sets, "--json", "--store", "ref.db"], dir).stdout);
    const p = start(["run", EXP, ...sets, "--json"], dir);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    // Wait until the run is registered and has stored rows (its signal handlers are then installed).
    await waitFor(() => {
      const runs = JSON.parse(saddle(["ls", "--json", "--status", "running"], dir).stdout || "[]") as { id: string }[];
      return runs.length > 0 && saddle(["export", runs[0].id, "--format", "jsonl"], dir).stdout.trim().split("\n").length > 2;
    }, 60000);
    p.kill("SIGTERM");
    expect(await exited(p)).toBe(143);
    const res = JSON.parse(out);
    expect(res.status).toBe("interrupted");
    const rowsKept = saddle(["export", res.id, "--format", "jsonl"], dir).stdout.trim().split("\n").length;
    expect(rowsKept).toBeGreaterThan(1);
    const resumed = saddle(["run", EXP, "--resume", res.id, "--json", "--backend", "reference"], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe("done");
    const curve = (db: string, id: string) => saddle(["export", id, "--format", "csv", "--store", db], dir).stdout.trim().split("\n").slice(1).filter((l) => l.includes(",train,loss,")).map((l) => l.split(",").slice(1, 6).join(","));
    expect(curve("saddle-runs/saddle.db", res.id)).toEqual(curve("ref.db", ref.id));
  }, 120_000);

  it("a kill -9'd run is found stale and marked interrupted on the next open", async () => {
    const p = start(["run", EXP, "--set", "steps=400000", "--backend", "reference", "--store", "killed.db"], dir);
    await waitFor(() => existsSync(join(dir, "killed.db")) && (JSON.parse(saddle(["ls", "--json", "--store", "killed.db"], dir).stdout || "[]") as unknown[]).length > 0);
    await sleep(300);
    p.kill("SIGKILL");
    await exited(p);
    const ls = JSON.parse(saddle(["ls", "--json", "--store", "killed.db"], dir).stdout);
    expect(ls[0].status).toBe("interrupted");
    expect(ls[0].reason).toMatch(/found stale: its process \d+ on .* is gone/);
  }, 60_000);

  it("every command's --help shows examples", () => {
    for (const cmd of ["run", "reproduce", "ls", "show", "compare", "plot", "export", "doctor", "experiments"]) {
      const r = saddle([cmd, "--help"], dir);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`Examples:\\n  saddle ${cmd}`));
    }
  });

  it("concurrent runs writing one store lose nothing", async () => {
    const runs = [0, 1, 2].map((seed) => start(["run", EXP, "--seed", String(seed), "--json", "--backend", "reference", "--store", "shared.db"], dir));
    const outs = runs.map((p) => {
      let s = "";
      p.stdout!.on("data", (d) => (s += d));
      return () => s;
    });
    const errs = runs.map((p) => {
      let s = "";
      p.stderr!.on("data", (d) => (s += d));
      return () => s;
    });
    const codes = await Promise.all(runs.map(exited));
    expect(codes, `${errs.map((e) => e()).join(" | ")} | ${outs.map((o) => o().slice(0, 400)).join(" | ")}`).toEqual([0, 0, 0]);
    const ids = outs.map((o) => JSON.parse(o()).id);
    const counts = ids.map((id) => saddle(["export", id, "--format", "jsonl", "--store", "shared.db"], dir).stdout.trim().split("\n").length);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(600);
  }, 60_000);
});
