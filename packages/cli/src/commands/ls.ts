import type { Command } from "commander";
import { RUN_STATUSES } from "../store.js";
import { UsageError, didYouMean } from "../errors.js";
import { table } from "../output.js";
import { json, openStore, out, storeOpt } from "../common.js";

/** `saddle ls`: the stored runs. */
export function registerLs(program: Command): void {
  program
    .command("ls")
    .description("list stored runs")
    .option("--experiment <id>", "only this experiment")
    .option("--status <status>", `only runs with this status (${RUN_STATUSES.join(", ")})`)
    .option("--json", "print JSON")
    .addOption(storeOpt())
    .action((o) => {
      if (o.status !== undefined && !RUN_STATUSES.includes(o.status)) throw new UsageError(`--status '${o.status}' is not one of ${RUN_STATUSES.join(", ")}${didYouMean(o.status, RUN_STATUSES)}`);
      const store = openStore(o.store, { readonly: true });
      const runs = store.listRuns({ experiment: o.experiment, status: o.status });
      store.close();
      if (o.json) return json(runs);
      if (runs.length === 0) return out("no runs yet; start one with 'saddle run <experiment>'");
      out(table([["id", "experiment", "status", "seed", "preset", "created"], ...runs.map((r) => [r.id, r.experiment, r.status, String(r.seed), r.preset ?? "-", r.created_at])]));
    });
}
