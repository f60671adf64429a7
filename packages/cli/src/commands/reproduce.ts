import type { Command } from "commander";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EXPERIMENTS, sampleDomain, type AnyExperiment, type ClaimOutcome } from "@saddle/experiments";
import { storePath } from "../store.js";
import type { RunOutcome } from "../runner.js";
import { reproduceReport, type ReproduceResult } from "../report.js";
import { clearProgress, progress } from "../output.js";
import { claimsTable, experimentOrExit, json, openStore, out, parsePositiveInt, parseSeed, storeOpt, tally } from "../common.js";

/** One run to do: an experiment at a preset, or at a config drawn from its domain. */
interface Job {
  e: AnyExperiment;
  label: string;
  preset: string;
  seed: number;
  config?: Record<string, unknown>;
  drawn?: Record<string, unknown>;
}

const failedRun = (e: AnyExperiment, statement: string): ClaimOutcome => ({ experiment: e.id, claim: "(run)", kind: "claim", statement, applicable: true, theory: null, measured: NaN, rule: { type: "equal" }, ruleText: "run completes", error: null, pass: false, reason: statement });

/** `saddle reproduce`: every experiment's claims at a preset, or at configs sampled from each domain. */
export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("run every experiment (or those named) in parallel at a preset, or at K configs drawn from each domain, and check every claim")
    .argument("[experiments...]", "experiment ids (default: all)")
    .option("--preset <name>", "preset to run", "quick")
    .option("--sample <K>", "instead of the preset, draw K configs (and seeds) per experiment from its declared domain")
    .option("--sample-seed <S>", "which draw (--sample)", "0")
    .option("-j, --jobs <n>", "parallel runs (default: available cores)")
    .option("--report <dir>", "where to write the HTML report (default: report/ beside the store)")
    .option("--backend <name>", "auto, native or reference", "auto")
    .option("--json", "print the claims as a JSON array")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle reproduce                       # every claim on the quick presets\n  saddle reproduce lambda-balanced --preset full\n  saddle reproduce linear-saddle-to-saddle --sample 3 --sample-seed 1")
    .action(async (ids: string[], o) => {
      const list = ids.length ? ids.map(experimentOrExit) : [...EXPERIMENTS];
      const jobsN = o.jobs ? parsePositiveInt(o.jobs, "--jobs") : Math.max(1, availableParallelism());
      const path = resolve(storePath(o.store));
      const reportDir = resolve(o.report ?? join(dirname(path), "report"));
      openStore(path).close(); // create and migrate once before the workers start
      const tmp = mkdtempSync(join(tmpdir(), "saddle-reproduce-"));
      const jobs: Job[] = [];
      if (o.sample !== undefined) {
        const k = parsePositiveInt(o.sample, "--sample");
        const sampleSeed = parseSeed(o.sampleSeed, "--sample-seed");
        for (const e of list) {
          if (Object.keys(e.domain.axes).length === 0) {
            jobs.push({ e, label: `${e.id} (no domain declared: quick preset)`, preset: "quick", seed: 0 });
            continue;
          }
          sampleDomain(e.id, e.domain, e.schema, e.presets.quick, k, sampleSeed).forEach((s, i) => jobs.push({ e, label: `${e.id} #${i + 1}`, preset: "quick", seed: s.seed, config: s.config as Record<string, unknown>, drawn: s.drawn as Record<string, unknown> }));
        }
      } else for (const e of list) jobs.push({ e, label: e.id, preset: o.preset, seed: 0 });

      const self = fileURLToPath(new URL("../main.js", import.meta.url));
      const results: ReproduceResult[] = [];
      const running = new Map<Job, ChildProcess>();
      const t0 = performance.now();
      let stopping: NodeJS.Signals | null = null;
      const onSignal = (sig: NodeJS.Signals) => {
        if (stopping) {
          // A second signal: pass it on (each run then exits at once, marked interrupted) and exit.
          for (const child of running.values()) child.kill(sig);
          process.exit(sig === "SIGINT" ? 130 : 143);
        }
        stopping = sig;
        process.stderr.write(`\nsaddle reproduce: ${sig}: stopping ${running.size} run(s); the report will list what finished\n`);
        for (const child of running.values()) child.kill(sig);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const show = () => {
        const el = (performance.now() - t0) / 1000;
        const done = results.length;
        const eta = done > 0 ? ` ETA ${Math.round((el / done) * (jobs.length - done))} s` : "";
        progress(`reproduce: ${done}/${jobs.length} done, ${Math.round(el)} s${eta}; running ${[...running.keys()].map((j) => j.label).join(", ")}`);
      };
      const runOne = (job: Job, index: number) =>
        new Promise<void>((done) => {
          const t1 = performance.now();
          const args = [self, "run", job.e.id, "--preset", job.preset, "--seed", String(job.seed), "--json", "--store", path, "--backend", o.backend, "--threads", "1"];
          if (job.config) {
            const file = join(tmp, `${index}.json`);
            writeFileSync(file, JSON.stringify(job.config));
            args.push("-c", file);
          }
          const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
          running.set(job, child);
          show();
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (d) => (stdout += d));
          child.stderr.on("data", (d) => (stderr += d));
          child.on("close", () => {
            running.delete(job);
            const seconds = (performance.now() - t1) / 1000;
            const base = { experiment: job.e.id, label: job.label, seed: job.seed, drawn: job.drawn, seconds };
            try {
              const r = JSON.parse(stdout) as RunOutcome;
              results.push({ ...base, runId: r.id, status: r.status, claims: r.status === "done" ? r.claims : [failedRun(job.e, `run ended ${r.status}${r.reason ? `: ${r.reason}` : ""}`)] });
            } catch {
              results.push({ ...base, runId: "", status: "failed", claims: [failedRun(job.e, `the run failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`)] });
            }
            show();
            done();
          });
        });
      const queue = jobs.map((j, i) => [j, i] as const);
      await Promise.all(
        Array.from({ length: Math.min(jobsN, jobs.length) }, async () => {
          for (let next = queue.shift(); next && !stopping; next = queue.shift()) await runOne(next[0], next[1]);
        }),
      );
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      clearProgress();
      rmSync(tmp, { recursive: true, force: true });
      results.sort((a, b) => jobs.findIndex((j) => j.label === a.label) - jobs.findIndex((j) => j.label === b.label));
      const claims = results.flatMap((r) => r.claims.map((c) => ({ ...c, label: r.label, seed: r.seed, drawn: r.drawn, seconds: r.seconds, run: r.runId })));
      const store = openStore(path);
      mkdirSync(reportDir, { recursive: true });
      const reportPath = join(reportDir, "index.html");
      writeFileSync(reportPath, reproduceReport(store, results, { mode: o.sample !== undefined ? `${o.sample} config(s) per experiment drawn from its domain (sample seed ${o.sampleSeed})` : `preset ${o.preset}` }));
      store.close();
      const checked = claims.filter((c) => c.applicable);
      if (o.json) json(claims.map(({ rule, ...c }) => ({ ...c, rule })));
      else {
        out(claimsTable(claims, { experimentColumn: true, label: (c) => (c as (typeof claims)[number]).label }));
        const failedN = checked.filter((c) => !c.pass && c.kind !== "timing").length;
        out(`\n${tally(checked)}${failedN ? `; ${failedN} FAILED` : ""}${stopping ? ` (stopped by ${stopping}: ${jobs.length - results.length} run(s) not done)` : ""}\nreport: ${reportPath}`);
      }
      if (stopping) process.exitCode = stopping === "SIGINT" ? 130 : 143;
      else if (checked.some((c) => !c.pass && c.kind !== "timing")) process.exitCode = 1;
    });
}
