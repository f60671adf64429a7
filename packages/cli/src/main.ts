#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { UsageError } from "./errors.js";
import { damaged, openedStores } from "./store.js";
import { PACKAGE_VERSION } from "./version.js";
import { registerRun } from "./commands/run.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerLs } from "./commands/ls.js";
import { registerShow } from "./commands/show.js";
import { registerCompare } from "./commands/compare.js";
import { registerPlot } from "./commands/plot.js";
import { registerExport } from "./commands/export.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerExperiments } from "./commands/experiments.js";

// A closed pipe (`saddle export <run> | head -1`) ends quietly with status 0, as `git log | head` does;
// a full disk or other write error is one line and exit 1.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  process.stderr.write(`saddle: cannot write output: ${err.code === "ENOSPC" ? "no space left on the device" : err.message}\n`);
  process.exit(1);
});

const program = new Command();
program
  .name("saddle")
  .description("Saddle: train small networks as the theory papers do, compare with the theory, and reproduce the papers' claims.")
  .version(PACKAGE_VERSION)
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

for (const register of [registerRun, registerReproduce, registerLs, registerShow, registerCompare, registerPlot, registerExport, registerDoctor, registerExperiments]) register(program);

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
    // SQLite reporting a damaged file mid-query (after the open-time check): name the store.
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB)/.test(code) && openedStores.size) {
      process.stderr.write(`saddle: ${damaged([...openedStores].join(", "), err as Error).message}\n`);
    } else process.stderr.write(`saddle: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();
