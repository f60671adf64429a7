import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { prepare, checkClaims } from "@saddle/experiments";
import { lambdaBalanced as experiment } from "../src/lazy-rich/lambda-balanced/experiment.js";

describe("lambda-balanced", () => {
  const cfg = experiment.schema.parse(experiment.presets.quick);

  it("rejects unknown keys and bad values", () => {
    const q = experiment.presets.quick;
    expect(() => experiment.schema.parse({ ...q, lambda: 3 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, width: 0 })).toThrow(/width/);
    expect(() => experiment.schema.parse({ ...q, modeSigma0: 3 })).toThrow(/modeSigma0/);
    expect(() => experiment.schema.parse({ ...q, sweepLambdas: [10, 1] })).toThrow(/sweepLambdas/);
    expect(() => experiment.schema.parse({ ...q, modeFractions: [0.5, 0.25] })).toThrow(/modeFractions/);
  });

  it("the theory's crossing times: faster for larger lambda (rich sigmoid vs lazy exponential), with the logistic and lazy limits", () => {
    const { theory } = prepare(experiment, cfg, 0);
    const q = new S.RowQuery(theory, "theory");
    const half = (lambda: number) => q.one("modeTime", "tau", { lambda, frac: 0.5 });
    expect(half(0)).toBeGreaterThan(half(0.5));
    expect(half(0.5)).toBeGreaterThan(half(5));
    expect(half(5)).toBeGreaterThan(half(50));
    // lambda = 0: logistic half time ln(s / sigma0 - 1) / (2 s)
    expect(half(0)).toBeCloseTo(Math.log(2 / 1e-3 - 1) / 4, 8);
    // |lambda| >> s: tau_1/2 -> ln(2) / |lambda| (lazy exponential), within O(s / lambda)
    expect((half(50) * 50) / Math.LN2).toBeCloseTo(1, 0);
    // the reference table's entries, to its 4 decimals
    expect(q.one("modeTime", "tau", { lambda: 5, frac: 0.9 })).toBeCloseTo(0.4101, 4);
  });

  it("claim sets follow the config: one QQ^T claim per time, one mode claim per lambda, one kernel claim per sweep lambda; the table is n/a off its config", () => {
    const ids = experiment.claims(cfg, undefined as never).map((c) => c.id);
    expect(ids.filter((i) => i.startsWith("qqt-")).length).toBe(cfg.qqtTimes.length);
    expect(ids.filter((i) => /^mode-\d+-times$/.test(i)).length).toBe(cfg.modeLambdas.length);
    expect(ids.filter((i) => /^kernel-distance-\d+$/.test(i)).length).toBe(cfg.sweepLambdas.length);
    const table = experiment.claims(cfg, undefined as never).find((c) => c.id === "mode-time-table")!;
    expect(table.appliesTo?.(cfg)).toBe(true);
    expect(table.appliesTo?.(experiment.schema.parse({ ...experiment.presets.quick, modeS: 3 }))).toBe(false);
    expect(table.appliesTo?.(experiment.schema.parse({ ...experiment.presets.quick, modeFractions: [0.5] }))).toBe(false);
  });

  it("the closed-form kernel distance predicts an ordering from rich to lazy, and the claims fail on a wrong closed form", () => {
    const { setup, theory } = prepare(experiment, cfg, 0);
    const q = new S.RowQuery(theory, "theory");
    const d = cfg.sweepLambdas.map((lambda) => q.one("sweep", "kernelDistance", { lambda }));
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThan(d[i - 1]);
    // Feeding the theory as the simulation with the kernel distances scaled by 1.001 must fail the kernel claims.
    const fake = theory.map((r) => (r.probe === "sweep" ? { ...r, value: r.value * 1.001 } : r));
    const out = checkClaims(experiment, cfg, setup, fake, theory).filter((c) => /^kernel-distance-\d+$/.test(c.claim));
    expect(out.length).toBe(cfg.sweepLambdas.length);
    for (const c of out) expect(c.pass).toBe(false);
  });
});
