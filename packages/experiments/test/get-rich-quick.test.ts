import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { checkClaims, prepare } from "@saddle/experiments";
import { getRichQuick as experiment } from "../src/lazy-rich/get-rich-quick/experiment.js";
import { unbalancedMlpInit, meanNeuronDelta } from "../src/lazy-rich/get-rich-quick/grokking.js";
import { symmetrizedInit } from "../src/lazy-rich/get-rich-quick/relu-grid.js";
import { gdDeltaDrift } from "../src/lazy-rich/get-rich-quick/gd-drift.js";

describe("get-rich-quick", () => {
  it("rejects unknown keys and bad values", () => {
    const q = experiment.presets.quick;
    expect(() => experiment.schema.parse({ ...q, delta: 1 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, reluWidth: 21 })).toThrow(/reluWidth/);
    expect(() => experiment.schema.parse({ ...q, gdLrs: [0.05, 0.1] })).toThrow(/gdLrs/);
    expect(() => experiment.schema.parse({ ...q, reluDeltas: [0, 1] })).toThrow(/reluDeltas/);
    expect(() => experiment.schema.parse({ ...q, beta0: [0, 0] })).toThrow(/beta0/);
  });

  it("theory limits: delta -> +inf keeps a fixed (lazy in a), delta -> -inf keeps w fixed", () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.quick, deltas: [-1e4, 1e4], flowTime: 1e-3 }); // both lazy time scales ~ 1/|delta| = 1e-4
    const th = new S.RowQuery(prepare(experiment, cfg, 0).theory, "theory");
    const aPos = th.values("neuron", "a", { delta: 1e4 });
    expect(Math.max(...aPos) / Math.min(...aPos)).toBeLessThan(1 + 1e-4); // readout frozen, w does the learning
    const aNeg = th.values("neuron", "a", { delta: -1e4 }).map(Math.abs);
    expect(Math.max(...aNeg) / Math.min(...aNeg)).toBeGreaterThan(10); // readout does the learning
  });

  it("GD's drift of delta: the modified-flow prediction matches plain GD to O(lr^2), the leading term only to O(lr)", () => {
    // beta* = (0.5, 0.5), beta0 = (0, -1), delta0 = -0.2, T = 8: plain GD in closed loops.
    const [bs, delta, T] = [[0.5, 0.5], -0.2, 8];
    const init = S.getRichQuick.singleNeuronFromBeta(delta, [0, -1]);
    const errs: number[] = [];
    for (const lr of [0.1, 0.05, 0.025]) {
      let a = init.a;
      let w = [...init.w];
      for (let k = 0; k < Math.round(T / lr); k++) {
        const r = w.map((x, j) => a * x - bs[j]);
        const ga = r.reduce((s, x, j) => s + x * w[j], 0);
        const gw = r.map((x) => a * x);
        a -= lr * ga;
        w = w.map((x, j) => x - lr * gw[j]);
      }
      const measured = a * a - w.reduce((s, x) => s + x * x, 0) - delta;
      const p = gdDeltaDrift(init.a, init.w, bs, lr, T);
      errs.push(Math.abs(measured / p.predicted - 1));
      expect(Math.abs(measured / p.leading - 1)).toBeGreaterThan(lr / 2); // O(lr): 0.145 at lr = 0.1
    }
    expect(errs[0]).toBeLessThan(0.01); // 7.2e-3, 1.1e-3, 2.1e-4: a factor ~4-6 per halving
    expect(errs[1] / errs[0]).toBeLessThan(0.3);
    expect(errs[2] / errs[1]).toBeLessThan(0.3);
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

  it("claim sets follow the config; the reference table and the grokking claim apply only to their configs", () => {
    const quick = experiment.schema.parse(experiment.presets.quick);
    const ids = experiment.claims(quick, undefined).map((c) => c.id);
    expect(ids.filter((i) => /^closed-form-\d+$/.test(i)).length).toBe(quick.deltas.length);
    expect(ids.filter((i) => /^gd-drift-\d+$/.test(i)).length).toBe(quick.gdLrs.length);
    const byId = (cfg: typeof quick, id: string) => experiment.claims(cfg, undefined).find((c) => c.id === id)!;
    expect(byId(quick, "reference-nu-table").appliesTo?.(quick)).toBe(true);
    const moved = experiment.schema.parse({ ...experiment.presets.quick, betaStar: [1, 0.3] });
    expect(byId(moved, "reference-nu-table").appliesTo?.(moved)).toBe(false);
    const full = experiment.schema.parse(experiment.presets.full);
    expect(byId(full, "grokking-unbalanced-first").appliesTo?.(full)).toBe(true);
    expect(byId(quick, "grokking-unbalanced-first").appliesTo?.(quick)).toBe(false);
  });

  it("the grokking claim: unbalanced must reach 95% at least one evaluation earlier; a never-grokked run counts as maxSteps + evalEvery", () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.full, grokAlphas: [1, 0.5, 0.25] });
    const rows = (runs: [number, number][]) =>
      runs.flatMap(([reached, steps], i) => [
        { step: 0, t: 0, probe: "grok", key: "reached", value: reached, coords: { alpha: cfg.grokAlphas[i] } },
        { step: 0, t: 0, probe: "grok", key: "steps", value: steps, coords: { alpha: cfg.grokAlphas[i] } },
      ]);
    const verdict = (runs: [number, number][]) => checkClaims(experiment, cfg, undefined, rows(runs), []).find((c) => c.claim === "grokking-unbalanced-first")!;
    expect(verdict([[1, 900], [1, 500], [1, 300]]).measured).toBe(600);
    expect(verdict([[0, 8000], [1, 7100], [0, 8000]]).pass).toBe(true); // balanced never crossed: counts as 8050
    expect(verdict([[1, 300], [1, 500], [1, 900]]).pass).toBe(false);
    expect(verdict([[0, 8000], [0, 8000], [0, 8000]]).pass).toBe(false);
    expect(verdict([[NaN, 8000], [1, 500], [1, 900]]).pass).toBe(false);
  });
});
