import { describe, expect, it } from "vitest";
import { Rng } from "../src/tensor/rng.js";
import * as st from "../src/theory/symmetry/stochastic/index.js";

/** Midpoint rule for integral_a^b f. */
function integrate(f: (x: number) => number, a: number, b: number, n = 200_000): number {
  const h = (b - a) / n;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += f(a + (i + 0.5) * h);
  return acc * h;
}

describe("stochastic collapse theory (arXiv 2306.04251)", () => {
  it("quartic stationary density: its second moment is mu - zeta^2/2, and it is integrable iff zeta < sqrt(2 mu)", () => {
    const mu = 1.5;
    for (const zeta of [0.3, 0.8, 1.2]) {
      const z = integrate((t) => st.quarticStationaryDensity(t, mu, zeta), 0, 12);
      const m2 = integrate((t) => t * t * st.quarticStationaryDensity(t, mu, zeta), 0, 12) / z;
      expect(m2).toBeCloseTo(st.quarticStationarySecondMoment(mu, zeta), 4);
    }
    // the exponent 2 mu / zeta^2 - 2 crosses -1 exactly at the collapse threshold
    const zc = st.quarticCollapseThreshold(mu);
    expect((2 * mu) / (zc * zc) - 2).toBeCloseTo(-1, 14);
    expect(st.quarticStationarySecondMoment(mu, zc * 1.01)).toBeNaN();
    // zeta -> 0: the deterministic minimum theta^2 = mu
    expect(st.quarticStationarySecondMoment(mu, 1e-8)).toBeCloseTo(mu, 12);
  });

  it("Euler-Maruyama log-growth rate tends to the Ito rate a - b^2/2 as dt -> 0, with the O(dt) term dt (a b^2 - a^2/2 - 3 b^4/4)", () => {
    const a = 1.5;
    const b = 2.5;
    expect(st.eulerMaruyamaLogGrowthRate(a, b, 1e-8)).toBeCloseTo(st.quarticLogGrowthRate(a, b), 5);
    const dt = 1e-3;
    const ito = a - (b * b) / 2;
    const firstOrder = ito + dt * (a * b * b - (a * a) / 2 - 0.75 * b ** 4);
    const exact = st.eulerMaruyamaLogGrowthRate(a, b, dt);
    expect(Math.abs(exact - firstOrder)).toBeLessThan(2e-3); // O(dt^2): (5/2) b^6 dt^2 ~ 6e-4
    expect(Math.abs(exact - ito)).toBeGreaterThan(0.015); // the O(dt) bias is visible
  });

  it("single-neuron threshold: growth rate vanishes at alpha*, sign flips across it", () => {
    const x = [0.5, -1.2, 2, 0.3];
    const y = [0.4, -1, 2.2, 0.1];
    const th = st.neuronCollapseThreshold(x, y);
    expect(st.neuronLogGrowthRate(x, y, th)).toBeCloseTo(0, 14);
    expect(st.neuronLogGrowthRate(x, y, th * 1.1)).toBeLessThan(0);
    expect(st.neuronLogGrowthRate(x, y, th * 0.9)).toBeGreaterThan(0);
    expect(st.neuronNoiseAlpha(0.1, 2, 1)).toBeCloseTo(0.2, 14);
    // y = c x: the threshold is the slope c
    expect(st.neuronCollapseThreshold(x, x.map((v) => 0.7 * v))).toBeCloseTo(0.7, 14);
  });

  it("diagonal label-noise threshold: sigma -> 0 keeps every positive mode; survivors never increase with sigma", () => {
    const s = [1, 0.8, 0.5, 0.2, 0.05, 0.01];
    expect(st.survivingModes(s, 3, 0, 1024)).toBe(6);
    let prev = 7;
    for (const sigma of [0, 2, 5, 10, 20, 40]) {
      const k = st.survivingModes(s, 3, sigma, 1024);
      expect(k).toBeLessThanOrEqual(prev);
      prev = k;
    }
    expect(st.labelNoiseModeThreshold(3, 20, 1024)).toBeCloseTo((3 * 400) / 2048, 14);
  });
});

describe("limiting dynamics of SGD theory (arXiv 2107.09133)", () => {
  const base = { h: 1, lambda: 0.05, eta: 0.05, beta: 0.9, q: 0.025 };

  it("eta -> 0: the exact discrete variances tend to the continuous ones", () => {
    let prev = Infinity;
    for (const eta of [0.1, 0.01, 1e-3, 1e-6]) {
      const d = { ...base, eta };
      const gap = Math.abs(st.discretePositionVariance(d) / st.continuousPositionVariance(d) - 1);
      expect(gap).toBeLessThan(prev);
      prev = gap;
      expect(st.discreteVelocityVariance(d) / st.continuousVelocityVariance(d)).toBeCloseTo(st.discreteCorrection(d.h, d.lambda, eta, d.beta), 12);
    }
    expect(prev).toBeLessThan(1e-6);
  });

  it("beta -> 0: plain SGD's AR(1) variance, autocorrelation (1 - eta h')^k and sum rho^2", () => {
    const d = { ...base, beta: 0, eta: 0.4 };
    const a = 1 - d.eta * (d.h + d.lambda);
    expect(st.discretePositionVariance(d)).toBeCloseTo((d.eta ** 2 * d.q) / (1 - a * a), 14);
    const rho = st.discreteAutocorrelation(d.h, d.lambda, d.eta, 0, 5);
    for (let k = 0; k <= 5; k++) expect(rho[k]).toBeCloseTo(a ** k, 14);
    expect(st.squaredAutocorrelationSum(d.h, d.lambda, d.eta, 0)).toBeCloseTo((1 + a * a) / (1 - a * a), 10);
    expect(st.damping(0.1, 0)).toBeCloseTo(10, 12);
  });

  it("lambda -> 0: the position variance eta sigma^2 / (2 S (1 - beta)) is the same in every direction", () => {
    for (const h of [0.01, 1, 100]) {
      const v = st.continuousPositionVariance({ ...base, h, lambda: 0, q: st.labelNoiseVariance(0.25, h, 10) });
      expect(v).toBeCloseTo((base.eta * 0.25) / (2 * 10 * (1 - base.beta)), 14);
    }
  });

  it("oscillation: discrete rotation angle tends to the continuous frequency as eta -> 0 at fixed damping", () => {
    let prev = Infinity;
    for (const eta of [0.05, 0.005, 0.0005]) {
      const beta = (1 - 0.1 * eta) / (1 + 0.1 * eta); // gamma = 0.1 fixed
      expect(st.damping(eta, beta)).toBeCloseTo(0.1, 10);
      const gap = Math.abs(st.discreteOscillationCyclesPerStep(2, 0, eta, beta) / st.oscillationCyclesPerStep(2, 0, eta, beta) - 1);
      expect(gap).toBeLessThan(prev);
      prev = gap;
    }
    expect(prev).toBeLessThan(1e-3);
    // overdamped: no oscillation
    expect(st.oscillationFrequency(0.001, 0, 0.05, 0)).toBeNaN();
  });

  it("continuous autocorrelation: rho(0) = 1, continuous across critical damping, matches the AR(2) at small eta", () => {
    expect(st.continuousAutocorrelation(1, 0, 0.05, 0.9, 0)).toBeCloseTo(1, 14);
    const eta = 1e-4;
    const beta = (1 - 0.5 * eta) / (1 + 0.5 * eta);
    const rho = st.discreteAutocorrelation(1, 0, eta, beta, 20000);
    for (const k of [100, 5000, 20000]) expect(rho[k]).toBeCloseTo(st.continuousAutocorrelation(1, 0, eta, beta, eta * k), 3);
  });

  it("anneal(): keeps both invariants, is the identity at factor 1, and changes the damping", () => {
    const p = { batch: 128, beta: 0.9, eta: 0.1 };
    const q = st.anneal(p, 4);
    const [a, b] = st.annealInvariants(p);
    const [a2, b2] = st.annealInvariants(q);
    expect(a2).toBeCloseTo(a, 12);
    expect(b2).toBeCloseTo(b, 12);
    expect(q.batch).toBe(32);
    const id = st.anneal(p, 1);
    expect(id.beta).toBeCloseTo(p.beta, 14);
    expect(id.eta).toBeCloseTo(p.eta, 14);
    expect(st.damping(q.eta, q.beta)).not.toBeCloseTo(st.damping(p.eta, p.beta), 3);
    expect(() => st.anneal(p, 10)).toThrow(RangeError);
  });

  it("OU mean squared displacement: 0 at lag 0, ballistic eta^2 E v^2 at lag 1, saturates at 2 sum Var", () => {
    const dirs = [base, { ...base, h: 0.2 }];
    const [m0, m1, mInf] = st.ouMeanSquaredDisplacement(dirs, [0, 1, 20000]);
    expect(m0).toBe(0);
    const v2 = dirs.reduce((acc, d) => acc + st.discreteVelocityVariance(d), 0);
    expect(m1).toBeCloseTo(base.eta ** 2 * v2, 12);
    expect(mInf).toBeCloseTo(2 * dirs.reduce((acc, d) => acc + st.discretePositionVariance(d), 0), 10);
  });

  it("simulation check: a heavy-ball AR(2) run has the exact discrete variance", () => {
    const d = { h: 2, lambda: 0.05, eta: 0.2, beta: 0.8, q: 0.1 };
    const rng = Rng.seed(11);
    const paths = 32;
    const steps = 20000;
    const th = new Float64Array(paths);
    const v = new Float64Array(paths);
    const xi = new Float64Array(paths);
    let acc = 0;
    for (let k = 0; k < 500 + steps; k++) {
      rng.fillNormal(xi, 0, Math.sqrt(d.q));
      for (let p = 0; p < paths; p++) {
        v[p] = d.beta * v[p] + (d.h + d.lambda) * th[p] + xi[p];
        th[p] -= d.eta * v[p];
        if (k >= 500) acc += th[p] * th[p];
      }
    }
    const measured = acc / (paths * steps);
    const se = Math.sqrt((2 * st.squaredAutocorrelationSum(d.h, d.lambda, d.eta, d.beta)) / (paths * steps));
    const exact = st.discretePositionVariance(d);
    expect(Math.abs(measured / exact - 1)).toBeLessThan(4 * se);
    // at this large eta the continuous formula is measurably off (factor 1 / (1 - eta h' / (2 (1 + beta))) = 1.129)
    expect(Math.abs(measured / st.continuousPositionVariance(d) - 1)).toBeGreaterThan(0.1);
  });
});
