import type { Command } from "commander";
import * as S from "@saddle/core";
import { nativeStatus } from "@saddle/native";
import { EXPERIMENTS } from "@saddle/experiments";
import { table } from "../output.js";
import { PACKAGE_VERSION } from "../version.js";
import { json, openStore, out, storeOpt } from "../common.js";

/** `saddle doctor`: backend, BLAS threads, store path and versions. */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("backend, BLAS threads, store path and versions")
    .option("--json", "print JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle doctor\n  saddle doctor --json")
    .action((o) => {
      const status = nativeStatus();
      const backend = status.available ? status.backend!.describe() : { backend: "reference", note: status.reason };
      const store = openStore(o.store);
      const sqlite = (store.db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
      const info = { saddle: PACKAGE_VERSION, node: process.version, platform: `${process.platform}-${process.arch}`, store: store.path, sqlite, backends: S.listBackends(), active: status.available ? "native" : "reference", native: backend, experiments: EXPERIMENTS.length };
      store.close();
      if (o.json) return json(info);
      out(table(Object.entries(info).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)])));
    });;
}
