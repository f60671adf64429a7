#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as S from "@saddle/core";
import { loadNative, nativeStatus } from "@saddle/native";
import { EXPERIMENTS, getExperiment, type Experiment } from "@saddle/experiments";
import { Store, storePath } from "./store.js";
import { UsageError, didYouMean } from "./errors.js";
import { buildConfig, configKeys } from "./config.js";
import { runIntoStore, CODE_VERSION, type ClaimOutcome, type RunOutcome } from "./runner.js";
import { renderSvg, svgToPng, meanStd, type Series } from "./plot.js";
import { reproduceReport } from "./report.js";
import { clearProgress, fmt, green, progress, red, table } from "./output.js";

const out = (s: string): void => {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
};
const json = (v: unknown): void => out(JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2));

function experimentOrExit(id: string): Experiment {
  const e = getExperiment(id);
  if (!e) throw new UsageError(`unknown experiment '${id}'${didYouMean(id, EXPERIMENTS.map((x) => x.id))}; list them with 'saddle experiments'`);
  return e;
}

/** Chooses the compute backend: native OpenBLAS when built (threads pinned with --threads), else TypeScript. */
function selectBackend(opts: { backend?: string; threads?: string }): string {
  const want = opts.backend ?? "auto";
  if (want !== "auto" && want !== "native" && want !== "reference") throw new UsageError(`--backend '${want}' is not one of auto, native, reference`);
  if (want !== "reference") {
    const nb = loadNative({ quiet: want === "auto" && !process.stderr.isTTY });
    if (nb) {
      S.setBackend("native");
      if (opts.threads !== undefined) {
        const n = Number(opts.threads);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads must be a positive integer, got '${opts.threads}'`);
        nb.setThreads?.(n);
      }
      return "native";
    }
    if (want === "native") throw new UsageError(`--backend native: ${nativeStatus().reason}`);
  }
  S.setBackend("reference");
  return "reference";
}

function openStore(flag?: string): Store {
  return new Store(storePath(flag));
}

function claimsTable(claims: ClaimOutcome[], seconds?: Map<string, number>): string {
  const rows = [["experiment", "claim", "theory", "measured", "error", "tolerance", "verdict", "time"]];
  for (const c of claims) rows.push([c.experiment, c.claim, fmt(c.theory), fmt(c.measured), fmt(c.relError), fmt(c.tolerance), c.pass ? green("pass") : red("FAIL"), seconds?.has(c.experiment) ? `${(seconds.get(c.experiment) as number).toFixed(1)} s` : ""]);
  return table(rows);
}

const program = new Command();
program
  .name("saddle")
  .description("Saddle: train small networks as the theory papers do, compare with the theory, and reproduce the papers' claims.")
  .version(CODE_VERSION)
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const storeOpt = () => new Option("--store <path>", "run store (SQLite file); default $SADDLE_STORE or ./saddle-runs/saddle.db");

program
  .command("run")
  .description("run an experiment and store its rows, claims and checkpoints")
  .argument("<experiment>", "experiment id (see 'saddle experiments')")
  .option("--preset <name>", "config preset (quick or full)", "quick")
  .option("--set <key=value...>", "override config keys (repeatable)")
  .option("-c, --config <file>", "YAML or JSON config file")
  .option("--seed <n>", "random seed", "0")
  .option("--resume <run>", "continue an interrupted run from its last checkpoint")
  .option("--backend <name>", "auto, native or reference", "auto")
  .option("--threads <n>", "BLAS threads (1 = deterministic across machines)")
  .option("--json", "print the result as JSON")
  .addOption(storeOpt())
  .action(async (id: string, o) => {
    const e = experimentOrExit(id);
    const seed = Number(o.seed);
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got '${o.seed}'`);
    const config = o.resume ? undefined : buildConfig(e, { preset: o.preset, file: o.config, set: o.set });
    const backend = selectBackend(o);
    const store = openStore(o.store);
    const res = await runIntoStore(store, e, { config, seed, preset: o.resume ? null : o.preset, backend, resumeId: o.resume, progress: o.json ? undefined : progress });
    clearProgress();
    store.close();
    if (o.json) json({ id: res.id, experiment: res.experiment, config: res.config, seed: res.seed, status: res.status, final: res.final, claims: res.claims });
    else {
      out(`${res.id}  ${res.status}${res.reason ? ` (${res.reason})` : ""}  ${res.seconds.toFixed(1)} s`);
      if (res.claims.length) out(claimsTable(res.claims));
    }
    if (res.status === "interrupted") process.exitCode = res.signal === "SIGINT" ? 130 : 143;
    else if (res.claims.some((c) => !c.pass)) process.exitCode = 1;
  });

program
  .command("reproduce")
  .description("run the quick preset of every experiment (or those named) in parallel and check every claim")
  .argument("[experiments...]", "experiment ids (default: all)")
  .option("--preset <name>", "preset to run", "quick")
  .option("-j, --jobs <n>", "parallel runs (default: available cores)")
  .option("--report <dir>", "where to write the HTML report", "saddle-runs/report")
  .option("--backend <name>", "auto, native or reference", "auto")
  .option("--json", "print the claims as a JSON array")
  .addOption(storeOpt())
  .action(async (ids: string[], o) => {
    const list = ids.length ? ids.map(experimentOrExit) : EXPERIMENTS;
    const jobs = o.jobs ? Number(o.jobs) : Math.max(1, availableParallelism());
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got '${o.jobs}'`);
    const path = resolve(storePath(o.store));
    openStore(path).close(); // create and migrate once before the workers start
    const self = fileURLToPath(import.meta.url);
    const results: { runId: string; experiment: string; claims: ClaimOutcome[]; seconds: number }[] = [];
    const queue = [...list];
    const runOne = (e: Experiment) =>
      new Promise<void>((done) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, [self, "run", e.id, "--preset", o.preset, "--json", "--store", path, "--backend", o.backend, "--threads", "1"], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", () => {
          const seconds = (performance.now() - t0) / 1000;
          try {
            const r = JSON.parse(stdout) as RunOutcome;
            results.push({ runId: r.id, experiment: e.id, claims: r.claims.length ? r.claims : [{ experiment: e.id, claim: "(run)", statement: `run ended ${r.status}`, theory: NaN, measured: NaN, tolerance: NaN, relError: NaN, pass: false }], seconds });
          } catch {
            results.push({ runId: "", experiment: e.id, claims: [{ experiment: e.id, claim: "(run)", statement: `the run failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`, theory: NaN, measured: NaN, tolerance: NaN, relError: NaN, pass: false }], seconds });
          }
          progress(`reproduce: ${results.length}/${list.length} experiments done`);
          done();
        });
      });
    await Promise.all(Array.from({ length: Math.min(jobs, list.length) }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await runOne(e);
    }));
    clearProgress();
    results.sort((a, b) => list.findIndex((e) => e.id === a.experiment) - list.findIndex((e) => e.id === b.experiment));
    const claims = results.flatMap((r) => r.claims.map((c) => ({ ...c, seconds: r.seconds })));
    const store = openStore(path);
    mkdirSync(o.report, { recursive: true });
    const reportPath = join(o.report, "index.html");
    writeFileSync(reportPath, reproduceReport(store, results));
    store.close();
    if (o.json) json(claims.map((c) => ({ experiment: c.experiment, claim: c.claim, statement: c.statement, theory: c.theory, measured: c.measured, tolerance: c.tolerance, relError: c.relError, pass: c.pass, seconds: c.seconds })));
    else {
      out(claimsTable(claims, new Map(results.map((r) => [r.experiment, r.seconds]))));
      const passed = claims.filter((c) => c.pass).length;
      out(`\n${passed}/${claims.length} claims pass; report: ${reportPath}`);
    }
    if (claims.some((c) => !c.pass)) process.exitCode = 1;
  });

program
  .command("ls")
  .description("list stored runs")
  .option("--experiment <id>", "only this experiment")
  .option("--status <status>", "only runs with this status")
  .option("--json", "print JSON")
  .addOption(storeOpt())
  .action((o) => {
    const statuses = ["queued", "running", "done", "failed", "interrupted"];
    if (o.status && !statuses.includes(o.status)) throw new UsageError(`--status '${o.status}' is not one of ${statuses.join(", ")}${didYouMean(o.status, statuses)}`);
    const store = openStore(o.store);
    const runs = store.listRuns({ experiment: o.experiment, status: o.status });
    store.close();
    if (o.json) return json(runs);
    if (runs.length === 0) return out("no runs yet; start one with 'saddle run <experiment>'");
    out(table([["id", "experiment", "status", "seed", "preset", "created"], ...runs.map((r) => [r.id, r.experiment, r.status, String(r.seed), r.preset ?? "-", r.created_at])]));
  });

function getRunOrExit(store: Store, id: string) {
  const r = store.getRun(id);
  if (!r) throw new UsageError(`no run '${id}' in ${store.path}; list runs with 'saddle ls'`);
  return r;
}

program
  .command("show")
  .description("show a run: config, status, final metrics and claims")
  .argument("<run>", "run id (or a unique prefix)")
  .option("--json", "print JSON")
  .addOption(storeOpt())
  .action((id: string, o) => {
    const store = openStore(o.store);
    const r = getRunOrExit(store, id);
    const rows = store.metrics(r.id, { source: "sim" });
    const final: Record<string, number> = {};
    for (const m of rows) final[m.probe === "train" ? m.key : `${m.probe}.${m.key}`] = m.value;
    const claims = store.claims(r.id);
    store.close();
    if (o.json) return json({ ...r, final, claims });
    out(`${r.id}\n  experiment ${r.experiment}\n  status     ${r.status}${r.reason ? ` (${r.reason})` : ""}\n  seed       ${r.seed}\n  backend    ${r.backend}\n  created    ${r.created_at}\n  config     ${JSON.stringify(r.config)}`);
    out(`  final      ${Object.entries(final).map(([k, v]) => `${k}=${fmt(v)}`).join(", ")}`);
    if (claims.length) out(table([["claim", "theory", "measured", "error", "tolerance", "verdict"], ...claims.map((c) => [c.claim, fmt(c.theory), fmt(c.measured), fmt(c.rel_error), fmt(c.tolerance), c.pass ? green("pass") : red("FAIL")])]));
  });

program
  .command("compare")
  .description("compare runs side by side: config differences and final metrics")
  .argument("<runs...>", "run ids")
  .option("--json", "print JSON")
  .addOption(storeOpt())
  .action((ids: string[], o) => {
    const store = openStore(o.store);
    const runs = ids.map((id) => getRunOrExit(store, id));
    const finals = runs.map((r) => {
      const f: Record<string, number> = {};
      for (const m of store.metrics(r.id, { source: "sim" })) f[m.probe === "train" ? m.key : `${m.probe}.${m.key}`] = m.value;
      return f;
    });
    store.close();
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))];
    const differing = keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config[k]))).size > 1);
    const metricKeys = [...new Set(finals.flatMap((f) => Object.keys(f)))];
    if (o.json) return json(runs.map((r, i) => ({ id: r.id, experiment: r.experiment, seed: r.seed, config: r.config, final: finals[i] })));
    out(table([["", ...runs.map((r) => r.id)], ["seed", ...runs.map((r) => String(r.seed))], ...differing.map((k) => [k, ...runs.map((r) => JSON.stringify(r.config[k]))]), ...metricKeys.map((k) => [k, ...finals.map((f) => fmt(f[k]))])]));
  });

program
  .command("plot")
  .description("plot a metric of one or more runs (SVG or PNG); runs that differ only by seed become mean +- std bands")
  .argument("<runs...>", "run ids")
  .requiredOption("--y <key>", "metric key, optionally probe.key (e.g. loss, conserved.drift0)")
  .option("--x <axis>", "t (gradient-flow time) or step", "t")
  .option("--logx", "log x axis")
  .option("--logy", "log y axis")
  .option("--theory", "overlay the theory curves (dashed)")
  .requiredOption("-o, --output <file>", "output .svg or .png")
  .option("--json", "print {output, series} as JSON")
  .addOption(storeOpt())
  .action((ids: string[], o) => {
    if (!/\.(svg|png)$/i.test(o.output)) throw new UsageError(`-o '${o.output}' must end in .svg or .png`);
    if (o.x !== "t" && o.x !== "step") throw new UsageError(`--x '${o.x}' is not one of t, step`);
    const [probe, key] = o.y.includes(".") ? o.y.split(/\.(.*)/s) : ["train", o.y];
    const store = openStore(o.store);
    const runs = ids.map((id) => getRunOrExit(store, id));
    const groups = new Map<string, typeof runs>();
    for (const r of runs) {
      const k = `${r.experiment} ${JSON.stringify(r.config)}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const series: Series[] = [];
    for (const group of groups.values()) {
      const curves = group.map((r) => store.metrics(r.id, { probe, key, source: "sim" }).map((m) => [o.x === "t" ? m.t : m.step, m.value] as [number, number]));
      if (curves.every((c) => c.length === 0)) {
        const avail = [...new Set(store.metrics(group[0].id, { source: "sim" }).map((m) => (m.probe === "train" ? m.key : `${m.probe}.${m.key}`)))];
        throw new UsageError(`run ${group[0].id} has no metric '${o.y}'${didYouMean(o.y, avail)}; available: ${avail.join(", ")}`);
      }
      const name = groups.size > 1 ? `${group[0].id}${group.length > 1 ? ` (${group.length} seeds)` : ""}` : group.length > 1 ? `simulation (mean +- std, ${group.length} seeds)` : "simulation";
      if (group.length > 1) {
        const ms = meanStd(curves);
        series.push({ name, points: ms.mean, band: { lower: ms.lower, upper: ms.upper } });
      } else series.push({ name, points: curves[0] });
      if (o.theory) {
        const th = store.metrics(group[0].id, { probe, key, source: "theory" }).map((m) => [o.x === "t" ? m.t : m.step, m.value] as [number, number]);
        if (th.length) series.push({ name: groups.size > 1 ? `${name} (theory)` : "theory", points: th, dashed: true });
      }
    }
    store.close();
    const e = getExperiment(runs[0].experiment);
    const svg = renderSvg(series, { title: groups.size === 1 ? `${e?.title ?? runs[0].experiment}` : e?.title, xLabel: o.x === "t" ? "gradient-flow time t = lr * step" : "step", yLabel: o.y, logx: o.logx, logy: o.logy });
    mkdirSync(dirname(resolve(o.output)), { recursive: true });
    writeFileSync(o.output, o.output.toLowerCase().endsWith(".png") ? svgToPng(svg) : svg);
    if (o.json) json({ output: resolve(o.output), series: series.map((x) => ({ name: x.name, points: x.points.length, dashed: Boolean(x.dashed), band: Boolean(x.band) })) });
    else process.stderr.write(`wrote ${o.output}\n`);
  });

program
  .command("export")
  .description("export a run's rows")
  .argument("<run>", "run id")
  .option("--format <fmt>", "csv or jsonl", "csv")
  .option("--theory", "include theory rows (column source)")
  .option("--json", "print the rows as one JSON array")
  .addOption(storeOpt())
  .action((id: string, o) => {
    if (o.format !== "csv" && o.format !== "jsonl") throw new UsageError(`--format '${o.format}' is not one of csv, jsonl${didYouMean(o.format, ["csv", "jsonl"])}`);
    const store = openStore(o.store);
    const r = getRunOrExit(store, id);
    const rows = store.metrics(r.id, o.theory ? {} : { source: "sim" });
    store.close();
    if (o.json) return json(rows.map((m) => ({ run: r.id, ...m })));
    if (o.format === "jsonl") out(rows.map((m) => JSON.stringify({ run: r.id, ...m, value: Number.isFinite(m.value) ? m.value : null })).join("\n"));
    else out(["run,step,t,probe,key,value,source", ...rows.map((m) => [r.id, m.step, m.t, m.probe, m.key, m.value, m.source].join(","))].join("\n"));
  });

program
  .command("doctor")
  .description("backend, BLAS threads, store path and versions")
  .option("--json", "print JSON")
  .addOption(storeOpt())
  .action((o) => {
    const status = nativeStatus();
    const backend = status.available ? status.backend!.describe() : { backend: "reference", note: status.reason };
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };
    const store = openStore(o.store);
    const sqlite = (store.db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
    const info = { saddle: pkg.version, node: process.version, platform: `${process.platform}-${process.arch}`, store: store.path, sqlite, backends: S.listBackends(), active: status.available ? "native" : "reference", native: backend, experiments: EXPERIMENTS.length };
    store.close();
    if (o.json) return json(info);
    out(table(Object.entries(info).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)])));
  });

program
  .command("experiments")
  .description("list the experiments with their papers, claims and status (the verdict of the newest stored run)")
  .option("--json", "print JSON")
  .addOption(storeOpt())
  .action((o) => {
    // Reads the store only when it exists: listing experiments never creates a store.
    const path = storePath(o.store);
    let latest = new Map<string, { run: string; status: string; created_at: string; passed: number; total: number }>();
    if (existsSync(path)) {
      const store = new Store(path);
      latest = store.latestByExperiment();
      store.close();
    }
    const statusOf = (id: string): { status: string; lastRun: string | null; claimsPassed: number | null; claimsChecked: number | null } => {
      const r = latest.get(id);
      if (!r) return { status: "not run", lastRun: null, claimsPassed: null, claimsChecked: null };
      const status = r.status === "done" ? (r.passed === r.total ? "pass" : "FAIL") : r.status;
      return { status, lastRun: r.run, claimsPassed: r.passed, claimsChecked: r.total };
    };
    const list = EXPERIMENTS.map((e) => ({ id: e.id, title: e.title, paper: e.paper, claims: e.claims.map((c) => ({ id: c.id, statement: c.statement })), configKeys: configKeys(e), presets: e.presets, ...statusOf(e.id) }));
    if (o.json) return json(list);
    const verdict = (e: (typeof list)[number]): string => {
      if (e.claimsChecked === null) return e.status;
      const tally = `${e.claimsPassed}/${e.claimsChecked}`;
      return e.status === "pass" ? green(`pass ${tally}`) : e.status === "FAIL" ? red(`FAIL ${tally}`) : e.status;
    };
    out(table([["id", "paper", "claims", "status", "title"], ...list.map((e) => [e.id, `arXiv ${e.paper.arxiv} (${e.paper.year})`, String(e.claims.length), verdict(e), e.title])]));
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return;
      process.exitCode = 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`saddle: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`saddle: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();
