import type { Command } from "commander";
import type { ZodTypeAny } from "zod";
import { existsSync } from "node:fs";
import { EXPERIMENTS, FAMILIES, arxivUrl, prepare, type AnyExperiment, type DomainAxis } from "@saddle/experiments";
import { Store, storePath } from "../store.js";
import { describeSchema, getPath } from "../schema.js";
import { green, red, table } from "../output.js";
import { experimentOrExit, json, out, storeOpt } from "../common.js";

type Latest = Map<string, { run: string; status: string; created_at: string; passed: number; total: number }>;

/** The newest stored run of each experiment, when a store exists (listing never creates one). */
function latestRuns(flag?: string): Latest {
  const path = storePath(flag);
  if (!existsSync(path)) return new Map();
  const store = new Store(path);
  try {
    return store.latestByExperiment();
  } finally {
    store.close();
  }
}

function statusOf(latest: Latest, id: string) {
  const r = latest.get(id);
  if (!r) return { status: "not run", lastRun: null, claimsPassed: null, claimsChecked: null };
  const status = r.status === "done" ? (r.passed === r.total ? "pass" : "FAIL") : r.status;
  return { status, lastRun: r.run, claimsPassed: r.passed, claimsChecked: r.total };
}

const axisText = (a: DomainAxis): string => ("choices" in a ? `one of ${a.choices.map((c) => JSON.stringify(c)).join(", ")}` : `${a.integer ? "integer " : ""}${a.scale === "log" ? "log-uniform" : "uniform"} in [${a.range[0]}, ${a.range[1]}]`);

/** Everything a person needs to run and judge one experiment. */
function detail(e: AnyExperiment, latest: Latest) {
  const quick = e.schema.parse(e.presets.quick);
  const keys = describeSchema(e.schema as unknown as ZodTypeAny).map((k) => ({ ...k, quick: getPath(e.presets.quick, k.key), full: getPath(e.presets.full, k.key) }));
  const claims = e.claims(quick, prepare(e, quick, 0).setup).map((c) => ({ id: c.id, kind: c.kind, statement: c.statement, appliesToQuick: c.appliesTo?.(quick) ?? true }));
  const domain = { axes: Object.fromEntries(Object.entries(e.domain.axes as Record<string, DomainAxis>).map(([k, a]) => [k, axisText(a)])), seeds: e.domain.seeds ?? [0, 1000], note: e.domain.note ?? null, derived: Boolean(e.domain.derive), constrained: Boolean(e.domain.where) };
  return { id: e.id, title: e.title, family: e.family, paper: { ...e.paper, url: arxivUrl(e.paper) }, deterministic: e.deterministic ?? null, resumable: e.resumable, keys, domain, claims, ...statusOf(latest, e.id) };
}

/** `saddle experiments [id]`: the list, or one experiment's paper, keys, presets, domain and claims. */
export function registerExperiments(program: Command): void {
  program
    .command("experiments")
    .description("list the experiments (papers, claims, status of the newest stored run), or describe one: config keys, presets, domain and claims")
    .argument("[experiment]", "an experiment id to describe")
    .option("--json", "print JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle experiments\n  saddle experiments lambda-balanced      # keys, ranges, presets, domain, claims\n  saddle experiments --json")
    .action((id: string | undefined, o) => {
      const latest = latestRuns(o.store);
      if (id !== undefined) {
        const d = detail(experimentOrExit(id), latest);
        if (o.json) return json(d);
        out(`${d.id}: ${d.title}\n  family  ${d.family} (${FAMILIES[d.family]})\n  paper   ${d.paper.authors} (${d.paper.year}), ${d.paper.title}, ${d.paper.url}\n  status  ${d.status}${d.lastRun ? ` (run ${d.lastRun})` : ""}${d.deterministic ? `\n  seed    deterministic: ${d.deterministic}` : ""}${d.resumable ? "" : "\n  resume  not supported"}\n`);
        out("Config keys (--set key=value; nested keys as group.key):");
        out(table([["key", "type", "allowed", "quick", "full", "description"], ...d.keys.map((k) => [k.key, k.type, k.allowed, JSON.stringify(k.quick) ?? "-", JSON.stringify(k.full) ?? "-", k.description])]));
        out(`\nDomain (saddle reproduce ${d.id} --sample K draws configs here; other keys keep the quick preset):`);
        out(table([["key", "drawn from"], ...Object.entries(d.domain.axes).map(([k, v]) => [k, v]), ["seed", `integer in [${d.domain.seeds[0]}, ${d.domain.seeds[1]}]`]]));
        if (d.domain.note) out(`  note: ${d.domain.note}`);
        out(`\nClaims at the quick preset (the rule of each is printed with its verdict by 'saddle run'):`);
        out(table([["claim", "kind", "statement"], ...d.claims.map((c) => [c.id, c.kind, `${c.appliesToQuick ? "" : "(n/a at quick) "}${c.statement}`])]));
        return;
      }
      const list = EXPERIMENTS.map((e) => ({ id: e.id, title: e.title, family: e.family, paper: e.paper, presets: e.presets, ...statusOf(latest, e.id) }));
      if (o.json) return json(list);
      const verdict = (e: (typeof list)[number]): string => {
        if (e.claimsChecked === null) return e.status;
        const tallyS = `${e.claimsPassed}/${e.claimsChecked}`;
        return e.status === "pass" ? green(`pass ${tallyS}`) : e.status === "FAIL" ? red(`FAIL ${tallyS}`) : e.status;
      };
      out(table([["id", "family", "paper", "status", "title"], ...list.map((e) => [e.id, e.family, `arXiv ${e.paper.arxiv} (${e.paper.year})`, verdict(e), e.title])]));
      out("\nDescribe one with 'saddle experiments <id>'.");
    });
}
