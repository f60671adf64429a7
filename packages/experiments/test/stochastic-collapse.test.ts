import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { stochasticCollapse as e } from "../src/symmetry/stochastic-collapse/experiment.js";
import { pathSlopes, simulateQuartic } from "../src/symmetry/stochastic-collapse/quartic-sde.js";
import { simulateNeuron } from "../src/symmetry/stochastic-collapse/neuron-sde.js";
import { runDiagonal, makeDiagonalTask } from "../src/symmetry/stochastic-collapse/diagonal-teacher-student.js";
import { QUARTIC_REFERENCE } from "../src/symmetry/stochastic-collapse/reference.js";
import { meanSe } from "../src/kit/index.js";

const { stochastic } = S;

describe("stochastic-collapse", () => {
  it("schema rejects unknown keys and bad values", () => {
    expect(e.schema.safeParse({ ...e.presets.quick, bogus: 1 }).success).toBe(false);
    expect(e.schema.safeParse({ ...e.presets.quick, dt: -1 }).success).toBe(false);
    expect(e.schema.safeParse({ ...e.presets.quick, zetas: [2, 1, 3] }).success).toBe(false);
    expect(e.schema.safeParse({ ...e.presets.quick, neuronRateAlphas: [2, 1] }).success).toBe(false);
    expect(e.schema.safeParse(e.presets.full).success).toBe(true);
  });

  it("theory limits: threshold, growth rate sign and finite-time bound", () => {
    const mu = 1.5;
    const zc = stochastic.quarticCollapseThreshold(mu);
    expect(stochastic.quarticLogGrowthRate(mu, zc)).toBeCloseTo(0, 14);
    expect(stochastic.quarticLogGrowthRate(mu, 0)).toBe(mu); // zeta -> 0: linear instability rate of 0
    // T -> infinity: the finite-time crossing bound tends to the threshold
    expect(stochastic.quarticFiniteTimeCrossingBound(mu, 1, 1e-15, 1e9)).toBeCloseTo(zc, 6);
    expect(stochastic.quarticFiniteTimeCrossingBound(mu, 1, 1e-15, 100)).toBeGreaterThan(zc);
  });

  it("finite-time collapse probability (Fokker-Planck): limits, the crossing bound, and the reference table", () => {
    const p = (zeta: number, t = 100, extra: Partial<S.stochastic.QuarticCollapseSpec> = {}) => stochastic.quarticCollapseProbability({ mu: 1.5, zeta, theta0: 1, eps: 1e-15, t, dt: 0.0025, ...extra });
    // Far below the threshold nothing collapses; far above everything does.
    expect(p(0.5)).toBeLessThan(1e-10);
    expect(p(3)).toBeGreaterThan(1 - 1e-6);
    // The 50% crossing lies between sqrt(2 mu) and the free-median bound sqrt(2 mu + 2 log(theta0/eps)/T).
    const zc = stochastic.quarticCollapseThreshold(1.5);
    const hi = stochastic.quarticFiniteTimeCrossingBound(1.5, 1, 1e-15, 100);
    expect(p(zc)).toBeLessThan(0.5);
    expect(p(hi)).toBeGreaterThan(0.5);
    // Grid convergence: halving h and tau moves P by < 1e-3.
    expect(Math.abs(p(1.9) - p(1.9, 100, { h: 0.1, tau: 0.025 }))).toBeLessThan(1e-3);
    // The reference's 1000-path fractions agree within 4 binomial standard errors.
    for (const [zeta, ref] of QUARTIC_REFERENCE.table) {
      const q = p(zeta);
      expect(Math.abs(q - ref), `zeta ${zeta}: ${q} vs ${ref}`).toBeLessThan(4 * Math.sqrt(Math.max(q * (1 - q), 1e-3) / 1000) + 1e-3);
    }
  });

  it("simulation check: quartic SDE at zeta -> 0 sits at the deterministic minimum sqrt(mu)", () => {
    const r = simulateQuartic({ mu: 1.5, zeta: 0.05, dt: 0.005, horizon: 20, paths: 100, theta0: 0.3, recordEvery: 0.5 }, S.Rng.seed(1));
    const late = r.meanSquare.filter((_, j) => r.times[j] >= 10);
    const avg = late.reduce((a, b) => a + b, 0) / late.length;
    expect(Math.abs(avg - stochastic.quarticStationarySecondMoment(1.5, 0.05))).toBeLessThan(0.01);
  });

  it("simulation check: Euler-Maruyama log growth of the linear SDE matches its closed-form rate", () => {
    // x_{k+1} = x_k (1 + a dt + b sqrt(dt) xi): the mean log increment per unit time over many steps
    const a = 1.5;
    const b = 2.5;
    const dt = 0.0025;
    const rng = S.Rng.seed(7);
    const xi = new Float64Array(200_000);
    rng.fillNormal(xi);
    let acc = 0;
    for (const v of xi) acc += Math.log(Math.abs(1 + a * dt + b * Math.sqrt(dt) * v));
    const measured = acc / xi.length / dt;
    const predicted = stochastic.eulerMaruyamaLogGrowthRate(a, b, dt);
    // standard error: b / sqrt(dt N) = 0.22; the dt -> 0 Ito rate a - b^2/2 differs by 0.073
    expect(Math.abs(measured - predicted)).toBeLessThan(4 * (b / Math.sqrt(dt * xi.length)));
    expect(stochastic.eulerMaruyamaLogGrowthRate(a, b, 1e-7)).toBeCloseTo(a - (b * b) / 2, 4);
  });

  it("simulation check: the tanh neuron near the origin follows the linearised chain of u = w1 + w2 (per-path slopes)", () => {
    const rng = S.Rng.seed(5);
    const x = new Float64Array(12);
    rng.fork("x").fillNormal(x);
    const y = x.map((v, i) => 0.8 * v + 0.2 * Math.sin(i));
    const xx = x.reduce((a, b) => a + b * b, 0) / x.length;
    const aStar = stochastic.neuronCollapseThreshold(x, y);
    for (const alpha of [0.4, 2]) {
      const res = simulateNeuron({ x, y, alpha, dt: 0.01, horizon: 10, paths: 200, w0: [1e-30, 1e-30], recordEvery: 0.25 }, rng.fork(`a${alpha}`));
      const { mean, se } = meanSe(pathSlopes(res.times, res.logNorms, 0));
      const predicted = stochastic.eulerMaruyamaLogGrowthRate(xx * aStar, Math.sqrt(2 * alpha * xx), 0.01);
      expect(Math.abs(mean - predicted) / se, `alpha ${alpha}: ${mean} vs ${predicted}`).toBeLessThan(4);
      expect(Math.sign(predicted)).toBe(alpha < aStar ? 1 : -1);
    }
  });

  it("simulation check: diagonal modes below eta sigma^2/(2N) collapse, above survive", () => {
    const task = makeDiagonalTask(S.Rng.seed(3), 8, 3, 0.5);
    const sigma = 12;
    const thr = stochastic.labelNoiseModeThreshold(3, sigma, 1024);
    const p = runDiagonal(task, { eta: 3, samples: 1024, sigma, steps: 60000, decayAt: 60000 }, S.Rng.seed(4));
    task.s.forEach((s, k) => {
      if (s < thr / 2) expect(Math.abs(p[k])).toBeLessThan(1e-3);
      if (s > 2 * thr) expect(Math.abs(p[k])).toBeGreaterThan(1e-2);
    });
  });
});
