import { MissingDataError, RowQuery, type Row } from "@saddle/core";
import { failed, type ClaimResult, type Rule } from "./rule.js";

/**
 * What a claim is evidence of:
 * - `claim`: a paper's quantity against Saddle's own theory for this config;
 * - `identity`: an exact law of the implementation (an invariance, a conservation law, round-off);
 * - `sanity`: a check the effect passes by a wide margin (>= 30x), or a qualitative guard;
 * - `timing`: wall-clock, reported but never asserted in tests.
 */
export type ClaimKind = "claim" | "identity" | "sanity" | "timing";

export const CLAIM_KINDS: readonly ClaimKind[] = ["claim", "identity", "sanity", "timing"];

/** What a claim's check sees: the config, the setup, and the simulated and theory rows as queries. */
export interface ClaimContext<C, U> {
  cfg: C;
  setup: U;
  /** The run's rows (`RowQuery` throws on missing data, failing the claim with the reason). */
  sim: RowQuery;
  /** The theory rows computed once for this run. */
  theory: RowQuery;
}

/** A claim checked on an experiment's rows. */
export interface Claim<C, U = unknown> {
  /** Stable id; claims generated per config put the index in the id (e.g. `drop-2-time`). */
  id: string;
  kind: ClaimKind;
  statement: string;
  /** Whether the claim is checked for this config (default: always); shown as n/a otherwise. */
  appliesTo?(cfg: C): boolean;
  check(ctx: ClaimContext<C, U>): ClaimResult;
}

/** The outcome of one claim on one run: the result plus who and what. */
export interface ClaimOutcome extends ClaimResult {
  experiment: string;
  claim: string;
  kind: ClaimKind;
  statement: string;
  /** False for a claim that does not apply to this config (shown as n/a, never counted or stored). */
  applicable: boolean;
}

/** Evaluates claims on rows; a thrown error (missing data included) becomes a failed result with its message. */
export function evaluate<C, U>(experiment: string, claims: readonly Claim<C, U>[], cfg: C, setup: U, rows: readonly Row[], theoryRows: readonly Row[]): ClaimOutcome[] {
  const sim = new RowQuery(rows, "simulation");
  const theory = new RowQuery(theoryRows, "theory");
  return claims.map((c) => {
      if (!(c.appliesTo?.(cfg) ?? true)) return { experiment, claim: c.id, kind: c.kind, statement: c.statement, applicable: false, ...failed("n/a: does not apply to this config") };
      let r: ClaimResult;
      try {
        r = c.check({ cfg, setup, sim, theory });
        if (!Number.isFinite(r.measured) && r.pass) r = { ...r, pass: false, reason: `measured is ${r.measured}` };
      } catch (err) {
        const msg = err instanceof MissingDataError ? `missing data: ${err.message}` : `check threw: ${(err as Error).message}`;
        r = failed(msg);
      }
      return { experiment, claim: c.id, kind: c.kind, statement: c.statement, applicable: true, ...r };
    });
}

/** Claims passed / checked per kind, in CLAIM_KINDS order, e.g. "paper claims 96/96, identities 40/40". */
export function tallyByKind(outcomes: readonly { kind: ClaimKind; pass: boolean; applicable?: boolean }[]): { kind: ClaimKind; passed: number; total: number }[] {
  return CLAIM_KINDS.map((kind) => {
    const of = outcomes.filter((o) => o.kind === kind && o.applicable !== false);
    return { kind, passed: of.filter((o) => o.pass).length, total: of.length };
  }).filter((t) => t.total > 0);
}

const KIND_LABEL: Record<ClaimKind, string> = { claim: "paper claims", identity: "identities", sanity: "sanity checks", timing: "timings" };

/** "paper claims 96/96, identities 40/40, sanity checks 5/5". */
export function tallyText(outcomes: readonly { kind: ClaimKind; pass: boolean; applicable?: boolean }[]): string {
  return tallyByKind(outcomes).map((t) => `${KIND_LABEL[t.kind]} ${t.passed}/${t.total}`).join(", ");
}

export type { ClaimResult, Rule };
