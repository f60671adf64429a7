import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import { singleNeuronExact, singleNeuronFromBeta, singleNeuronInvariants, riccatiNu, riccatiFixedPoints, conservedDelta, symmetrizedAlpha } from "../src/theory/lazy-rich/get-rich-quick/index.js";

const betaStar = [0.5, 0.5];
const beta0 = [0, -1];

/** 1/2 |a w - beta*|^2: the whitened-data loss, so flow time is the theory's t. */
const loss = (p: { a: Tensor; w: Tensor }) => S.mul(S.sum(S.square(S.sub(S.mul(p.w, p.a), S.tensor(betaStar)))), 0.5);

describe("get-rich-quick single neuron", () => {
  it("reproduces the reference table of nu(t) (beta* = (0.5, 0.5), beta0 = (0, -1))", () => {
    const table: [number, number[]][] = [[2, [0.18030071, 0.22084298, 0.22474487]], [-0.2, [-0.38793722, 0.01398032, 0.81379765]]];
    for (const [delta, row] of table) {
      const { a, w } = singleNeuronFromBeta(delta, beta0);
      [1, 2, 8].forEach((t, i) => expect(Math.abs(singleNeuronExact(a, w, betaStar, t).nu - row[i])).toBeLessThan(1e-7));
    }
  });

  it("matches RK45 gradient flow in a, w and nu, and conserves delta", () => {
    for (const delta of [-2, -0.2, 0, 0.2, 2]) {
      const { a, w } = singleNeuronFromBeta(delta, beta0);
      const times = [0.5, 1, 2, 8, 20];
      const flow = S.gradientFlow(loss, { a: S.scalar(a), w: S.tensor(w) }, 20, { times, rtol: 1e-12, atol: 1e-14 });
      times.forEach((t, i) => {
        const ex = singleNeuronExact(a, w, betaStar, t);
        const p = flow.params[i];
        const aSim = p.a.item();
        const wSim = Array.from(p.w.data);
        expect(Math.abs(ex.a - aSim)).toBeLessThan(1e-9);
        wSim.forEach((v, j) => expect(Math.abs(ex.w[j] - v)).toBeLessThan(1e-9));
        expect(Math.abs(ex.nu - singleNeuronInvariants(aSim, wSim, betaStar).nu)).toBeLessThan(1e-8);
        expect(Math.abs(conservedDelta(aSim, wSim) - delta)).toBeLessThan(1e-10);
      });
    }
  });

  it("follows a through zero at the pole of nu (coth branch, r < -1)", () => {
    const { a, w } = singleNeuronFromBeta(-1, [-0.3, -0.3]);
    const inv = singleNeuronInvariants(a, w, betaStar);
    const D = Math.sqrt(inv.delta ** 2 + 4 * inv.s ** 2);
    expect((inv.delta + 2 * inv.nu) / D).toBeLessThan(-1);
    const flow = S.gradientFlow(loss, { a: S.scalar(a), w: S.tensor(w) }, 5, { times: [0.5, 5], rtol: 1e-12, atol: 1e-14 });
    [0.5, 5].forEach((t, i) => expect(singleNeuronExact(a, w, betaStar, t).a).toBeCloseTo(flow.params[i].a.item(), 9));
    expect(singleNeuronExact(a, w, betaStar, 5).a).toBeLessThan(0);
  });

  it("converges to the fixed point nu_+ and the target beta*", () => {
    for (const delta of [-2, 0, 3]) {
      const { a, w } = singleNeuronFromBeta(delta, beta0);
      const late = singleNeuronExact(a, w, betaStar, 1e4); // no overflow at large t
      expect(late.nu).toBeCloseTo(riccatiFixedPoints(delta, Math.SQRT1_2).stable, 12);
      late.beta.forEach((b, j) => expect(b).toBeCloseTo(betaStar[j], 12));
    }
  });

  it("delta -> +infinity: lazy linear dynamics beta(t) = beta* + (beta0 - beta*) e^{-delta t}", () => {
    const delta = 1e6;
    const { a, w } = singleNeuronFromBeta(delta, beta0);
    for (const x of [0.3, 1, 3]) {
      const t = x / delta;
      const ex = singleNeuronExact(a, w, betaStar, t);
      ex.beta.forEach((b, j) => expect(Math.abs(b - (betaStar[j] + (beta0[j] - betaStar[j]) * Math.exp(-x)))).toBeLessThan(1e-5));
    }
    expect(riccatiFixedPoints(delta, 1).stable * delta).toBeCloseTo(1, 9); // nu_+ -> s^2 / delta
  });

  it("delta -> -infinity: only the readout moves, beta stays along beta0 (the rescaling of beta0)", () => {
    const delta = -1e6;
    const { a, w } = singleNeuronFromBeta(delta, beta0);
    const wNorm2 = w[0] ** 2 + w[1] ** 2; // ~ -delta
    const b0 = Math.hypot(beta0[0], beta0[1]);
    const u = beta0.map((v) => v / b0);
    const target = betaStar[0] * u[0] + betaStar[1] * u[1];
    for (const x of [0.3, 1, 3]) {
      const t = x / wNorm2;
      const ex = singleNeuronExact(a, w, betaStar, t);
      const along = ex.beta[0] * u[0] + ex.beta[1] * u[1];
      const across = ex.beta[0] * u[1] - ex.beta[1] * u[0];
      expect(Math.abs(along - (target + (b0 - target) * Math.exp(-x)))).toBeLessThan(1e-5);
      expect(Math.abs(across)).toBeLessThan(1e-5);
    }
  });

  it("the Riccati solution solves its ODE (both branches)", () => {
    for (const [delta, nu0] of [[1, 0.1], [-0.5, -3], [0.3, 4]]) {
      const s = 0.8;
      for (const t of [0.01, 0.2, 1.1]) {
        const h = 1e-6;
        const dnu = (riccatiNu(delta, s, nu0, t + h) - riccatiNu(delta, s, nu0, t - h)) / (2 * h);
        const nu = riccatiNu(delta, s, nu0, t);
        expect(dnu).toBeCloseTo(s * s - delta * nu - nu * nu, 4);
      }
      expect(riccatiNu(delta, s, nu0, 0)).toBeCloseTo(nu0, 12);
    }
  });

  it("symmetrized ReLU init: tau^2 (1/alpha^2 - alpha^2) = delta", () => {
    for (const tau of [0.1, 1, 3]) for (const delta of [-5, -0.1, 0, 0.1, 100]) {
      const alpha = symmetrizedAlpha(delta, tau);
      expect(tau * tau * (1 / alpha ** 2 - alpha ** 2)).toBeCloseTo(delta, 9);
    }
    expect(symmetrizedAlpha(0, 2)).toBe(1);
  });
});
