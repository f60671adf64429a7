import type { Experiment as LegacyExperiment } from "../types.js";
import type { Experiment, Family } from "./define.js";
import type { Claim } from "./claim.js";
import type { ClaimResult, Rule } from "./rule.js";
import { ruleText } from "./rule.js";

/**
 * Wraps a kit-v1 experiment while it waits to move to defineExperiment: its claims keep their
 * v1 checks, read as `claim` (or `timing`) with a relative or upper-bound rule. Deleted once every
 * experiment is on the kit.
 */
export function fromLegacy(old: LegacyExperiment, family: Family): Experiment {
  const claims: Claim<Record<string, unknown>, unknown>[] = old.claims.map((c) => ({
    id: c.id,
    kind: c.timing ? "timing" : "claim",
    statement: c.statement,
    appliesTo: c.appliesTo ? (cfg) => c.appliesTo!(cfg) : undefined,
    check: ({ cfg, sim, theory }): ClaimResult => {
      const r = c.check(sim.rows, cfg, theory.rows);
      const rule: Rule = r.absolute ? { type: "atMost", bound: r.tolerance } : { type: "rel", tol: r.tolerance };
      return { theory: r.theory, measured: r.measured, rule, ruleText: ruleText(rule), error: r.absolute ? null : r.relError, pass: r.pass, units: r.units };
    },
  }));
  return {
    id: old.id,
    title: old.title,
    family,
    paper: old.paper,
    schema: old.schema,
    presets: old.presets,
    domain: { axes: {}, note: "kit v1 experiment: no domain declared yet" },
    resumable: false,
    setup: () => undefined,
    run: (cfg, ctx) => old.run(cfg, ctx),
    theory: (cfg) => old.theory(cfg),
    claims: () => claims,
    figure: old.figure,
  };
}
