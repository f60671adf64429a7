import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import { lambdaBalancedFromProduct, balanceMatrix, qqtExact, qqtOf, qqtBlocks, qqtRiccatiFlow, riccatiDrive, alignedModeTime, alignedModeSigma, alignedModeRate, logisticMode, lazyMode, linearNetworkNtk } from "../src/theory/lazy-rich/lambda-balanced/index.js";

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const orthogonal = (rng: S.Rng, n: number) => S.linalg.qr(S.normal(rng, [n, n])).q;

/** 1/2 |W1 W2 - beta*|_F^2: the paper's loss, so flow time is the theory's tau. */
const paperLoss = (beta: Tensor) => (p: { w1: Tensor; w2: Tensor }) => S.mul(S.sum(S.square(S.sub(S.matmul(p.w1, p.w2), beta))), 0.5);

describe("lambda-balanced init (SVD construction)", () => {
  it("has the requested product and balance for either sign of lambda", () => {
    const rng = S.Rng.seed(1);
    const beta = S.normal(rng, [4, 4], { std: 0.3 });
    for (const lambda of [-3, 0, 0.7, 50]) {
      const { w1, w2 } = lambdaBalancedFromProduct(beta, lambda, orthogonal(rng, 4));
      expect(maxAbs(S.matmul(w1, w2).data, beta.data)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lambda)));
      expect(maxAbs(balanceMatrix(w1, w2), S.mul(S.eye(4), lambda).data)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lambda)));
    }
  });
});

describe("closed-form QQ^T", () => {
  const rng = S.Rng.seed(2);
  const d = 5;
  const beta = S.normal(rng, [d, d]);
  const init = S.normal(rng, [d, d], { std: 0.1 });
  for (const lambda of [-50, -1, 0, 2]) {
    it(`matches an RK45 simulation of the network and the Riccati ODE (lambda = ${lambda})`, () => {
      const { w1, w2 } = lambdaBalancedFromProduct(init, lambda, orthogonal(rng, d));
      const times = [0.05, 0.2, 1];
      const flow = S.gradientFlow(paperLoss(beta), { w1, w2 }, 1, { times, rtol: 1e-12, atol: 1e-14 });
      const ode = qqtRiccatiFlow(qqtOf(w1, w2), riccatiDrive(beta, lambda), times);
      times.forEach((tau, i) => {
        const exact = qqtExact(w1, w2, beta, lambda, tau);
        const sim = flow.params[i];
        const scale = Math.max(1, Math.abs(lambda));
        const blocks = qqtBlocks(exact, d);
        expect(maxAbs(blocks.product.data, S.matmul(sim.w1, sim.w2).data)).toBeLessThan(1e-7 * scale);
        expect(maxAbs(blocks.inputRep.data, S.matmul(sim.w1, S.transpose(sim.w1)).data)).toBeLessThan(1e-7 * scale);
        expect(maxAbs(blocks.outputRep.data, S.matmul(S.transpose(sim.w2), sim.w2).data)).toBeLessThan(1e-7 * scale);
        expect(maxAbs(exact.data, ode[i].data)).toBeLessThan(1e-7 * scale);
      });
    });
  }

  it("does not overflow when e^{f tau} exceeds the float range (lambda = 100, tau = 30)", () => {
    const { w1, w2 } = lambdaBalancedFromProduct(init, 100, orthogonal(rng, d));
    const product = qqtBlocks(qqtExact(w1, w2, beta, 100, 30), d).product;
    expect(maxAbs(product.data, beta.data)).toBeLessThan(1e-8);
  });

  it("is not the solution for a wrong lambda (the check can fail)", () => {
    const { w1, w2 } = lambdaBalancedFromProduct(init, 1, orthogonal(rng, d));
    const flow = S.gradientFlow(paperLoss(beta), { w1, w2 }, 0.5, { rtol: 1e-12, atol: 1e-14 });
    const wrong = qqtBlocks(qqtExact(w1, w2, beta, 3, 0.5), d).product;
    expect(maxAbs(wrong.data, S.matmul(flow.final.w1, flow.final.w2).data)).toBeGreaterThan(1e-3);
  });

  it("stays accurate at late times (e^{f tau} up to ~1e80) and converges to the target", () => {
    for (const lambda of [0, 3]) {
      const { w1, w2 } = lambdaBalancedFromProduct(init, lambda, orthogonal(rng, d));
      const [mid, late] = qqtRiccatiFlow(qqtOf(w1, w2), riccatiDrive(beta, lambda), [10, 60]);
      expect(maxAbs(qqtExact(w1, w2, beta, lambda, 10).data, mid.data)).toBeLessThan(1e-7);
      const product = qqtBlocks(qqtExact(w1, w2, beta, lambda, 60), d).product;
      expect(maxAbs(product.data, beta.data)).toBeLessThan(1e-8);
      expect(maxAbs(qqtBlocks(late, d).product.data, beta.data)).toBeLessThan(1e-8);
    }
  });
});

describe("aligned scalar mode", () => {
  it("reproduces the reference time table (s = 2, sigma0 = 1e-3)", () => {
    const table: Record<number, number[]> = { 0: [1.6254, 1.9001, 2.4494], 0.5: [0.4058, 0.6644, 1.2052], 5: [0.057, 0.1345, 0.4101], 50: [0.0057, 0.0138, 0.046] };
    for (const [lambda, row] of Object.entries(table)) {
      [0.25, 0.5, 0.9].forEach((f, i) => expect(alignedModeTime(1e-3, f * 2, 2, Number(lambda))).toBeCloseTo(row[i], 3));
    }
  });

  it("its derivative is the mode's ODE and its inverse is consistent", () => {
    for (const lambda of [0, 0.5, -5, 50]) for (const sigma of [0.01, 0.7, 1.9, 2.5]) {
      const h = 1e-6;
      const sigma0 = sigma < 2 ? 0.5 * sigma : 1.5 * sigma; // same side of s = 2
      const dt = (alignedModeTime(sigma0, sigma + h, 2, lambda) - alignedModeTime(sigma0, sigma - h, 2, lambda)) / (2 * h);
      expect(dt * alignedModeRate(sigma, 2, lambda)).toBeCloseTo(1, 6);
      const tau = alignedModeTime(sigma0, sigma, 2, lambda);
      expect(alignedModeSigma(tau, sigma0, 2, lambda)).toBeCloseTo(sigma, 10);
    }
  });

  it("lambda -> 0 recovers the logistic (Saxe) solution", () => {
    for (const tau of [0.5, 1.5, 2, 3]) expect(alignedModeSigma(tau, 1e-3, 2, 1e-7)).toBeCloseTo(logisticMode(tau, 1e-3, 2), 8);
  });

  it("|lambda| -> infinity is the lazy exponential", () => {
    for (const lambda of [1e4, -1e4]) for (const x of [0.5, 2, 5]) {
      const tau = x / Math.abs(lambda);
      const rel = Math.abs(alignedModeSigma(tau, 1e-3, 2, lambda) - lazyMode(tau, 1e-3, 2, lambda)) / 2;
      expect(rel).toBeLessThan(1e-3);
    }
    // ... but not for moderate lambda
    expect(Math.abs(alignedModeSigma(0.3, 1e-3, 2, 2) - lazyMode(0.3, 1e-3, 2, 2))).toBeGreaterThan(0.05);
  });

  it("matches an RK45 simulation of an aligned lambda-balanced network", () => {
    const rng = S.Rng.seed(3);
    const d = 3;
    const u = orthogonal(rng, d);
    const v = orthogonal(rng, d);
    const diag = (xs: number[]) => S.mul(S.eye(d), S.tensor(xs));
    const beta = S.matmul(S.matmul(u, diag([2, 1, 0.5])), S.transpose(v));
    const init = S.matmul(S.matmul(u, diag([1e-3, 1e-3, 1e-3])), S.transpose(v));
    const lambda = 0.5;
    const { w1, w2 } = lambdaBalancedFromProduct(init, lambda, orthogonal(rng, d));
    const times = [0.3, 0.8, 2];
    const flow = S.gradientFlow(paperLoss(beta), { w1, w2 }, 2, { times, rtol: 1e-11, atol: 1e-14 });
    const mode = (p: { w1: Tensor; w2: Tensor }, m: number) => {
      const prod = S.matmul(p.w1, p.w2).data;
      let acc = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) acc += u.data[a * d + m] * prod[a * d + b] * v.data[b * d + m];
      return acc;
    };
    times.forEach((tau, i) => [2, 1, 0.5].forEach((s, m) => expect(mode(flow.params[i], m)).toBeCloseTo(alignedModeSigma(tau, 1e-3, s, lambda), 7)));
  });
});

describe("linear-network NTK", () => {
  it("equals the empirical NTK of x W1 W2 on basis inputs", () => {
    const rng = S.Rng.seed(4);
    const w1 = S.normal(rng, [3, 2]);
    const w2 = S.normal(rng, [2, 4]);
    const emp = S.empiricalNtk((p: { w1: Tensor; w2: Tensor }, x: Tensor) => S.matmul(S.matmul(x, p.w1), p.w2), { w1, w2 }, S.eye(3), "full");
    expect(maxAbs(linearNetworkNtk(w1, w2).data, emp.data)).toBeLessThan(1e-12);
  });
});
