import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

const rng = Rng.seed(1);
const x = S.normal(rng, [20, 3]);
const y = S.matmul(x, S.tensor([[1], [-2], [0.5]]));
const loss = (p: { w: Tensor }) => S.mse(S.matmul(x, p.w), y);
const batchLoss = (p: { w: Tensor }, idx: Int32Array) => S.mse(S.matmul(S.take(x, idx, 0), p.w), S.take(y, idx, 0));

describe("training loop", () => {
  it("yields tidy rows on a log-spaced schedule with gradient-flow time t = lr step / (1 - beta)", async () => {
    const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.momentum(0.1, 0.5), steps: 200, schedule: { logSpaced: 10 }, time: { lr: 0.1, momentum: 0.5 }, probes: [S.paramNorms()] });
    const rows = await S.collect(run);
    const lossRows = rows.filter((r) => r.probe === "train" && r.key === "loss");
    expect(lossRows.map((r) => r.step)).toEqual(S.scheduleSteps({ logSpaced: 10 }, 200));
    for (const r of lossRows) expect(r.t).toBeCloseTo((0.1 * r.step) / 0.5, 12);
    expect(lossRows[lossRows.length - 1].value).toBeLessThan(1e-10);
    expect(rows.filter((r) => r.probe === "norms" && r.key === "w")).toHaveLength(lossRows.length);
    const res = run.result();
    expect(res.reason).toBe("done");
    expect(res.step).toBe(200);
    expect(run.params).toBe(res.params);
    for (const [i, v] of [1, -2, 0.5].entries()) expect(res.params.w.data[i]).toBeCloseTo(v, 5);
  });

  it("accumulates time under a learning-rate schedule: t_k = sum_{j<k} lr(j)", async () => {
    const lr = S.warmup(0.1, 10);
    const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(lr), steps: 30, schedule: { every: 5 }, time: { lr } });
    const rows = await S.collect(run);
    for (const r of rows) {
      let t = 0;
      for (let j = 0; j < r.step; j++) t += lr(j);
      expect(r.t).toBeCloseTo(t, 13);
    }
  });

  it("measures a probe on its own schedule", async () => {
    const sparse = S.withSchedule(S.paramNorms<{ w: Tensor }>(), { steps: [7, 13] });
    const rows = await S.collect(S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(0.1), steps: 20, schedule: { every: 10 }, probes: [sparse] }));
    expect([...new Set(rows.filter((r) => r.probe === "norms").map((r) => r.step))]).toEqual([0, 7, 13, 20]);
    expect(rows.filter((r) => r.key === "loss").map((r) => r.step)).toEqual([0, 10, 20]);
  });

  const STOPS: { name: string; lr: number; reason: string; message: RegExp }[] = [
    { name: "diverged (loss above the threshold)", lr: 10, reason: "diverged", message: /exceeded divergeAbove = 1000000000000 at step \d+; lower the learning rate/ },
    { name: "nan (non-finite loss)", lr: 1e200, reason: "nan", message: /loss became (Infinity|NaN) at step \d+/ },
  ];
  for (const s of STOPS) {
    it(`stops with reason ${s.name}, emitting the stopping step's loss row`, async () => {
      const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(s.lr), steps: 1000, schedule: { every: 100 } });
      const rows = await S.collect(run);
      const r = run.result();
      expect(r.reason).toBe(s.reason);
      expect(r.message).toMatch(s.message);
      expect(r.step).toBeLessThan(1000);
      expect(rows[rows.length - 1]).toMatchObject({ step: r.step, probe: "train", key: "loss" });
    });
  }

  it("stops on abort and reports it", async () => {
    const ctrl = new AbortController();
    const run = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(0.01), steps: 100, schedule: { every: 1 }, signal: ctrl.signal });
    for await (const r of run) if (r.step === 5) ctrl.abort();
    expect(run.result()).toMatchObject({ reason: "aborted", step: 6 });
    expect(() => S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(0.01), steps: 10 }).result()).toThrow(/after iteration finishes/);
  });

  const RESUME: { name: string; optimizer: () => S.GradientTransformation<unknown>; batches: (step: number, r: Rng) => Int32Array }[] = [
    { name: "adam, batches from the loop's RNG", optimizer: () => S.adam(0.05), batches: (_s, r) => r.permutation(20).slice(0, 5) },
    { name: "ecd with bounce, batches as a function of the step", optimizer: () => S.ecd({ lr: 0.02, eta: 10, f0: -1, nu: 0.2 }), batches: (s) => Rng.seed(5).fork(Math.floor(s / 4)).permutation(20).slice((s % 4) * 5, (s % 4) * 5 + 5) },
  ];
  for (const c of RESUME) {
    it(`resuming from a JSON checkpoint reproduces the uninterrupted run bit for bit (${c.name})`, async () => {
      const full = await S.collect(S.train({ params: { w: S.zeros([3, 1]) }, loss: batchLoss, batches: c.batches, optimizer: c.optimizer(), steps: 60, seed: 9, schedule: { every: 10 } }));
      let saved = "";
      const first = S.train({ params: { w: S.zeros([3, 1]) }, loss: batchLoss, batches: c.batches, optimizer: c.optimizer(), steps: 60, seed: 9, schedule: { every: 10 }, checkpointEvery: 30, onCheckpoint: (ck) => (saved ||= S.serializeState(ck)) });
      const ctrl = new AbortController();
      for await (const r of first) if (r.step === 30) ctrl.abort();
      const ck = S.deserializeState<S.Checkpoint<{ w: Tensor }>>(saved);
      expect(ck.step).toBe(30);
      const resumed = await S.collect(S.train({ params: { w: S.zeros([3, 1]) }, loss: batchLoss, batches: c.batches, optimizer: c.optimizer(), steps: 60, schedule: { every: 10 }, resume: ck }));
      expect(resumed.map((r) => [r.step, r.value])).toEqual(full.filter((r) => r.step >= 30).map((r) => [r.step, r.value]));
    });
  }

  it("rejects bad options clearly", () => {
    const base = { params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(0.1) };
    expect(() => S.train({ ...base, steps: 1.5 })).toThrow(/steps must be a non-negative integer, got 1.5/);
    expect(() => S.train({ ...base, steps: 10, schedule: { every: 0 } })).toThrow(/schedule.every must be an integer >= 1, got 0/);
    expect(() => S.train({ ...base, steps: 10, checkpointEvery: 0 })).toThrow(/checkpointEvery must be a positive integer, got 0/);
    expect(() => S.train({ ...base, steps: 10, time: { lr: 0.1, momentum: 1 } })).toThrow(/momentum beta must be in \[0, 1\), got 1/);
  });
});

describe("schedules of measurement steps", () => {
  const TABLE: { schedule: S.LogSchedule; total: number; steps: number[] }[] = [
    { schedule: { every: 4 }, total: 10, steps: [0, 4, 8, 10] },
    { schedule: { logSpaced: 4 }, total: 999, steps: [0, 9, 99, 999] },
    { schedule: { steps: [3, 50, 7] }, total: 20, steps: [0, 3, 7, 20] },
  ];
  for (const row of TABLE) {
    it(`${JSON.stringify(row.schedule)} over ${row.total} steps`, () => {
      expect(S.scheduleSteps(row.schedule, row.total)).toEqual(row.steps);
      const at = S.scheduleAt(row.schedule, row.total);
      expect(Array.from({ length: row.total + 1 }, (_, s) => s).filter(at)).toEqual(row.steps);
    });
  }
});

describe("conventions", () => {
  const LOSS: [S.LossNormalisation, S.LossNormalisation, number, number, number][] = [
    ["half-mean", "half-sum", 10, 2, 20],
    ["half-mean", "mean", 10, 2, 2],
    ["half-mean-samples", "half-mean", 10, 4, 0.25],
    ["sum", "half-mean", 5, 1, 0.1],
  ];
  for (const [from, to, n, k, c] of LOSS) {
    it(`lossScale ${from} -> ${to} (n ${n}, k ${k}) = ${c}, matching the engine's losses`, () => {
      expect(S.lossScale(from, to, n, k)).toBeCloseTo(c, 14);
    });
  }

  it("the half-mean convention is what mse computes, and flow time converts inversely", () => {
    const r = S.normal(Rng.seed(4), [6, 2]);
    const halfMean = S.mse(r, S.zeros([6, 2])).item();
    const sumSq = S.sum(S.square(r)).item();
    expect(halfMean * S.lossScale("half-mean", "sum", 6, 2)).toBeCloseTo(sumSq, 13);
    expect(S.convertFlowTime(12, "half-mean", "half-sum", 6, 2)).toBeCloseTo(1, 14);
  });

  it("time bookkeeping and saddle time units", () => {
    expect(S.gdTime(100, 0.01)).toBeCloseTo(1, 14);
    expect(S.momentumTime(100, 0.01, 0.9)).toBeCloseTo(10, 12);
    expect(S.stepsForTime(10, 0.01, 0.9)).toBeCloseTo(100, 10);
    expect(S.timePerStep(0.2, 0.5)).toBeCloseTo(0.4, 15);
    expect(S.saddleTimeScale(Math.exp(-3))).toBeCloseTo(3, 12);
    expect(S.saddleTimeScale(0.1, 3)).toBeCloseTo(10, 12);
    expect(S.rescaledSaddleTime(6, Math.exp(-3))).toBeCloseTo(2, 12);
    expect(() => S.momentumTime(1, 1, 1)).toThrow(/beta must be in \[0, 1\), got 1/);
    expect(() => S.lossScale("half-mean", "l2" as S.LossNormalisation, 1)).toThrow(/to must be one of .*got 'l2'/);
    expect(() => S.saddleTimeScale(2)).toThrow(/alpha must be in \(0, 1\), got 2/);
  });
});

describe("checkpoint encoding", () => {
  it("round-trips tensors, float arrays, -0 and non-finite numbers exactly", () => {
    const state = { a: S.tensor([1 / 3, -0, 1e-300]), b: Float64Array.of(Math.PI, -0), c: [NaN, Infinity, -Infinity, -0, 2], f: S.tensor([0.1], undefined, "f32") };
    const back = S.deserializeState<typeof state>(S.serializeState(state));
    expect(Array.from(back.a.data)).toEqual([1 / 3, -0, 1e-300]);
    expect(Object.is(back.a.data[1], -0)).toBe(true);
    expect(Object.is(back.b[1], -0)).toBe(true);
    expect(back.c).toEqual([NaN, Infinity, -Infinity, -0, 2]);
    expect(back.f.dtype).toBe("f32");
    expect(() => S.encodeState({ m: new Map() })).toThrow(/cannot encode Map/);
  });
});

describe("training loop: fused loss-and-gradient and what probes see", () => {
  // Hand-derived gradient of the half-mean MSE 0.5 mean((x w - y)^2): x^T (x w - y) / n.
  const n = x.shape[0];
  const fused = (p: { w: Tensor }): readonly [number, { w: Tensor }] => {
    const r = S.sub(S.matmul(x, p.w), y);
    return [S.mse(S.matmul(x, p.w), y).item(), { w: S.mul(S.matmul(S.transpose(x), r), 1 / n) }];
  };

  it("lossAndGrad gives the same trajectory as autodiff of the same loss", async () => {
    const a = S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.momentum(0.05, 0.9), steps: 60, schedule: { every: 20 } });
    const b = S.train({ params: { w: S.zeros([3, 1]) }, lossAndGrad: fused, optimizer: S.momentum(0.05, 0.9), steps: 60, schedule: { every: 20 } });
    const [ra, rb] = [await S.collect(a), await S.collect(b)];
    expect(rb.map((r) => r.step)).toEqual(ra.map((r) => r.step));
    for (const [i, r] of ra.entries()) expect(rb[i].value).toBeCloseTo(r.value, 12);
    for (let i = 0; i < 3; i++) expect(b.params.w.data[i]).toBeCloseTo(a.params.w.data[i], 12);
  });

  it("probes get the gradient and the previous step, with params = prev.params + prev.updates", async () => {
    const seen: { step: number; gradErr: number; stepErr: number; hasPrev: boolean }[] = [];
    const probe: S.Probe<{ w: Tensor }> = {
      name: "check",
      measure: ({ step, params, grads, prev }) => {
        const g = fused(params)[1].w;
        const gradErr = Math.max(...g.data.map((v, i) => Math.abs(v - grads!.w.data[i])));
        const stepErr = prev ? Math.max(...params.w.data.map((v, i) => Math.abs(v - (prev.params.w.data[i] + prev.updates.w.data[i])))) : 0;
        seen.push({ step, gradErr, stepErr, hasPrev: prev !== undefined });
        return { gradErr };
      },
    };
    await S.collect(S.train({ params: { w: S.zeros([3, 1]) }, loss, optimizer: S.gd(0.1), steps: 5, schedule: { every: 1 }, probes: [probe] }));
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen.map((s) => s.hasPrev)).toEqual([false, true, true, true, true, true]);
    for (const s of seen) {
      expect(s.gradErr).toBeLessThan(1e-14);
      expect(s.stepErr).toBe(0);
    }
  });

  it("rejects both or neither of loss and lossAndGrad", () => {
    expect(() => S.train({ params: { w: S.zeros([3, 1]) }, loss, lossAndGrad: fused, optimizer: S.gd(0.1), steps: 1 })).toThrow(/exactly one of `loss` and `lossAndGrad`/);
    expect(() => S.train({ params: { w: S.zeros([3, 1]) }, optimizer: S.gd(0.1), steps: 1 })).toThrow(/exactly one/);
  });
});
