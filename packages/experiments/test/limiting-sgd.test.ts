import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { limitingSgd as e } from "../src/symmetry/limiting-sgd/experiment.js";
import { simulateAdditive } from "../src/symmetry/limiting-sgd/additive-model.js";
import { spectralPeak } from "../src/symmetry/limiting-sgd/analysis.js";

const { stochastic } = S;

describe("limiting-sgd", () => {
  it("schema rejects unknown keys and bad values", () => {
    expect(e.schema.safeParse({ ...e.presets.quick, momentum: 0.9 }).success).toBe(false);
    expect(e.schema.safeParse({ ...e.presets.quick, beta: 1.2 }).success).toBe(false);
    expect(e.schema.safeParse({ ...e.presets.quick, eta: 5 }).success).toBe(false); // unstable
    expect(e.schema.safeParse(e.presets.full).success).toBe(true);
  });

  it("theory limits: eta -> 0, beta -> 0, lambda -> 0", () => {
    const d = { h: 1, lambda: 0.05, eta: 1e-7, beta: 0.9, q: 0.025 };
    expect(stochastic.discretePositionVariance(d) / stochastic.continuousPositionVariance(d)).toBeCloseTo(1, 6);
    // beta = 0: plain SGD, AR(1) variance eta^2 q / (1 - (1 - eta h')^2)
    const p = { h: 1, lambda: 0.05, eta: 0.3, beta: 0, q: 0.025 };
    expect(stochastic.discretePositionVariance(p)).toBeCloseTo((p.eta ** 2 * p.q) / (1 - (1 - p.eta * 1.05) ** 2), 14);
    // lambda = 0: position variance eta sigma^2 / (2 S (1 - beta)) for every h (equal per direction)
    const v = [0.1, 1, 10].map((h) => stochastic.continuousPositionVariance({ h, lambda: 0, eta: 0.05, beta: 0.9, q: stochastic.labelNoiseVariance(0.25, h, 10) }));
    for (const x of v) expect(x).toBeCloseTo((0.05 * 0.25) / (2 * 10 * 0.1), 14);
  });

  it("simulation check: the additive model's FFT peak tracks the exact AR(2) rotation", () => {
    const d = { h: 1, lambda: 0, eta: 0.1, beta: 0.95, q: 0.01 };
    const r = simulateAdditive({ ...d, paths: 4, burnIn: 1000, steps: 4096, keep: 4096 }, S.Rng.seed(2));
    expect(Math.abs(spectralPeak(r.traces) / stochastic.discreteOscillationCyclesPerStep(1, 0, 0.1, 0.95) - 1)).toBeLessThan(0.03);
  });
});
