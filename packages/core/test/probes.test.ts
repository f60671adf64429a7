import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

const ctx = <P extends S.Tree>(params: P, t = 0): S.ProbeContext<P> => ({ step: 0, t, params, loss: 0, optState: null });

describe("loss, accuracy and norms", () => {
  it("accuracy: argmax for class scores, sign for scalar outputs", () => {
    const scores = S.tensor([[0.1, 0.9], [2, -1], [0.3, 0.2]]);
    expect(S.accuracy(scores, [1, 0, 1])).toBeCloseTo(2 / 3, 15);
    expect(S.accuracy(S.tensor([0.5, -0.1, 2, -3]), [1, 1, 1, -1])).toBeCloseTo(0.75, 15);
    expect(S.accuracy(S.tensor([[0.5], [-0.1]]), [1, -1])).toBe(1);
    expect(() => S.accuracy(scores, [1, 0])).toThrow(/2 labels for 3 predictions/);
  });

  it("evalProbe reports the loss and accuracy of held-out predictions", () => {
    const xTest = S.tensor([[1, 0], [0, 1], [1, 1]]);
    const yTest = S.tensor([[1], [-1], [1]]);
    const p = { w: S.tensor([[2], [-1]]) };
    const pr = S.evalProbe("test", (q: typeof p) => S.matmul(xTest, q.w), (f) => S.mse(f, yTest), [1, -1, 1]);
    // predictions 2, -1, 1: residuals 1, 0, 0 -> 1/2 mean = 1/6.
    expect(pr.measure(ctx(p))).toEqual({ loss: 1 / 6, accuracy: 1 });
  });

  it("paramNorms gives the Frobenius norm per leaf and in total", () => {
    const p = { layers: [{ w: S.tensor([[3, 4]]) }, { w: S.tensor([1, 2, 2]) }] };
    const out = S.paramNorms().measure(ctx(p));
    expect(out["layers[0].w"]).toBe(5);
    expect(out["layers[1].w"]).toBe(3);
    expect(out.total).toBeCloseTo(Math.sqrt(34), 15);
  });
});

describe("conserved quantities", () => {
  const xs = S.normal(Rng.seed(2), [10, 3]);
  const ys = S.normal(Rng.seed(3), [10, 2]);
  const p0 = { w1: S.normal(Rng.seed(4), [3, 4], { std: 0.5 }), w2: S.normal(Rng.seed(5), [4, 2], { std: 0.5 }) };
  const lossFn = (p: typeof p0) => S.mse(S.matmul(S.matmul(xs, p.w1), p.w2), ys);

  it("deep linear balance: GD drift shrinks like lr (lr^2 per step over t / lr steps); layouts agree", async () => {
    const drift = async (lr: number) => {
      const rows = await S.collect(S.train({ params: p0, loss: lossFn, optimizer: S.gd(lr), steps: Math.round(0.5 / lr), schedule: { logSpaced: 5 }, probes: [S.deepLinearConserved((p: typeof p0) => [p.w1, p.w2])] }));
      return rows.filter((r) => r.key === "drift0").pop()!.value;
    };
    const d1 = await drift(0.02);
    const d2 = await drift(0.01);
    expect(d1).toBeGreaterThan(0);
    expect(d1 / d2).toBeGreaterThan(1.8);
    expect(d1 / d2).toBeLessThan(2.2);
    // The transposed ("column") layout describes the same network: same numbers.
    const row = S.deepLinearConserved((p: typeof p0) => [p.w1, p.w2]);
    const col = S.deepLinearConserved((p: typeof p0) => [S.transpose(p.w1), S.transpose(p.w2)], { layout: "column" });
    const a = row.measure(ctx(p0));
    const b = col.measure(ctx(p0));
    expect(b.norm0).toBeCloseTo(a.norm0, 13);
    expect(() => S.deepLinearConserved((p: typeof p0) => [p.w1, p.w1]).measure(ctx(p0))).toThrow(/layers 0 and 1 do not chain/);
  });

  it("a_i^2 - |w_i|^2 of a two-layer ReLU net is conserved by gradient flow to < 1e-9", () => {
    // Positive inputs and first-layer weights keep every pre-activation away from the ReLU kink
    // over this horizon (an adaptive integrator cannot step across a kink that attracts the flow).
    const rng = Rng.seed(6);
    const x = S.abs(S.normal(rng, [16, 3]));
    const y = S.normal(rng, [16, 1]);
    const q0 = { w: S.add(S.abs(S.normal(rng, [3, 5], { std: 0.5 })), 0.1), a: S.normal(rng, [5, 1], { std: 0.5 }) };
    const l = (p: typeof q0) => S.mse(S.matmul(S.relu(S.matmul(x, p.w)), p.a), y);
    const res = S.gradientFlow(l, q0, { t1: 2, times: [0, 1, 2], rtol: 1e-12, atol: 1e-14, maxSteps: 20000, probes: [S.twoLayerConserved((p: typeof q0) => p)] });
    const drift = res.rows.filter((r) => r.key === "maxDrift").map((r) => r.value);
    expect(drift[0]).toBe(0);
    expect(Math.max(...drift)).toBeLessThan(1e-9);
    expect(res.finalLoss).toBeLessThan(l(q0).item());
  });
});

describe("singular values and effective rank", () => {
  const ERANK: [string, number[], number][] = [
    ["rank one", [5, 0, 0], 1],
    ["three equal", [2, 2, 2], 3],
    ["zero", [0, 0], 0],
    ["two to one", [2, 1], Math.exp(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3))],
  ];
  for (const [name, s, e] of ERANK) it(`effective rank: ${name}`, () => expect(S.effectiveRank(s)).toBeCloseTo(e, 14));

  it("singularValues reports the spectrum per layer", () => {
    const w = S.tensor([[3, 0], [0, 4], [0, 0]]);
    const out = S.singularValues((p: { w: Tensor; b: Tensor }) => ({ w: p.w, b: p.b }), 2).measure(ctx({ w, b: S.tensor([3, 4]) }));
    expect(out["w.s0"]).toBeCloseTo(4, 13);
    expect(out["w.s1"]).toBeCloseTo(3, 13);
    expect(out["b.s0"]).toBeCloseTo(5, 13);
    expect(out["b.erank"]).toBe(1);
    expect(out["w.erank"]).toBeCloseTo(Math.exp(-(4 / 7) * Math.log(4 / 7) - (3 / 7) * Math.log(3 / 7)), 13);
  });
});

describe("Hessian top eigenvalues (Lanczos on Hessian-vector products)", () => {
  it("match the dense Hessian's of a small tanh network to 1e-8", () => {
    const rng = Rng.seed(7);
    const x = S.normal(rng, [12, 3]);
    const y = S.normal(rng, [12, 1]);
    const w0 = S.normal(rng, [3 * 4 + 4], { std: 0.7 }); // flat parameters: w1 (3, 4) then w2 (4, 1)
    const lossFlat = (w: Tensor) => {
      const w1 = S.reshape(S.slice(w, [[0, 12]]), [3, 4]);
      const w2 = S.reshape(S.slice(w, [[12, 16]]), [4, 1]);
      return S.mse(S.matmul(S.tanh(S.matmul(x, w1)), w2), y);
    };
    const dense = Array.from(S.linalg.eigh(S.hessian(lossFlat, w0)).values.data).sort((a, b) => b - a);
    const top = S.hessianTopEigenvalues(lossFlat, w0, { k: 3, iters: 16 });
    top.forEach((v, i) => expect(Math.abs(v - dense[i])).toBeLessThan(1e-8 * Math.max(1, Math.abs(dense[0]))));
    // Fewer iterations still resolve the top eigenvalue.
    expect(Math.abs(S.hessianTopEigenvalues(lossFlat, w0, { k: 1, iters: 10 })[0] - dense[0])).toBeLessThan(1e-6 * dense[0]);
    const probe = S.hessianProbe(lossFlat, { k: 2, iters: 16 });
    expect(probe.measure(ctx(w0)).lambda1).toBeCloseTo(dense[1], 8);
  });
});

describe("empirical NTK", () => {
  const rng = Rng.seed(8);
  const x = S.normal(rng, [5, 3]);

  it("is X X^T for a linear scalar model and X X^T (x) I_k in full mode for k outputs", () => {
    const lin = (p: { w: Tensor }, xi: Tensor) => S.matmul(xi, p.w);
    const xxT = S.matmul(x, S.transpose(x));
    const k1 = S.empiricalNtk(lin, { w: S.normal(rng, [3, 1]) }, x);
    for (let i = 0; i < 25; i++) expect(k1.data[i]).toBeCloseTo(xxT.data[i], 13);
    const kFull = S.empiricalNtk(lin, { w: S.normal(rng, [3, 2]) }, x, "full"); // (10, 10) ordered (i, a)
    expect(kFull.shape).toEqual([10, 10]);
    for (let i = 0; i < 5; i++) for (let a = 0; a < 2; a++) for (let j = 0; j < 5; j++) for (let b = 0; b < 2; b++) {
      expect(kFull.data[(i * 2 + a) * 10 + j * 2 + b]).toBeCloseTo(a === b ? xxT.data[i * 5 + j] : 0, 13);
    }
    const kTrace = S.empiricalNtk(lin, { w: S.normal(rng, [3, 2]) }, x);
    for (let i = 0; i < 25; i++) expect(kTrace.data[i]).toBeCloseTo(2 * xxT.data[i], 13);
  });

  it("kernel distance is scale-invariant and the probe sees a linear model stay lazy and an MLP move", () => {
    const k = S.tensor([[2, 1], [1, 3]]);
    expect(S.kernelDistance(k, S.mul(k, 7))).toBeCloseTo(0, 15);
    expect(S.kernelDistance(S.eye(2), S.tensor([[0, 1], [1, 0]]))).toBeCloseTo(1, 15);
    const mlp = (p: { w1: Tensor; w2: Tensor }, xi: Tensor) => S.matmul(S.tanh(S.matmul(xi, p.w1)), p.w2);
    const pr = S.ntkProbe(mlp, x);
    const q0 = { w1: S.normal(rng, [3, 8]), w2: S.normal(rng, [8, 1], { std: 0.3 }) };
    const q1 = { w1: S.add(q0.w1, S.normal(rng, [3, 8], { std: 0.3 })), w2: q0.w2 };
    expect(pr.measure(ctx(q0, 0)).distance).toBe(0);
    const later = pr.measure(ctx(q1, 2));
    expect(later.distance).toBeGreaterThan(1e-4);
    expect(later.velocity).toBeCloseTo(later.distance / 2, 14);
    const linProbe = S.ntkProbe((p: { w: Tensor }, xi: Tensor) => S.matmul(xi, p.w), x);
    linProbe.measure(ctx({ w: S.normal(rng, [3, 1]) }));
    expect(Math.abs(linProbe.measure(ctx({ w: S.normal(rng, [3, 1]) }, 1)).distance)).toBeLessThan(1e-14);
  });
});

describe("feature matrix and AGOP", () => {
  const rng = Rng.seed(9);
  const x = S.normal(rng, [7, 4]);

  it("for a linear model f = x W the AGOP equals the feature matrix W W^T exactly", () => {
    const w = S.normal(rng, [4, 3]);
    const g = S.agop((p: { w: Tensor }, xi: Tensor) => S.matmul(xi, p.w), { w }, x);
    const f = S.featureMatrix(w);
    for (let i = 0; i < 16; i++) expect(g.data[i]).toBeCloseTo(f.data[i], 13);
    const fCol = S.featureMatrix(S.transpose(w), "column");
    for (let i = 0; i < 16; i++) expect(fCol.data[i]).toBeCloseTo(f.data[i], 14);
    const pr = S.featureProbe((p: { w: Tensor }, xi: Tensor) => S.matmul(xi, p.w), x, (p: { w: Tensor }) => p.w);
    expect(pr.measure(ctx({ w })).alignment).toBeCloseTo(1, 13);
  });

  it("matches a per-example loop for a nonlinear scalar model", () => {
    const p = { w: S.normal(rng, [4, 6]), a: S.normal(rng, [6, 1]) };
    const f = (q: typeof p, xi: Tensor) => S.matmul(S.tanh(S.matmul(xi, q.w)), q.a);
    const g = S.agop(f, p, x);
    const expected = new Float64Array(16);
    for (let i = 0; i < 7; i++) {
      const gi = S.grad((xi: Tensor) => S.sum(f(p, xi)))(S.slice(x, [[i, i + 1]])).data;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) expected[a * 4 + b] += (gi[a] * gi[b]) / 7;
    }
    for (let i = 0; i < 16; i++) expect(g.data[i]).toBeCloseTo(expected[i], 13);
  });
});

describe("Fourier power", () => {
  it("over Z_p concentrates on the planted frequency and obeys Parseval", () => {
    const p = 11;
    const w = new Float64Array(p * 3);
    for (let r = 0; r < p; r++) {
      w[r * 3] = Math.cos((2 * Math.PI * 3 * r) / p);
      w[r * 3 + 1] = Math.sin((2 * Math.PI * 3 * r) / p);
      w[r * 3 + 2] = 0.5 * Math.cos((2 * Math.PI * 5 * r) / p + 1);
    }
    const wt = new Tensor(w, [p, 3]);
    const power = S.fourierPowerZp(wt);
    const total = power.reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(w.reduce((s, v) => s + v * v, 0), 12);
    expect(power[3]).toBeCloseTo(p, 12); // cos^2 + sin^2 summed over 11 residues
    expect(power[5]).toBeCloseTo((0.25 * p) / 2, 12);
    const out = S.fourierProbe((q: { w: Tensor }) => q.w).measure(ctx({ w: wt }));
    expect(out.top).toBe(3);
    expect(out.f3).toBeCloseTo(p / (p + p / 8), 12);
  });

  it("over a finite group obeys Parseval and matches Z_p for the cyclic group", () => {
    const g = S.dihedral(4);
    const w = S.normal(Rng.seed(10), [g.order, 5]);
    const power = S.groupFourierPower(g, w);
    expect(power.reduce((s, r) => s + r.power, 0)).toBeCloseTo(S.sum(S.square(w)).item(), 12);
    const z = S.cyclic(7);
    const wz = S.normal(Rng.seed(11), [7, 2]);
    const byGroup = S.groupFourierPower(z, wz).map((r) => r.power).sort((a, b) => a - b);
    const byFft = Array.from(S.fourierPowerZp(wz)).sort((a, b) => a - b);
    byGroup.forEach((v, i) => expect(v).toBeCloseTo(byFft[i], 12));
    expect(() => S.groupFourierPower(g, S.zeros([3, 2]))).toThrow(/w must be \(\|G\| = 8, h\)/);
  });
});
