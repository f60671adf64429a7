import { Option } from "commander";
import * as S from "@saddle/core";
import { loadNative, nativeStatus } from "@saddle/native";
import { EXPERIMENTS, getExperiment, tallyText, type AnyExperiment, type ClaimOutcome } from "@saddle/experiments";
import { Store, storePath } from "./store.js";
import { UsageError, didYouMean } from "./errors.js";
import { fmt, green, red, dim, table } from "./output.js";

/** Data to stdout, newline-terminated. */
export const out = (s: string): void => {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
};

/** JSON to stdout; non-finite numbers become null. */
export const json = (v: unknown): void => out(JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2));

export function experimentOrExit(id: string): AnyExperiment {
  const e = getExperiment(id);
  if (!e) throw new UsageError(`unknown experiment '${id}'${didYouMean(id, EXPERIMENTS.map((x) => x.id))}; list them with 'saddle experiments'`);
  return e;
}

/** Chooses the compute backend: native OpenBLAS when built (threads pinned with --threads), else TypeScript. */
export function selectBackend(opts: { backend?: string; threads?: string }): string {
  const want = opts.backend ?? "auto";
  if (want !== "auto" && want !== "native" && want !== "reference") throw new UsageError(`--backend '${want}' is not one of auto, native, reference`);
  if (want !== "reference") {
    const nb = loadNative({ quiet: want === "auto" && !process.stderr.isTTY });
    if (nb) {
      S.setBackend("native");
      if (opts.threads !== undefined) {
        const n = Number(opts.threads);
        if (!/^[0-9]+$/.test(opts.threads) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--threads must be a positive integer, got '${opts.threads}'`);
        nb.setThreads?.(n);
      }
      return "native";
    }
    if (want === "native") throw new UsageError(`--backend native: ${nativeStatus().reason}`);
  }
  S.setBackend("reference");
  return "reference";
}

/**
 * Opens the run store. Commands that only read pass `readonly`: the store must exist (a typo'd
 * path is an error, never a new empty store) and is checked for damage (PRAGMA quick_check).
 */
export function openStore(flag?: string, opts: { readonly?: boolean } = {}): Store {
  const store = new Store(storePath(flag), { readonly: opts.readonly });
  if (opts.readonly) {
    try {
      store.check();
    } catch (e) {
      store.close();
      throw e;
    }
  }
  return store;
}

export const storeOpt = (): Option => new Option("--store <path>", "run store (SQLite file); default $SADDLE_STORE or ./saddle-runs/saddle.db");

/** Parses --seed: a decimal integer only (no hex, exponents or fractions). */
export function parseSeed(raw: string, flag = "--seed"): number {
  const n = Number(raw);
  if (!/^-?[0-9]+$/.test(raw) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a decimal integer, got '${raw}'`);
  return n;
}

/** A positive decimal integer flag. */
export function parsePositiveInt(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${raw}'`);
  return n;
}

const verdictText = (c: ClaimOutcome) => (!c.applicable ? dim("n/a") : c.kind === "timing" ? dim(c.pass ? "measured" : "FAIL") : c.pass ? green("pass") : red("FAIL"));

/**
 * The claims table: kind, theory, measured, the rule's error measure, the rule as text and the
 * verdict (n/a for claims that do not apply to the config; timings are reported, not judged).
 */
export function claimsTable(claims: readonly ClaimOutcome[], opts: { experimentColumn?: boolean; label?: (c: ClaimOutcome) => string } = {}): string {
  const head = [...(opts.experimentColumn ? ["experiment"] : []), "claim", "kind", "theory", "measured", "error", "rule", "verdict"];
  const rows = [head];
  for (const c of claims) {
    rows.push([
      ...(opts.experimentColumn ? [opts.label ? opts.label(c) : c.experiment] : []),
      c.claim,
      c.kind,
      c.theory === null ? "-" : fmt(c.theory),
      fmt(c.measured),
      c.error === null ? "-" : fmt(c.error),
      c.ruleText,
      verdictText(c),
    ]);
  }
  const failures = claims.filter((c) => c.applicable && !c.pass && c.reason);
  const notes = failures.length ? `\n${failures.map((c) => `  ${c.claim}: ${c.reason}`).join("\n")}` : "";
  return table(rows) + notes;
}

/** "paper claims 5/5, identities 2/2" (timings counted as measured). */
export function tally(claims: readonly ClaimOutcome[]): string {
  return tallyText(claims);
}

/** A stored run by id or unique prefix, or a usage error naming the store. */
export function getRunOrExit(store: Store, id: string) {
  // @latest: the newest run; @latest:<experiment>: the newest run of that experiment.
  const latest = /^@latest(?::(.+))?$/.exec(id);
  if (latest) {
    const [r] = store.listRuns({ experiment: latest[1], limit: 1 });
    if (!r) throw new UsageError(`no run${latest[1] ? ` of experiment '${latest[1]}'` : ""} in ${store.path} for '${id}'; list runs with 'saddle ls'`);
    return r;
  }
  const r = store.getRun(id);
  if (!r) throw new UsageError(`no run '${id}' in ${store.path}; list runs with 'saddle ls' (a unique prefix of an id, @latest or @latest:<experiment> also work)`);
  return r;
}
