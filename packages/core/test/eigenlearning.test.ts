import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

const E = S.eigenlearning;

describe("eigenlearning KRR risk", () => {
  const lam = Float64Array.from({ length: 500 }, (_, i) => (i + 1) ** -1.5);
  const pow = Float64Array.from({ length: 500 }, (_, i) => (i + 1) ** -1.5);

  it("ridgeless learnabilities sum to n (conservation law) and kappa solves its equation", () => {
    for (const n of [5, 50, 200]) {
      const r = E.krrRisk({ eigenvalues: lam, targetPower: pow }, n, 0);
      expect(r.learnabilitySum).toBeCloseTo(n, 9);
      expect(r.trainMse).toBe(0);
    }
    const r = E.krrRisk({ eigenvalues: lam, targetPower: pow }, 50, 2);
    let lhs = 2 / r.kappa;
    for (let i = 0; i < lam.length; i++) lhs += lam[i] / (lam[i] + r.kappa);
    expect(lhs).toBeCloseTo(50, 9);
  });

  it("limits: infinite ridge learns nothing; more data never hurts at optimal-ish ridge; E0 >= 1", () => {
    const huge = E.krrRisk({ eigenvalues: lam, targetPower: pow, noise: 0.3 }, 20, 1e12);
    const total = pow.reduce((a, b) => a + b, 0);
    expect(huge.testMse).toBeCloseTo(total + 0.3, 6);
    const a = E.krrRisk({ eigenvalues: lam, targetPower: pow, noise: 0.3 }, 20, 1);
    const b = E.krrRisk({ eigenvalues: lam, targetPower: pow, noise: 0.3 }, 200, 1);
    expect(b.testMse).toBeLessThan(a.testMse);
    expect(a.e0).toBeGreaterThanOrEqual(1);
    expect(() => E.krrRisk({ eigenvalues: lam.slice(0, 10), targetPower: pow.slice(0, 10) }, 20, 0)).toThrow(/more than n = 20 eigenmodes/);
  });

  it("the power-law tail approximation agrees with a long explicit eigenvalue list", () => {
    const P = 200000;
    const l = Float64Array.from({ length: P }, (_, i) => (i + 1) ** -2);
    const p = Float64Array.from({ length: P }, (_, i) => (i + 1) ** -1.8);
    const explicit = E.krrRisk({ eigenvalues: l, targetPower: p, noise: 0.1 }, 300, 0);
    const tail = E.powerLawRisk({ alpha: 2, beta: 1.8, n: 300, noise: 0.1, P: 2000 });
    const longer = E.powerLawRisk({ alpha: 2, beta: 1.8, n: 300, noise: 0.1, P: 50000 });
    // The analytic tail makes the answer independent of where the explicit part stops.
    expect(Math.abs(tail.kappa - longer.kappa) / longer.kappa).toBeLessThan(1e-5);
    expect(Math.abs(tail.testMse - longer.testMse) / longer.testMse).toBeLessThan(1e-5);
    // The explicit 2e5-mode list omits the modes beyond it, which carry sum_{i > 2e5} lambda_i / kappa
    // ~ 1e-3 of the kappa equation here; so agreement is at the 2e-3 level, not better.
    expect(Math.abs(tail.kappa - explicit.kappa) / explicit.kappa).toBeLessThan(2e-3);
    expect(Math.abs(tail.testMse - explicit.testMse) / explicit.testMse).toBeLessThan(2e-3);
  });

  it("matches simulated ridge regression with the linear kernel (n = 200, 10 trials, within 3 standard errors + 2%)", () => {
    const M = 600;
    const n = 200;
    const l = Float64Array.from({ length: M }, (_, i) => (i + 1) ** -1.5);
    const sq = S.tensor(Array.from(l, Math.sqrt));
    const tes: number[] = [];
    for (let t = 0; t < 10; t++) {
      const rng = S.Rng.seed(t);
      const v = S.tensor(Array.from(l, (x) => Math.sqrt(x) * (rng.nextFloat() < 0.5 ? -1 : 1)));
      const x = S.mul(S.normal(rng, [n, M]), sq);
      const xt = S.mul(S.normal(rng, [300, M]), sq);
      const f = (z: S.Tensor) => S.matmul(z, S.div(v, sq));
      const y = S.add(f(x), S.normal(rng, [n], { std: Math.sqrt(0.5) }));
      const yt = S.add(f(xt), S.normal(rng, [300], { std: Math.sqrt(0.5) }));
      const a = S.linalg.solve(S.add(S.mm(x, x, false, true), S.mul(S.eye(n), 0.1)), y);
      tes.push(S.mean(S.square(S.sub(S.matmul(S.mm(xt, x, false, true), a), yt))).item());
    }
    const te = tes.reduce((p, q) => p + q, 0) / tes.length;
    const se = Math.sqrt(tes.reduce((p, q) => p + (q - te) ** 2, 0) / (tes.length - 1) / tes.length);
    const r = E.krrRisk({ eigenvalues: l, targetPower: l, noise: 0.5 }, n, 0.1);
    // Tolerance: sampling error of a 10-trial mean (3 standard errors) plus 2% for the finite-n
    // corrections the asymptotic theory leaves out.
    expect(Math.abs(te - r.testMse)).toBeLessThan(3 * se + 0.02 * r.testMse);
  });

  it("eigensystem estimated from a kernel matrix on a sample", () => {
    const rng = S.Rng.seed(9);
    const N = 300;
    const x = S.mul(S.normal(rng, [N, 3]), S.tensor([1, 0.5, 0.1]));
    const k = S.mm(x, x, false, true);
    const y = S.matmul(x, S.tensor([1, 0, 0]));
    const { eigenvalues, targetPower } = E.eigensystemFromSample(k.data as Float64Array, y.data as Float64Array, N, (a, n) => {
      const r = S.linalg.eigh(new S.Tensor(a, [n, n]));
      return { w: r.values.data as Float64Array, v: r.vectors.data as Float64Array };
    });
    expect(eigenvalues[0]).toBeCloseTo(1, 0);
    expect(eigenvalues[3]).toBeLessThan(1e-10);
    expect(targetPower[0]).toBeGreaterThan(0.9 * targetPower.reduce((a, b) => a + b, 0));
  });
});

describe("random-feature ridge regression risk", () => {
  const lam = Float64Array.from({ length: 400 }, (_, i) => (i + 1) ** -1.5);
  it("k -> infinity recovers kernel ridge regression", () => {
    const krr = E.krrRisk({ eigenvalues: lam, targetPower: lam, noise: 0.5 }, 100, 0.1);
    const rf = E.rfRisk({ eigenvalues: lam, targetPower: lam, noise: 0.5 }, 100, 1e9, 0.1);
    expect(Math.abs(rf.testMse - krr.testMse) / krr.testMse).toBeLessThan(1e-6);
    expect(Math.abs(rf.kappa - krr.kappa) / krr.kappa).toBeLessThan(1e-6);
  });
  it("more features and more data help at a fixed ridge; the k = n interpolation peak at small ridge", () => {
    const r = (n: number, k: number, d: number) => E.rfRisk({ eigenvalues: lam, targetPower: lam, noise: 0.5 }, n, k, d).testMse;
    expect(r(100, 400, 1)).toBeLessThan(r(100, 50, 1));
    expect(r(200, 200, 1)).toBeLessThan(r(50, 200, 1));
    expect(r(100, 100, 1e-4)).toBeGreaterThan(3 * r(100, 400, 1e-4));
  });
  it("matches simulated random-feature regression (n = 100, k = 300, 10 trials, within 3 standard errors + 3%)", () => {
    const M = 400;
    const n = 100;
    const k = 300;
    const sq = S.tensor(Array.from(lam, Math.sqrt));
    const tes: number[] = [];
    for (let t = 0; t < 10; t++) {
      const rng = S.Rng.seed(100 + t);
      const v = S.tensor(Array.from(lam, (x) => Math.sqrt(x) * (rng.nextFloat() < 0.5 ? -1 : 1)));
      const g = S.normal(rng, [k, M]);
      const feats = (z: S.Tensor) => S.mul(S.mm(S.mul(z, sq), g, false, true), 1 / Math.sqrt(k)); // (., k)
      const x = S.normal(rng, [n, M]);
      const xt = S.normal(rng, [300, M]);
      const f = (z: S.Tensor) => S.matmul(z, v);
      const y = S.add(f(x), S.normal(rng, [n], { std: Math.sqrt(0.5) }));
      const yt = S.add(f(xt), S.normal(rng, [300], { std: Math.sqrt(0.5) }));
      const px = feats(x);
      const a = S.linalg.solve(S.add(S.mm(px, px, false, true), S.mul(S.eye(n), 0.1)), y);
      tes.push(S.mean(S.square(S.sub(S.matmul(S.mm(feats(xt), px, false, true), a), yt))).item());
    }
    const te = tes.reduce((p, q) => p + q, 0) / tes.length;
    const se = Math.sqrt(tes.reduce((p, q) => p + (q - te) ** 2, 0) / (tes.length - 1) / tes.length);
    const r = E.rfRisk({ eigenvalues: lam, targetPower: lam, noise: 0.5 }, n, k, 0.1);
    expect(Math.abs(te - r.testMse)).toBeLessThan(3 * se + 0.03 * r.testMse);
  });
  it("overfitting is obligatory: the optimal ridge's train/test ratio matches u*^2 for alpha = 2, beta = 1.5 (within 10%)", () => {
    // Golden-section search for the optimal ridge over log10(ridge) in [-8, 2] (the risk is unimodal there).
    const risk = (e: number) => E.powerLawRisk({ alpha: 2, beta: 1.5, n: 1000, ridge: 10 ** e, P: 4000 });
    let [a, b] = [-8, 2];
    const phi = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 40; it++) {
      const c = b - phi * (b - a);
      const d = a + phi * (b - a);
      if (risk(c).testMse < risk(d).testMse) b = d;
      else a = c;
    }
    const opt = risk((a + b) / 2);
    const best = { test: opt.testMse, ratio: opt.trainMse / opt.testMse };
    const closed = E.optimalFittingRatio(2, 1.5);
    expect(closed).toBeCloseTo(1 / 9, 12);
    expect(Math.abs(best.ratio - closed) / closed).toBeLessThan(0.1);
    expect(E.optimalFittingRatio(1.5, 2)).toBe(0);
  });
});

describe("kernel gradient-descent dynamics", () => {
  it("f_t: zero at t = 0, the kernel interpolant at t -> inf, and equal to simulated GD on the linearised model", () => {
    const rng = S.Rng.seed(21);
    const x = S.normal(rng, [12, 3]);
    const k = S.add(S.mm(x, x, false, true), S.mul(S.eye(12), 0.5)); // positive definite
    const y = S.normal(rng, [12]);
    const eig = S.linalg.eigh(k);
    const e = { values: eig.values.data, vectors: eig.vectors.data };
    expect(Array.from(E.kernelGdPrediction(e, k.data, y.data, 0, 12))).toEqual(new Array(12).fill(0));
    const inf = E.kernelGdPrediction(e, k.data, y.data, 1e9, 12);
    inf.forEach((v, i) => expect(v).toBeCloseTo(y.data[i], 8));
    // GD on the half-mean MSE of f = K alpha in function space: f <- f - lr K (f - y) / n.
    const lr = 0.01;
    let f = new Float64Array(12);
    for (let s = 0; s < 20000; s++) {
      const r = f.map((v, i) => v - y.data[i]);
      const kr = S.matmul(k, S.tensor(r)).data;
      f = f.map((v, i) => v - (lr * kr[i]) / 12);
    }
    const ft = E.kernelGdPrediction(e, k.data, y.data, lr * 20000, 12);
    // GD vs gradient flow differ by O(lr) per mode; here below 1e-3.
    ft.forEach((v, i) => expect(Math.abs(v - f[i])).toBeLessThan(1e-3));
  });

  it("alignment is 1 for K = y y^T and 0 for a kernel orthogonal to y", () => {
    const y = [1, -2, 3];
    const yy = y.flatMap((a) => y.map((b) => a * b));
    expect(E.kernelAlignment(yy, y)).toBeCloseTo(1, 14);
    const u = [2, 1, 0]; // orthogonal to y
    expect(E.kernelAlignment(u.flatMap((a) => u.map((b) => a * b)), y)).toBeCloseTo(0, 14);
  });
});
