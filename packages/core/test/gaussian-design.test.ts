import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

describe("Gaussian design (eigenlearning regression problems)", () => {
  const lam = Float64Array.from({ length: 6 }, (_, i) => (i + 1) ** -1.5);
  const power = Float64Array.from({ length: 6 }, (_, i) => (i + 1) ** -2);
  const p = { eigenvalues: lam, targetPower: power, noise: 0.3 };

  it("draws x = z Lambda^(1/2) and beta_i = +-sqrt(v_i^2 / lambda_i); labels carry noise of the stated variance", () => {
    const d = S.gaussianDesign(S.Rng.seed(1), p, 20000);
    expect(d.x.shape).toEqual([20000, 6]);
    for (let i = 0; i < 6; i++) {
      expect(Math.abs(d.beta.data[i])).toBeCloseTo(Math.sqrt(power[i] / lam[i]), 12);
      let v = 0;
      for (let r = 0; r < 20000; r++) v += d.x.data[r * 6 + i] ** 2 / 20000;
      expect(v / lam[i]).toBeGreaterThan(0.96);
      expect(v / lam[i]).toBeLessThan(1.04);
    }
    const f = S.matmul(d.x, d.beta);
    let s = 0;
    for (let r = 0; r < 20000; r++) s += (d.y.data[r] - f.data[r]) ** 2 / 20000;
    expect(s / 0.3).toBeGreaterThan(0.96);
    expect(s / 0.3).toBeLessThan(1.04);
  });

  it("populationMse is the exact test MSE: it matches a large test sample and equals sigma^2 for the true weights", () => {
    const d = S.gaussianDesign(S.Rng.seed(2), p, 30);
    const [fit] = S.kernelRidge(S.mm(d.x, d.x, false, true), d.y, [0.1]);
    const betaHat = S.matmul(fit.alpha, d.x);
    const exact = S.populationMse(p, d.beta, betaHat);
    expect(S.populationMse(p, d.beta, d.beta)).toBe(0.3);
    const test = S.gaussianDesign(S.Rng.seed(3), p, 40000);
    const testY = S.add(S.matmul(test.x, d.beta), S.sub(test.y, S.matmul(test.x, test.beta))); // same noise, this draw's target
    const resid = S.sub(S.matmul(test.x, betaHat), testY);
    const sampled = S.mean(S.square(resid)).item();
    expect(Math.abs(sampled / exact - 1)).toBeLessThan(0.03);
  });

  it("ridgeless kernelRidge interpolates; linearKernelRidge's train MSE grows with the ridge; designRows nests", () => {
    const big = { eigenvalues: Float64Array.from({ length: 50 }, (_, i) => (i + 1) ** -1.2), targetPower: Float64Array.from({ length: 50 }, (_, i) => (i + 1) ** -1.5), noise: 0.5 };
    const d = S.gaussianDesign(S.Rng.seed(4), big, 20);
    const fits = S.linearKernelRidge(big, d, [0, 0.1, 10]);
    expect(fits[0].trainMse).toBeLessThan(1e-20);
    expect(fits[1].trainMse).toBeGreaterThan(fits[0].trainMse);
    expect(fits[2].trainMse).toBeGreaterThan(fits[1].trainMse);
    const sub = S.designRows(d, 5);
    expect(Array.from(sub.x.data)).toEqual(Array.from(d.x.data.slice(0, 250)));
    expect(Array.from(sub.y.data)).toEqual(Array.from(d.y.data.slice(0, 5)));
    expect(() => S.designRows(d, 21)).toThrow(/21 rows of a draw of 20/);
  });

  it("rejects bad problems", () => {
    expect(() => S.gaussianDesign(S.Rng.seed(0), { ...p, eigenvalues: [1, 0, 1, 1, 1, 1] }, 3)).toThrow(/eigenvalues\[1\]/);
    expect(() => S.gaussianDesign(S.Rng.seed(0), { ...p, targetPower: [1] }, 3)).toThrow(/equal length/);
    expect(() => S.gaussianDesign(S.Rng.seed(0), { ...p, noise: -1 }, 3)).toThrow(/noise/);
    expect(() => S.gaussianDesign(S.Rng.seed(0), p, 0)).toThrow(/n must be/);
  });
});
