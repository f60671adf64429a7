import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { lambdaBalanced as experiment } from "../src/lazy-rich/lambda-balanced/experiment.js";

describe("lambda-balanced", () => {
  it("rejects unknown keys and bad values", () => {
    const q = experiment.presets.quick;
    expect(() => experiment.schema.parse({ ...q, lambda: 3 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, width: 0 })).toThrow(/width/);
    expect(() => experiment.schema.parse({ ...q, modeSigma0: 3 })).toThrow(/modeSigma0/);
    expect(() => experiment.schema.parse({ ...q, sweepLambdas: [10, 1] })).toThrow(/sweepLambdas/);
  });

  it("the theory's figure curves run from sigma0 toward s, faster for larger lambda (rich sigmoid vs lazy exponential)", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const theory = experiment.theory(cfg);
    const half = (lam: number) => theory.find((r) => r.probe === "modeTime" && r.key === `lambda=${lam}/frac=0.5`)!.value;
    expect(half(0)).toBeGreaterThan(half(0.5));
    expect(half(0.5)).toBeGreaterThan(half(5));
    expect(half(5)).toBeGreaterThan(half(50));
    // lambda = 0: logistic half time ln(s / sigma0 - 1) / (2 s)
    expect(half(0)).toBeCloseTo(Math.log(2 / 1e-3 - 1) / 4, 8);
    // |lambda| >> s: tau_1/2 -> ln(2) / |lambda| (lazy exponential), within O(s / lambda)
    expect(half(50) * 50 / Math.LN2).toBeCloseTo(1, 0);
  });
});
