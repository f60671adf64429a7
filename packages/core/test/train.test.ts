import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

describe("training loop", () => {
  const rng = Rng.seed(1);
  const x = S.normal(rng, [20, 3]);
  const y = S.matmul(x, S.tensor([[1], [-2], [0.5]]));
  const loss = (p: { w: Tensor }) => S.mse(S.matmul(x, p.w), y);

  it("yields tidy rows on a log-spaced schedule with gradient-flow time, and probes", async () => {
    const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.sgd(0.1, { momentum: 0.5 }), steps: 200, schedule: { logSpaced: 10 }, time: { lr: 0.1, momentum: 0.5 }, probes: [S.paramNorms()] });
    const rows = await S.collect(run);
    const lossRows = rows.filter((r) => r.key === "loss");
    expect(lossRows[0].step).toBe(0);
    expect(lossRows[lossRows.length - 1].step).toBe(200);
    for (const r of lossRows) expect(r.t).toBeCloseTo((0.1 * r.step) / 0.5, 12);
    expect(lossRows[lossRows.length - 1].value).toBeLessThan(1e-10);
    expect(rows.some((r) => r.probe === "norms" && r.key === "w")).toBe(true);
    expect(run.result().reason).toBe("done");
  });

  it("stops with a clear reason on divergence", async () => {
    const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(10), steps: 1000, schedule: { every: 100 } });
    await S.collect(run);
    const r = run.result();
    expect(["diverged", "nan"]).toContain(r.reason);
    expect(r.message).toMatch(/lower the learning rate/);
    expect(r.step).toBeLessThan(1000);
  });

  it("resuming from a checkpoint reproduces the uninterrupted run bit for bit", async () => {
    const batches = (_s: number, r: Rng) => r.permutation(20).slice(0, 5);
    const bl = (p: { w: Tensor }, idx: Int32Array) => S.mse(S.matmul(S.take(x, idx, 0), p.w), S.take(y, idx, 0));
    const full = S.train({ params: { w: S.zeros([3, 1]) }, loss: bl, batches, optimizer: S.adam(0.05), steps: 60, seed: 9, schedule: { every: 10 } });
    const fullRows = await S.collect(full);
    let ckpt: S.Checkpoint<{ w: Tensor }> | null = null;
    const first = S.train({ params: { w: S.zeros([3, 1]) }, loss: bl, batches, optimizer: S.adam(0.05), steps: 30, seed: 9, schedule: { every: 10 }, checkpointEvery: 30, onCheckpoint: (c) => (ckpt = c) });
    await S.collect(first);
    const c = ckpt as unknown as S.Checkpoint<{ w: Tensor }>;
    const second = S.train({ params: c.params, loss: bl, batches, optimizer: S.adam(0.05), steps: 60, schedule: { every: 10 }, resume: { step: c.step, optState: c.optState, rngState: c.rngState } });
    const resumed = await S.collect(second);
    const a = fullRows.filter((r) => r.step >= 30).map((r) => r.value);
    const b = resumed.map((r) => r.value);
    expect(b).toEqual(a);
  });

  it("probes: conserved quantities, singular values, Hessian eigenvalues, NTK distance", async () => {
    const xs = S.normal(Rng.seed(2), [10, 3]);
    const ys = S.normal(Rng.seed(3), [10, 2]);
    const p0 = { w1: S.normal(Rng.seed(4), [3, 4], { std: 0.5 }), w2: S.normal(Rng.seed(5), [4, 2], { std: 0.5 }) };
    const l = (p: typeof p0) => S.mse(S.matmul(S.matmul(xs, p.w1), p.w2), ys);
    const run = S.train({
      params: p0, loss: l, optimizer: S.gd(1e-3), steps: 200, schedule: { every: 50 },
      probes: [S.deepLinearConserved((p: typeof p0) => [p.w1, p.w2]), S.singularValues((p: typeof p0) => ({ w1: p.w1 }), 2), S.ntkProbe((p: typeof p0, xi: Tensor) => S.sum(S.matmul(S.matmul(xi, p.w1), p.w2), 1, true), S.slice(xs, [[0, 4]]))],
    });
    const rows = await S.collect(run);
    // GD with a small step conserves the matrix up to O(lr^2) per step.
    const drift = rows.filter((r) => r.key === "drift0").map((r) => r.value);
    expect(Math.max(...drift)).toBeLessThan(1e-4);
    expect(rows.some((r) => r.key === "w1.erank" && r.value > 1)).toBe(true);
    expect(rows.filter((r) => r.probe === "ntk" && r.key === "distance").pop()!.value).toBeGreaterThan(0);
    // Lanczos on a quadratic: the Hessian of 1/2 w^T A w is A.
    const A = S.tensor([[4, 1, 0], [1, 3, 0], [0, 0, 1]]);
    const quad = (w: Tensor) => S.mul(S.sum(S.mul(w, S.matmul(A, w))), 0.5);
    const top = S.hessianTopEigenvalues(quad, S.tensor([1, 1, 1]), 3, 3);
    const exact = Array.from(S.linalg.eigh(A).values.data).reverse();
    top.forEach((v, i) => expect(v).toBeCloseTo(exact[i], 10));
  });

  it("conventions convert loss normalisations and times", () => {
    expect(S.lossScale("half-mean", "half-sum", 10, 2)).toBe(20);
    expect(S.momentumTime(100, 0.01, 0.9)).toBeCloseTo(10, 12);
    expect(S.saddleTimeScale(Math.exp(-3))).toBeCloseTo(3, 12);
    expect(S.saddleTimeScale(0.1, 3)).toBeCloseTo(10, 12);
    expect(() => S.momentumTime(1, 1, 1)).toThrow(/beta must be in \[0, 1\)/);
  });

  it("Fourier power over Z_p concentrates on the planted frequency", () => {
    const p = 11;
    const w = new Float64Array(p * 2);
    for (let r = 0; r < p; r++) {
      w[r * 2] = Math.cos((2 * Math.PI * 3 * r) / p);
      w[r * 2 + 1] = Math.sin((2 * Math.PI * 3 * r) / p);
    }
    const power = S.fourierPowerZp(new Tensor(w, [p, 2]));
    const total = power.reduce((s, v) => s + v, 0);
    expect(power[3] / total).toBeCloseTo(1, 12);
  });
});
