import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { buildConfig } from "../config.js";
import { runIntoStore } from "../runner.js";
import { clearProgress, progress } from "../output.js";
import { claimsTable, experimentOrExit, json, openStore, out, parseSeed, selectBackend, storeOpt, tally } from "../common.js";

/** `saddle run <experiment>`: one run into the store, its claims printed. */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run an experiment and store its rows, claims and checkpoints")
    .argument("<experiment>", "experiment id (see 'saddle experiments')")
    .option("--preset <name>", "config preset (quick or full)", "quick")
    .option("--set <key=value...>", "override config keys (repeatable; nested keys as group.key)")
    .option("-c, --config <file>", "YAML or JSON config file")
    .option("--seed <n>", "random seed (decimal integer)", "0")
    .option("--resume <run>", "continue an interrupted run from its last checkpoint")
    .option("--backend <name>", "auto, native or reference", "auto")
    .option("--threads <n>", "BLAS threads (1 = deterministic across machines)")
    .option("--json", "print the result as JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle run linear-saddle-to-saddle --set alpha=1e-4\n  saddle run lambda-balanced --preset full --seed 3\n  saddle run linear-saddle-to-saddle --resume <run id>")
    .action(async (id: string, o, cmd: Command) => {
      const e = experimentOrExit(id);
      if (o.resume !== undefined) {
        if (String(o.resume).trim() === "") throw new UsageError("--resume needs a run id (see 'saddle ls --status interrupted')");
        const conflicting = ["preset", "set", "config", "seed"].filter((k) => cmd.getOptionValueSource(k) === "cli");
        if (conflicting.length) throw new UsageError(`--resume continues a stored run with its own config and seed; drop ${conflicting.map((k) => (k === "config" ? "-c/--config" : `--${k}`)).join(", ")}`);
      }
      const seed = parseSeed(o.seed);
      const config = o.resume ? undefined : buildConfig(e, { preset: o.preset, file: o.config, set: o.set });
      const store = openStore(o.store);
      // A resumed run continues on the backend it started on (another backend's round-off would
      // make it differ from the uninterrupted run), unless --backend says otherwise.
      const stored = o.resume && cmd.getOptionValueSource("backend") !== "cli" ? store.getRun(o.resume)?.backend : undefined;
      const backend = selectBackend(stored ? { ...o, backend: stored } : o);
      const res = await runIntoStore(store, e, { config, seed, preset: o.resume ? null : o.preset, backend, threads: o.threads === undefined ? undefined : Number(o.threads), resumeId: o.resume, progress: o.json ? undefined : progress });
      clearProgress();
      store.close();
      if (o.json) json({ id: res.id, experiment: res.experiment, config: res.config, seed: res.seed, status: res.status, reason: res.reason, seconds: res.seconds, final: res.final, claims: res.claims });
      else {
        out(`${res.id}  ${res.status}${res.reason ? ` (${res.reason})` : ""}  ${res.seconds.toFixed(1)} s`);
        if (res.claims.length) out(`${claimsTable(res.claims)}\n\n${tally(res.claims)}`);
      }
      // Interrupted: exit now rather than wait for a terminated compute thread to unwind (the
      // store is closed and the output written; stdout to a file or pipe is synchronous on Linux).
      if (res.status === "interrupted") process.exit(res.signal === "SIGINT" ? 130 : 143);
      else if (res.status === "diverged" || res.claims.some((c) => c.applicable && c.kind !== "timing" && !c.pass)) process.exitCode = 1;
    });
}
