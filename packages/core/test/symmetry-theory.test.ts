import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import {
  MomentumOscillatorPredictor,
  QuadraticContinuousPredictor,
  adagradNormFourth,
  equilibriumNormFourth,
  quadraticMomentumStep,
  rmspropNormFourthStep,
  quadraticStep,
  translationContinuous,
  translationMomentumStep,
  translationStep,
} from "../src/theory/symmetry/conservation/index.js";

const sq = (t: Tensor): number => S.sum(S.square(t)).item();

describe("symmetry theory: limits", () => {
  it("lambda -> 0 without drive gives conservation (discrete, continuous, momentum)", () => {
    expect(translationStep(1.7, 0.1, 0)).toBe(1.7);
    expect(quadraticStep(2.3, 0, 0.1, 0)).toBe(2.3);
    expect(translationMomentumStep(1.7, 1.7, 0.1, 0, 0.9)).toBeCloseTo(1.7, 14);
    expect(quadraticMomentumStep(2.3, 2.3, 0, 0, 0.1, 0, 0.9)).toBeCloseTo(2.3, 14);
    expect(translationContinuous(1.7, 0, 50)).toBe(1.7);
    const c = new QuadraticContinuousPredictor(2.3, 0.1, 0);
    const m = new MomentumOscillatorPredictor(2.3, 0.1, 0, 0.9, "quadratic");
    for (let k = 0; k < 500; k++) {
      c.push(0);
      m.push(0);
    }
    expect(c.value()).toBe(2.3);
    expect(m.value()).toBeCloseTo(2.3, 12);
  });

  it("beta -> 0: the exact momentum recursion is the plain one, and the oscillator tends to e^{-2 lambda t}", () => {
    const [lr, wd, q, g2] = [0.05, 0.02, 1.3, 0.4];
    // beta = 0: v_{k+1} = g_k + lambda theta_k with <g, theta> = 0, so |v|^2 = |g|^2 + lambda^2 Q.
    expect(quadraticMomentumStep(q, 99, g2 + wd * wd * q, 123, lr, wd, 0)).toBeCloseTo(quadraticStep(q, g2, lr, wd), 14);
    // The oscillator at beta = 0 is over-damped with slow root -2 lambda + O(eta lambda^2).
    const m = new MomentumOscillatorPredictor(1, 1e-3, 0.05, 0, "quadratic");
    for (let k = 0; k < 20000; k++) m.push(0);
    expect(m.value()).toBeCloseTo(Math.exp(-2 * 0.05 * 20), 4);
    const tr = new MomentumOscillatorPredictor(1, 1e-3, 0.05, 0, "translation");
    for (let k = 0; k < 20000; k++) tr.push(0);
    expect(tr.value()).toBeCloseTo(translationContinuous(1, 0.05, 20), 4);
  });

  it("the three damping regimes agree with a fine Euler integration of x'' + 2 gamma x' + omega^2 x = 0", () => {
    for (const [lr, wd, beta] of [[0.01, 5e-4, 0.9], [0.1, 0.5, 0.9], [0.1, 1e-4, 0.5]]) {
      const m = new MomentumOscillatorPredictor(1, lr, wd, beta, "quadratic");
      const { gamma, omegaSq } = m;
      let x = 1;
      let v = 0;
      const T = 3;
      const n = 300000;
      const h = T / n;
      for (let i = 0; i < n; i++) {
        const a = -2 * gamma * v - omegaSq * x;
        v += h * a;
        x += h * v;
      }
      expect(m.homogeneous(T)).toBeCloseTo(x, 3);
    }
  });

  it("equilibrium norm: the exact and approximate forms agree as eta lambda -> 0; the AdaGrad law with no gradient is constant", () => {
    expect(equilibriumNormFourth(1e-6, 1e-3, 2) / equilibriumNormFourth(1e-6, 1e-3, 2, false)).toBeCloseTo(1, 8);
    expect(adagradNormFourth(1.5, 0.1, 0)).toBe(2.25);
    expect(() => equilibriumNormFourth(0.1, 0, 1)).toThrow(/weight decay/);
    // lambda = 0: the implicit-RMSProp step is the AdaGrad-like increment 2 eta^2 |ghat|^2.
    expect(rmspropNormFourthStep(2.25, 0.7, 0.1, 0)).toBeCloseTo(adagradNormFourth(1.5, 0.1, 0.7), 14);
    // Its fixed point with a constant |ghat|^2 is the equilibrium up to O(eta lambda).
    let n4 = 1;
    for (let k = 0; k < 200000; k++) n4 = rmspropNormFourthStep(n4, 0.3, 0.1, 1e-3);
    expect(n4 / equilibriumNormFourth(0.1, 1e-3, 0.3)).toBeCloseTo(1, 3);
  });
});

describe("symmetry theory: against a simulated scale-invariant block", () => {
  // L(theta) = 1/2 |A theta/|theta| - b|^2: scale-invariant, so <g, theta> = 0.
  const a = S.tensor([[1, 0.3, -0.2], [0.1, 2, 0.5], [-0.4, 0.2, 1.5]]);
  const b = S.tensor([0.5, -1, 0.8]);
  const loss = (p: { w: Tensor }) => S.mul(0.5, S.sum(S.square(S.sub(S.matmul(a, S.div(p.w, S.sqrt(S.sum(S.square(p.w))))), b))));
  const vg = S.valueAndGrad(loss);

  it("plain GD with wd follows quadraticStep to 1e-13 per step", () => {
    const [lr, wd] = [0.3, 0.05];
    let w = S.tensor([0.7, -0.2, 1.1]);
    for (let k = 0; k < 200; k++) {
      const [, g] = vg({ w });
      const pred = quadraticStep(sq(w), sq(g.w), lr, wd);
      w = S.sub(w, S.mul(lr, S.add(g.w, S.mul(wd, w))));
      expect(Math.abs(sq(w) - pred) / pred).toBeLessThan(1e-13);
    }
  });

  it("heavy ball with wd (Saddle's sgd) follows quadraticMomentumStep to 1e-12 relative", () => {
    const [lr, wd, beta] = [0.1, 0.05, 0.9];
    const opt = S.sgd(lr, { momentum: beta, wd });
    let params = { w: S.tensor([0.7, -0.2, 1.1]) };
    let state = opt.init(params);
    let q = sq(params.w);
    let qPrev = q;
    let vPrev = 0;
    let worst = 0;
    for (let k = 0; k < 300; k++) {
      const [, g] = vg(params);
      const [u, s] = opt.update(g, state, params);
      state = s;
      params = S.applyUpdates(params, u);
      const velSq = sq(u.w as Tensor) / (lr * lr); // u = -lr v
      const pred = quadraticMomentumStep(q, qPrev, velSq, vPrev, lr, wd, beta);
      const meas = sq(params.w);
      worst = Math.max(worst, Math.abs(meas - pred) / meas);
      [qPrev, q, vPrev] = [q, meas, velSq];
    }
    expect(worst).toBeLessThan(1e-12);
  });
});
