import type { Command } from "commander";
import { finalValues } from "../runner.js";
import { fmt } from "../output.js";
import { claimsTable, getRunOrExit, json, openStore, out, storeOpt, tally } from "../common.js";

/** `saddle show <run>`: config, status, final metrics and claims of one run. */
export function registerShow(program: Command): void {
  program
    .command("show")
    .description("show a run: config, status, final metrics and claims")
    .argument("<run>", "run id (or a unique prefix)")
    .option("--json", "print JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle show @latest\n  saddle show <run id or prefix> --json")
    .action((id: string, o) => {
      const store = openStore(o.store, { readonly: true });
      const r = getRunOrExit(store, id);
      const final = finalValues(store.metrics(r.id, { source: "sim" }));
      const claims = store.claims(r.id, r.experiment);
      store.close();
      if (o.json) return json({ ...r, final, claims });
      out(`${r.id}\n  experiment ${r.experiment}\n  status     ${r.status}${r.reason ? ` (${r.reason})` : ""}\n  seed       ${r.seed}\n  backend    ${r.backend}\n  code       ${r.code_version ?? "-"}\n  created    ${r.created_at}\n  config     ${JSON.stringify(r.config)}`);
      out(`  final      ${Object.entries(final).map(([k, v]) => `${k}=${fmt(v)}`).join(", ")}`);
      if (claims.length) out(`${claimsTable(claims)}\n\n${tally(claims)}`);
    });
}
