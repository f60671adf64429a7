import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { limitingSgd as e } from "../src/symmetry/limiting-sgd/experiment.js";
import { simulateAdditive } from "../src/symmetry/limiting-sgd/additive-model.js";
import { spectralPeak } from "../src/symmetry/limiting-sgd/analysis.js";
import { makeRegression, simulateRegressionPath } from "../src/symmetry/limiting-sgd/linear-regression.js";

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

  it("lagResponse on the diagonal is the AR(2) response; the spectral peak tends to the rotation angle as beta -> 1", () => {
    for (const [h, lambda, eta, beta] of [[1, 0.05, 0.05, 0.9], [2, 0, 0.1, 0.5], [0.1, 0.1, 0.02, 0]]) {
      const q = 0.37;
      expect(stochastic.lagResponse(h, h, lambda, eta, beta) * q).toBeCloseTo(stochastic.discretePositionVariance({ h, lambda, eta, beta, q }) , 12);
    }
    const peak = stochastic.spectralPeakCyclesPerStep(1, 0, 0.01, 0.9999);
    expect(peak / stochastic.discreteOscillationCyclesPerStep(1, 0, 0.01, 0.9999)).toBeCloseTo(1, 6);
  });

  it("regressionSgdCovariance: Sigma_kk = G_kk Q_kk and agreement with a long simulation", () => {
    const prob = makeRegression(S.Rng.seed(3), 400, [1, 0.3], 0.5, 0.05);
    const hyper = { eta: 0.05, beta: 0.8, lambda: 0.05, batch: 10 };
    const { covariance, noise } = stochastic.regressionSgdCovariance(prob, hyper);
    // The noise is the data's at theta* plus the multiplicative part: the variances exceed the response times Q0 / S.
    for (let k = 0; k < 2; k++) expect(covariance[k * 2 + k]).toBeCloseTo(noise[k * 2 + k] * stochastic.lagResponse(prob.h[k], prob.h[k], 0.05, 0.05, 0.8), 12);
    // Simulation: 16 paths x 20000 steps, variance along each direction within 4 standard errors of block means.
    const blocks: number[][] = [[], []];
    for (let p = 0; p < 16; p++) {
      const tr = simulateRegressionPath(prob, { ...hyper, burnIn: 1000, steps: 20000 }, S.Rng.seed(100 + p));
      for (let k = 0; k < 2; k++) for (let b = 0; b < 4; b++) blocks[k].push(tr[k].slice(b * 5000, (b + 1) * 5000).reduce((a, x) => a + x * x, 0) / 5000);
    }
    for (let k = 0; k < 2; k++) {
      const m = blocks[k].reduce((a, b) => a + b, 0) / blocks[k].length;
      const se = Math.sqrt(blocks[k].reduce((a, b) => a + (b - m) ** 2, 0) / (blocks[k].length - 1) / blocks[k].length);
      expect(Math.abs(m - covariance[k * 2 + k]) / se).toBeLessThan(4);
    }
  });

  it("simulation check: the additive model's FFT peak tracks the exact AR(2) rotation", () => {
    const d = { h: 1, lambda: 0, eta: 0.1, beta: 0.95, q: 0.01 };
    const r = simulateAdditive({ ...d, paths: 4, burnIn: 1000, steps: 4096, keep: 4096 }, S.Rng.seed(2));
    expect(Math.abs(spectralPeak(r.traces) / stochastic.discreteOscillationCyclesPerStep(1, 0, 0.1, 0.95) - 1)).toBeLessThan(0.03);
  });
});
