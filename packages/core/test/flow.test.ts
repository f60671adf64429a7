import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Tensor, Rng } from "@saddle/core";

describe("dopri5 (Dormand-Prince RK45)", () => {
  it("FSAL: 6 new evaluations per step plus the first and the step heuristic's", () => {
    const res = S.dopri5((t, y) => Float64Array.of(y[0] * Math.cos(t)), 0, Float64Array.of(1), 10, { rtol: 1e-9, atol: 1e-12 });
    expect(res.nfev).toBe(6 * (res.accepted + res.rejected) + 2);
    expect(Math.abs(res.yEnd[0] - Math.exp(Math.sin(10)))).toBeLessThan(1e-8);
  });

  it("4th-order dense output between steps is as accurate as the steps themselves, at no extra steps", () => {
    // y' = y cos t, y = exp(sin t); 400 output times, most of them strictly inside steps.
    const f = (t: number, y: Float64Array) => Float64Array.of(y[0] * Math.cos(t));
    const times = Array.from({ length: 400 }, (_, i) => (10 * (i + 0.5)) / 400);
    const TOLS: [number, number][] = [[1e-6, 1e-5], [1e-9, 1e-8]];
    for (const [rtol, bound] of TOLS) {
      const res = S.dopri5(f, 0, Float64Array.of(1), 10, { rtol, atol: rtol * 1e-3, times });
      const bare = S.dopri5(f, 0, Float64Array.of(1), 10, { rtol, atol: rtol * 1e-3 });
      expect(res.t).toEqual(times);
      const err = Math.max(...res.y.map((y, i) => Math.abs(y[0] - Math.exp(Math.sin(times[i]))) / Math.exp(Math.sin(times[i]))));
      expect(err).toBeLessThan(bound);
      expect(res.accepted).toBe(bare.accepted);
      expect(res.accepted).toBeLessThan(times.length / 2);
    }
  });

  it("finds an upward crossing only when asked for that direction", () => {
    // y = sin t: crosses 0.5 upward at pi/6 and downward at 5 pi/6.
    const f = (_t: number, y: Float64Array) => Float64Array.of(y[1], -y[0]);
    const ev = (direction: -1 | 0 | 1): S.OdeEvent => ({ name: "half", fn: (_t, y) => y[0] - 0.5, direction });
    const up = S.dopri5(f, 0, Float64Array.of(0, 1), 3, { rtol: 1e-11, atol: 1e-13, events: [ev(1)] });
    const down = S.dopri5(f, 0, Float64Array.of(0, 1), 3, { rtol: 1e-11, atol: 1e-13, events: [ev(-1)] });
    const both = S.dopri5(f, 0, Float64Array.of(0, 1), 3, { rtol: 1e-11, atol: 1e-13, events: [ev(0)] });
    expect(up.events.map((e) => e.t)).toHaveLength(1);
    expect(Math.abs(up.events[0].t - Math.PI / 6)).toBeLessThan(1e-9);
    expect(Math.abs(down.events[0].t - (5 * Math.PI) / 6)).toBeLessThan(1e-9);
    expect(both.events).toHaveLength(2);
  });

  it("rejects bad input with the field and value", () => {
    const f = (_t: number, y: Float64Array) => Float64Array.from(y);
    expect(() => S.dopri5(f, 0, Float64Array.of(1), 1, { times: [0.5, 2] })).toThrow(/output time 2 is outside \[t0, t1\] = \[0, 1\]/);
    expect(() => S.dopri5(f, 0, Float64Array.of(1), 1, { times: [0.5, 0.2] })).toThrow(/ascending/);
    expect(() => S.dopri5(f, 1, Float64Array.of(1), 0)).toThrow(/need finite t0 <= t1, got t0=1, t1=0/);
  });
});

describe("gradient flow (RK45 on parameter trees)", () => {
  it("matches the analytic gradient-flow solution of linear regression to 1e-8 on a log-spaced grid", () => {
    // L(w) = 1/2 mean_i (x_i.w - y_i)^2 = 1/2 (w - w*)^T Sigma (w - w*), Sigma = X^T X / n.
    // Gradient flow: w(t) = w* + V exp(-Lambda t) V^T (w0 - w*).
    const rng = Rng.seed(1);
    const x = S.normal(rng, [40, 5]);
    const wStar = S.normal(rng, [5]);
    const y = S.matmul(x, wStar);
    const loss = (p: { w: Tensor }) => S.mse(S.matmul(x, p.w), y);
    const w0 = S.zeros([5]);
    const { values, vectors } = S.linalg.eigh(S.div(S.matmul(S.transpose(x), x), 40));
    const res = S.gradientFlow(loss, { w: w0 }, { t1: 30, times: { logSpaced: 40, from: 1e-3 }, rtol: 1e-10, atol: 1e-12 });
    expect(res.times).toHaveLength(41);
    let worst = 0;
    res.times.forEach((t, k) => {
      const c = S.matmul(S.transpose(vectors), S.sub(w0, wStar));
      const exact = S.add(wStar, S.matmul(vectors, S.mul(c, S.exp(S.mul(values, -t)))));
      for (let i = 0; i < 5; i++) worst = Math.max(worst, Math.abs(res.params[k].w.data[i] - exact.data[i]));
    });
    expect(worst).toBeLessThan(1e-8);
    // Rows: probe "flow", key "loss", step = t (lr defaults to 1).
    expect(res.rows.filter((r) => r.key === "loss").map((r) => r.t)).toEqual(res.times);
    console.info(`linear regression flow to t = 30: max |w - w_exact| = ${worst.toExponential(2)} over ${res.times.length} log-spaced times, ${res.gradEvals} gradient evaluations (${res.accepted} accepted, ${res.rejected} rejected steps)`);
  });

  it("conserves W2 W2^T - W1^T W1 of a two-layer linear net to < 1e-9", () => {
    const rng = Rng.seed(2);
    const x = S.normal(rng, [30, 4]);
    const y = S.matmul(x, S.normal(rng, [4, 3]));
    const p0 = { w1: S.normal(rng, [4, 6], { std: 0.3 }), w2: S.normal(rng, [6, 3], { std: 0.3 }) };
    const loss = (p: typeof p0) => S.mse(S.matmul(S.matmul(x, p.w1), p.w2), y);
    // f = x W1 W2: the conserved (hidden x hidden) matrix is W1^T W1 - W2 W2^T (deepLinearConserved, layout "row").
    const res = S.gradientFlow(loss, p0, { t1: 200, times: { logSpaced: 12, from: 0.1 }, rtol: 1e-12, atol: 1e-14, probes: [S.deepLinearConserved((p: typeof p0) => [p.w1, p.w2])] });
    const drifts = res.rows.filter((r) => r.probe === "conserved" && r.key === "drift0").map((r) => r.value);
    expect(drifts).toHaveLength(13);
    expect(Math.max(...drifts)).toBeLessThan(1e-9);
    expect(res.finalLoss).toBeLessThan(1e-4 * loss(p0).item());
    console.info(`two-layer linear flow to t = 200: balance drift max ${Math.max(...drifts).toExponential(2)}, loss ${loss(p0).item().toExponential(3)} -> ${res.finalLoss.toExponential(3)}, ${res.gradEvals} gradient evaluations`);
  });

  it("reaches a small-init deep-linear saddle-to-saddle trajectory with >= 10x fewer gradient evaluations than GD at equal accuracy", () => {
    // L = 1/2 |W1 W2 - diag(3, 2, 1)|_F^2 from init scale 1e-4: plateaus at 7, 2.5, 0.5 and drops
    // near t ~ ln(s / alpha^2) / (2 s) = 3.3, 4.8, 9.2. Accuracy: relative error of the loss at
    // times inside and between the drops against a tight-tolerance reference.
    const d = 3;
    const target = [3, 2, 1];
    const Y = S.mul(S.eye(d), S.tensor(target));
    const loss = (p: { w1: Tensor; w2: Tensor }) => S.mul(S.sum(S.square(S.sub(S.matmul(p.w1, p.w2), Y))), 0.5);
    const rng = Rng.seed(3);
    const p0 = { w1: S.normal(rng, [d, d], { std: 1e-4 }), w2: S.normal(rng, [d, d], { std: 1e-4 }) };
    const times = [2, 3.5, 4.2, 5, 7, 9.5, 12];
    const accuracy = 1e-3;
    const ref = S.gradientFlow(loss, p0, { t1: 12, times, rtol: 1e-12, atol: 1e-16 }).losses;
    const relErr = (ls: number[]) => Math.max(...ls.map((l, i) => Math.abs(l - ref[i]) / ref[i]));
    expect(ref[0]).toBeGreaterThan(6.9); // before the first drop: 1/2 (9 + 4 + 1) = 7
    expect(ref[6]).toBeLessThan(0.05); // all three saddles passed
    const flow = S.gradientFlow(loss, p0, { t1: 12, times, rtol: 1e-6, atol: 1e-12 });
    const flowErr = relErr(flow.losses);
    expect(flowErr).toBeLessThan(accuracy);

    // GD on the same loss. Its gradient G1 = R W2^T, G2 = W1^T R (R = W1 W2 - Y) is written out on
    // plain arrays (checked against the engine's below) so the many GD steps stay cheap.
    const matmul3 = (a: Float64Array, b: Float64Array, ta = false, tb = false) => {
      const o = new Float64Array(9);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (ta ? a[k * 3 + i] : a[i * 3 + k]) * (tb ? b[j * 3 + k] : b[k * 3 + j]);
        o[i * 3 + j] = s;
      }
      return o;
    };
    const yData = Float64Array.from(Y.data);
    const gradOf = (w1: Float64Array, w2: Float64Array) => {
      const r = matmul3(w1, w2).map((v, i) => v - yData[i]);
      return { g1: matmul3(r, w2, false, true), g2: matmul3(w1, r, true, false), loss: 0.5 * r.reduce((s, v) => s + v * v, 0) };
    };
    const engine = S.grad(loss)(p0);
    const mine = gradOf(Float64Array.from(p0.w1.data), Float64Array.from(p0.w2.data));
    for (let i = 0; i < 9; i++) {
      expect(mine.g1[i]).toBeCloseTo(engine.w1.data[i], 15);
      expect(mine.g2[i]).toBeCloseTo(engine.w2.data[i], 15);
    }
    let lr = 0.05;
    let gdEvals = 0;
    let gdErr = Infinity;
    for (;;) {
      let w1 = Float64Array.from(p0.w1.data);
      let w2 = Float64Array.from(p0.w2.data);
      const ls: number[] = [];
      let step = 0;
      for (const t of times) {
        const until = Math.round(t / lr); // GD reaches time lr * step (conventions.ts)
        for (; step < until; step++) {
          const { g1, g2 } = gradOf(w1, w2);
          w1 = w1.map((v, i) => v - lr * g1[i]);
          w2 = w2.map((v, i) => v - lr * g2[i]);
        }
        ls.push(gradOf(w1, w2).loss);
      }
      gdEvals = step;
      gdErr = relErr(ls);
      if (gdErr <= accuracy || lr < 1e-5) break;
      lr /= 2;
    }
    console.info(`deep-linear saddle-to-saddle to t = 12 at relative loss accuracy ${accuracy}: RK45 ${flow.gradEvals} gradient evaluations (error ${flowErr.toExponential(2)}), GD ${gdEvals} (lr ${lr}, error ${gdErr.toExponential(2)}); ratio ${(gdEvals / flow.gradEvals).toFixed(0)}x`);
    expect(gdErr).toBeLessThanOrEqual(accuracy);
    expect(gdEvals).toBeGreaterThanOrEqual(10 * flow.gradEvals);
  });

  it("locates loss-level crossings, parameter events and a terminal stop", () => {
    // L(w) = w^2 / 2 from w0 = 1: w(t) = exp(-t), L(t) = exp(-2t)/2, so level l is crossed at
    // t = -log(2 l)/2 and w crosses 0.3 at t = -log(0.3).
    const loss = (p: { w: Tensor }) => S.mul(S.square(p.w), 0.5);
    const res = S.gradientFlow(loss, { w: S.tensor(1) }, {
      t1: 10,
      lossLevels: [0.1, 0.01],
      stopBelow: 0.001,
      events: [{ name: "w=0.3", fn: (_t, p: { w: Tensor }) => p.w.item() - 0.3, direction: -1 }],
      times: [1, 2, 5, 9],
      rtol: 1e-10,
      atol: 1e-12,
      lr: 0.01,
    });
    expect(Math.abs(res.crossings[0].t + Math.log(0.2) / 2)).toBeLessThan(1e-8);
    expect(Math.abs(res.crossings[1].t + Math.log(0.02) / 2)).toBeLessThan(1e-8);
    expect(Math.abs((res.events.find((e) => e.name === "w=0.3")?.t ?? NaN) + Math.log(0.3))).toBeLessThan(1e-8);
    expect(res.stoppedBy).toBe("stopBelow");
    expect(Math.abs(res.tEnd + Math.log(0.002) / 2)).toBeLessThan(1e-8);
    expect(Math.abs(res.finalLoss - 0.001)).toBeLessThan(1e-10);
    // Output times after the stop (5, 9) are not produced; steps are t / lr.
    expect(res.times).toEqual([1, 2]);
    expect(res.rows.map((r) => r.step)).toEqual([100, 200]);
    expect(res.events.map((e) => e.name)).toEqual(["lossLevel0", "w=0.3", "lossLevel1", "stopBelow"]);
  });

  it("accepts t1 positionally and rejects a bad t1", () => {
    const loss = (p: { w: Tensor }) => S.mul(S.square(p.w), 0.5);
    const res = S.gradientFlow(loss, { w: S.tensor(2) }, 1, { times: [1], rtol: 1e-10, atol: 1e-12 });
    expect(Math.abs(res.params[0].w.item() - 2 * Math.exp(-1))).toBeLessThan(1e-9);
    expect(() => S.gradientFlow(loss, { w: S.tensor(2) }, { t1: -1 })).toThrow(/t1 must be a finite time >= 0, got -1/);
  });
});

describe("modifiedLoss (GD's backward-error loss L + lr/4 |grad L|^2)", () => {
  it("on a quadratic its gradient is (A + lr/2 A^2) theta", () => {
    const a = S.tensor([[3, 1], [1, 2]]);
    const loss = (p: { w: S.Tensor }) => S.mul(S.sum(S.mul(p.w, S.matmul(a, p.w))), 0.5);
    const w = S.tensor([0.7, -1.3]);
    const lr = 0.1;
    const g = S.grad(S.modifiedLoss(loss, lr))({ w }).w.data;
    const aw = [3 * 0.7 - 1.3, 0.7 - 2 * 1.3];
    const a2w = [3 * aw[0] + aw[1], aw[0] + 2 * aw[1]];
    for (let i = 0; i < 2; i++) expect(g[i]).toBeCloseTo(aw[i] + (lr / 2) * a2w[i], 12);
  });

  it("GD follows its flow to O(lr^2) while the plain flow is O(lr) away (a smooth nonlinear loss)", () => {
    const loss = (p: { w: S.Tensor }) => S.add(S.sum(S.softplus(S.mul(S.sub(p.w, S.tensor([1, -2, 0.5])), 2))), S.mul(S.square(S.sum(p.w)), 0.1));
    const init = { w: S.tensor([0.3, 0.4, -0.2]) };
    const errors = [0.2, 0.1, 0.05].map((lr) => {
      let p = init;
      for (let k = 0; k < Math.round(1 / lr); k++) p = { w: S.sub(p.w, S.mul(S.grad(loss)(p).w, lr)) };
      const gap = (q: { w: S.Tensor }) => Math.hypot(...Array.from(q.w.data, (v, i) => v - p.w.data[i]));
      return { plain: gap(S.gradientFlow(loss, init, 1, { rtol: 1e-12, atol: 1e-14 }).final), modified: gap(S.gradientFlow(S.modifiedLoss(loss, lr), init, 1, { rtol: 1e-12, atol: 1e-14 }).final) };
    });
    for (let i = 1; i < errors.length; i++) {
      expect(errors[i - 1].plain / errors[i].plain).toBeGreaterThan(1.8);
      expect(errors[i - 1].plain / errors[i].plain).toBeLessThan(2.2);
      expect(errors[i - 1].modified / errors[i].modified).toBeGreaterThan(3.6);
      expect(errors[i - 1].modified / errors[i].modified).toBeLessThan(4.4);
    }
  });

  it("rejects a learning rate that is not positive", () => {
    expect(() => S.modifiedLoss((p: { w: S.Tensor }) => S.sum(p.w), 0)).toThrow(/modifiedLoss: lr must be a finite number > 0, got 0/);
  });
});
