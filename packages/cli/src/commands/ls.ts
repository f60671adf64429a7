import type { Command } from "commander";
import { RUN_STATUSES } from "../store.js";
import { UsageError, didYouMean } from "../errors.js";
import { table } from "../output.js";
import { getExperiment } from "@saddle/experiments";
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
    .addHelpText("after", "\nExamples:\n  saddle ls\n  saddle ls --experiment limiting-sgd --status interrupted\n  saddle ls --json")
    .action((o) => {
      if (o.status !== undefined && !RUN_STATUSES.includes(o.status)) throw new UsageError(`--status '${o.status}' is not one of ${RUN_STATUSES.join(", ")}${didYouMean(o.status, RUN_STATUSES)}`);
      const store = openStore(o.store, { readonly: true });
      const runs = store.listRuns({ experiment: o.experiment, status: o.status });
      if (o.json) {
        store.close();
        return json(runs);
      }
      if (runs.length === 0) {
        store.close();
        return out("no runs yet; start one with 'saddle run <experiment>'");
      }
      // A person's view: the verdict, the wall time, and the config keys that differ from the preset.
      const rows = runs.map((r) => {
        const claims = store.claims(r.id, r.experiment).filter((c) => c.kind !== "timing");
        const verdict = r.status !== "done" ? "-" : `${claims.filter((c) => c.pass).length}/${claims.length}${claims.some((c) => !c.pass) ? " FAIL" : ""}`;
        const secs = r.started_at && r.finished_at ? `${((Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000).toFixed(1)} s` : "-";
        const e = getExperiment(r.experiment);
        const base = (r.preset && (e?.presets as Record<string, Record<string, unknown>> | undefined)?.[r.preset]) || e?.presets.quick || {};
        const changed = Object.keys(r.config).filter((k) => JSON.stringify(r.config[k]) !== JSON.stringify(base[k]));
        const cfg = changed.length === 0 ? (r.preset ?? "-") : `${r.preset ? `${r.preset} + ` : ""}${changed.map((k) => `${k}=${JSON.stringify(r.config[k])}`).join(" ")}`;
        const status = r.status === "done" || !r.reason ? r.status : `${r.status} (${r.reason.length > 60 ? `${r.reason.slice(0, 57)}...` : r.reason})`;
        return [r.id, r.experiment, status, verdict, String(r.seed), cfg.length > 50 ? `${cfg.slice(0, 47)}...` : cfg, secs, r.created_at.slice(0, 19).replace("T", " ")];
      });
      store.close();
      out(table([["id", "experiment", "status", "claims", "seed", "config", "time", "created"], ...rows]));
    });
}
