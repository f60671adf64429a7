import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { getRichQuick as experiment } from "../src/lazy-rich/get-rich-quick/experiment.js";
import { unbalancedMlpInit, meanNeuronDelta } from "../src/lazy-rich/get-rich-quick/grokking.js";
import { symmetrizedInit } from "../src/lazy-rich/get-rich-quick/relu-grid.js";

describe("get-rich-quick", () => {
  it("rejects unknown keys and bad values", () => {
    const q = experiment.presets.quick;
    expect(() => experiment.schema.parse({ ...q, delta: 1 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, reluWidth: 21 })).toThrow(/reluWidth/);
    expect(() => experiment.schema.parse({ ...q, gdLrs: [0.1, 0.07] })).toThrow(/gdLrs/);
    expect(() => experiment.schema.parse({ ...q, reluDeltas: [0, 1] })).toThrow(/reluDeltas/);
  });

  it("theory limits: delta -> +inf keeps a fixed (lazy in a), delta -> -inf keeps w fixed; steady state nu -> beta* fit", () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.quick, deltas: [-1e4, 1e4], flowTime: 1e-3 }); // both lazy time scales ~ 1/|delta| = 1e-4
    const th = experiment.theory(cfg);
    const aCurve = (d: number) => th.filter((r) => r.key === `delta=${d}/a`).map((r) => r.value);
    const aPos = aCurve(1e4);
    expect(Math.max(...aPos) / Math.min(...aPos)).toBeLessThan(1 + 1e-4); // readout frozen, w does the learning
    const aNeg = aCurve(-1e4);
    expect(Math.max(...aNeg.map(Math.abs)) / Math.min(...aNeg.map(Math.abs))).toBeGreaterThan(10); // readout does the learning
  });

  it("inits have the delta they claim", () => {
    const rng = S.Rng.seed(5);
    const relu = symmetrizedInit(rng, 6, 8, 0.1, 1);
    for (let i = 0; i < 8; i++) {
      let w2 = 0;
      for (let r = 0; r < 6; r++) w2 += relu.w.data[r * 8 + i] ** 2;
      expect(relu.a.data[i] ** 2 - w2).toBeCloseTo(1, 10);
    }
    expect(Math.abs(meanNeuronDelta(unbalancedMlpInit(rng, 10, 16, 5, 1)))).toBeLessThan(1e-12);
    expect(meanNeuronDelta(unbalancedMlpInit(rng, 10, 16, 5, 0.5))).toBeGreaterThan(1);
  });

  it("the grokking claim applies only with the grokking comparison, and a never-grokked run counts as infinitely slow", () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.full, grokAlphas: [1, 0.5, 0.25] });
    const claim = experiment.claims.find((c) => c.id === "grokking-unbalanced-first")!;
    expect(claim.appliesTo?.(cfg)).toBe(true);
    expect(claim.appliesTo?.(experiment.schema.parse(experiment.presets.quick))).toBe(false);
    const rows = (steps: number[]) => steps.map((v, i) => ({ step: 0, t: 0, probe: "grok", key: `alpha=${cfg.grokAlphas[i]}/stepsTo95`, value: v }));
    expect(claim.check(rows([900, 500, 300]), cfg, []).measured).toBe(3);
    expect(claim.check(rows([NaN, 7100, NaN]), cfg, []).pass).toBe(true); // NaN: not reached (as read back from the store)
    expect(claim.check(rows([300, 500, 900]), cfg, []).pass).toBe(false);
    expect(claim.check(rows([NaN, NaN, NaN]), cfg, []).pass).toBe(false);
  });
});
