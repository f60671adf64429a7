import type { Command } from "commander";
import { UsageError, didYouMean } from "../errors.js";
import { getRunOrExit, json, openStore, out, storeOpt } from "../common.js";

/** A CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `saddle export <run>`: a run's rows as CSV or JSON lines. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export a run's rows")
    .argument("<run>", "run id")
    .option("--format <fmt>", "csv or jsonl", "csv")
    .option("--theory", "include theory rows (column source)")
    .option("--json", "print the rows as one JSON array")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle export @latest > rows.csv\n  saddle export <run> --format jsonl --theory | head")
    .action((id: string, o) => {
      if (o.format !== "csv" && o.format !== "jsonl") throw new UsageError(`--format '${o.format}' is not one of csv, jsonl${didYouMean(o.format, ["csv", "jsonl"])}`);
      const store = openStore(o.store, { readonly: true });
      const r = getRunOrExit(store, id);
      const rows = store.metrics(r.id, o.theory ? {} : { source: "sim" });
      store.close();
      if (o.json) return json(rows.map((m) => ({ run: r.id, ...m })));
      if (o.format === "jsonl") out(rows.map((m) => JSON.stringify({ run: r.id, ...m, value: Number.isFinite(m.value) ? m.value : null })).join("\n"));
      else out(["run,step,t,probe,key,value,source,coords", ...rows.map((m) => [r.id, m.step, m.t, m.probe, m.key, m.value, m.source, m.coords ? csvField(JSON.stringify(m.coords)) : ""].join(","))].join("\n"));
    });;
}
