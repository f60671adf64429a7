import type { Command } from "commander";
import { finalValues } from "../runner.js";
import { fmt, table } from "../output.js";
import { getRunOrExit, json, openStore, out, storeOpt } from "../common.js";

/** `saddle compare <runs...>`: config differences and final metrics side by side. */
export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("compare runs side by side: config differences and final metrics")
    .argument("<runs...>", "run ids")
    .option("--json", "print JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle compare @latest:linear-saddle-to-saddle <run>\n  saddle compare <run> <run> --json")
    .action((ids: string[], o) => {
      const store = openStore(o.store, { readonly: true });
      const runs = ids.map((id) => getRunOrExit(store, id));
      const finals = runs.map((r) => {
        const f: Record<string, number> = {};
        for (const m of store.metrics(r.id, { source: "sim" })) f[m.probe === "train" ? m.key : `${m.probe}.${m.key}`] = m.value;
        return f;
      });
      store.close();
      const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))];
      // Runs of different experiments have different keys: a key a run lacks shows "-".
      const value = (r: (typeof runs)[number], k: string) => (k in r.config ? JSON.stringify(r.config[k]) : "-");
      const differing = keys.filter((k) => new Set(runs.map((r) => value(r, k))).size > 1);
      const metricKeys = [...new Set(finals.flatMap((f) => Object.keys(f)))];
      if (o.json) return json(runs.map((r, i) => ({ id: r.id, experiment: r.experiment, seed: r.seed, config: r.config, final: finals[i] })));
      out(table([["", ...runs.map((r) => r.id)], ["experiment", ...runs.map((r) => r.experiment)], ["seed", ...runs.map((r) => String(r.seed))], ...differing.map((k) => [k, ...runs.map((r) => value(r, k))]), ...metricKeys.map((k) => [k, ...finals.map((f) => (k in f ? fmt(f[k]) : "-"))])]));
    });;
}
