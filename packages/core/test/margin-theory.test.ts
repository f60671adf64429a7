import { describe, it, expect } from "vitest";
import * as S from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { angleBetween, collapseMetrics, eulerCheck, halfRateNorm, hardMarginSvm, linearMargin, minNormPointInHull, mlpRates, normalisedHeadRates, normalisedMargin, quasiHomogeneousScale, residualRates, scalingCheck, twoLayerBiasRates } from "../src/theory/symmetry/margin/index.js";

const rng = () => S.Rng.seed(7);

describe("theory/margin: rates and the Euler identity (arXiv 2210.03820)", () => {
  const x = S.normal(rng().fork("x"), [6, 3]); // (n, d)

  it("MLP with biases: bias l takes the summed rate of layers 1..l; Euler identity and finite scaling to 1e-12", () => {
    const model = S.mlp({ widths: [3, 5, 4, 2], activation: "relu", bias: true });
    const p = model.init(rng().fork("mlp"));
    const withBias = { layers: p.layers.map((l, i) => ({ w: l.w, b: S.normal(rng().fork(`b${i}`), l.b!.shape, { std: 0.5 }) })) };
    for (const weightRates of [undefined, [0.5, 0.3, 0.2]]) {
      const rates = mlpRates(3, { bias: true, weightRates });
      const f = (q: typeof withBias) => model.apply(q, x);
      expect(eulerCheck(f, withBias, rates).relResidual).toBeLessThan(1e-12);
      expect(scalingCheck(f, withBias, rates, 0.8)).toBeLessThan(1e-12);
    }
    // A wrong assignment (every bias at the weight rate) fails: the check can fail.
    const wrong = { layers: [0, 1, 2].map(() => ({ w: 1 / 3, b: 1 / 3 })) };
    expect(eulerCheck((q: typeof withBias) => model.apply(q, x), withBias, wrong).relResidual).toBeGreaterThan(1e-3);
  });

  it("two-layer ReLU with biases and output bias: lambda = 1/2 for w, b, a and 1 for c", () => {
    const r = rng().fork("2l");
    const p = { w: S.normal(r, [3, 7]), b: S.normal(r, [7]), a: S.normal(r, [7]), c: S.normal(r, []) };
    const f = (q: typeof p) => S.add(S.matmul(S.relu(S.add(S.mm(x, q.w), q.b)), q.a), q.c);
    expect(eulerCheck(f, p, twoLayerBiasRates).relResidual).toBeLessThan(1e-12);
    expect(scalingCheck(f, p, twoLayerBiasRates, -1.3)).toBeLessThan(1e-12);
    expect(mlpRates(2, { bias: true }).layers).toEqual([{ w: 0.5, b: 0.5 }, { w: 0.5, b: 1 }]);
  });

  it("LayerNorm features: weights feeding the normalisation get rate 0, the head rate 1", () => {
    const r = rng().fork("ln");
    const p = { body: { w1: S.normal(r, [3, 8]), b1: S.normal(r, [8]) }, head: { w: S.normal(r, [8, 4]), b: S.normal(r, [4]) } };
    const f = (q: typeof p) => S.add(S.mm(S.layerNorm(S.relu(S.add(S.mm(x, q.body.w1), q.body.b1))), q.head.w), q.head.b);
    const rates = normalisedHeadRates({ w1: 1, b1: 1 });
    expect(rates.body).toEqual({ w1: 0, b1: 0 });
    expect(eulerCheck(f, p, rates).relResidual).toBeLessThan(1e-12);
  });

  it("residual block: branch weights rate 0, branch biases the stream's rate", () => {
    const r = rng().fork("res");
    const p = { v: S.normal(r, [3, 5]), w1: S.normal(r, [5, 5]), b1: S.normal(r, [5]), w2: S.normal(r, [5, 5]), b2: S.normal(r, [5]), a: S.normal(r, [5]), c: S.normal(r, []) };
    const f = (q: typeof p) => {
      const h = S.mm(x, q.v);
      return S.add(S.matmul(S.add(S.add(h, S.mm(S.relu(S.add(S.mm(h, q.w1), q.b1)), q.w2)), q.b2), q.a), q.c);
    };
    expect(eulerCheck(f, p, residualRates(0.5)).relResidual).toBeLessThan(1e-12);
    expect(eulerCheck(f, p, residualRates(0.25)).relResidual).toBeLessThan(1e-12);
  });

  it("homogeneous limit Lambda = I/L: the normalised margin is min y f / ||theta||^L and is invariant along psi_alpha", () => {
    const model = S.mlp({ widths: [3, 4, 1], activation: "relu" });
    const p = model.init(rng().fork("hom"));
    const rates = mlpRates(2);
    const y = [1, -1, 1, 1, -1, -1];
    const margins = (q: typeof p) => Array.from(model.apply(q, x).data, (v, i) => v * y[i]);
    const norm = S.treeNorm(p);
    expect(normalisedMargin(margins(p), p, rates)).toBeCloseTo(Math.min(...margins(p)) / norm ** 2, 12);
    const q = quasiHomogeneousScale(p, rates, 1.7);
    expect(normalisedMargin(margins(q), q, rates)).toBeCloseTo(normalisedMargin(margins(p), p, rates), 10);
    expect(halfRateNorm(p, rates)).toBeCloseTo(0.25 * norm ** 2, 12);
  });
});

describe("theory/margin: exact hard-margin SVM", () => {
  it("symmetric data: the direction is the symmetry axis and the margin is the known distance", () => {
    // Points (+-1, 1) labelled +1 and their negatives labelled -1: w* = (0, 1), margin 1.
    const x = [[1, 1], [-1, 1], [1, -1], [-1, -1]];
    const y = [1, 1, -1, -1];
    const s = hardMarginSvm(x, y);
    expect(s.direction[0]).toBeCloseTo(0, 12);
    expect(s.direction[1]).toBeCloseTo(1, 12);
    expect(s.margin).toBeCloseTo(1, 12);
    expect(s.w[1]).toBeCloseTo(1, 12);
  });

  it("two points: the direction is the min-norm point of their segment; a single point gives itself", () => {
    // conv{(1,1), (-0.2,2)}: mu = 0.2/2.44 on the second point.
    const t = 0.2 / 2.44;
    const z = [1 - 1.2 * t, 1 + t];
    const s = hardMarginSvm([[1, 1], [-0.2, 2]], [1, 1]);
    expect(s.margin).toBeCloseTo(Math.hypot(z[0], z[1]), 12);
    expect(angleBetween(s.direction, z)).toBeLessThan(1e-12);
    expect(linearMargin(s.direction, [[1, 1], [-0.2, 2]], [1, 1])).toBeCloseTo(s.margin, 12);
    expect(minNormPointInHull([[3, 4]]).point).toEqual([3, 4]);
  });

  it("matches normalised gradient descent on a linear model (the homogeneous Lambda = I case) and rejects non-separable data", () => {
    const r = rng().fork("svm");
    const x = Array.from({ length: 7 }, () => Array.from(S.normal(r, [3]).data));
    const wTrue = [1, -2, 0.5];
    const y = x.map((xi) => (xi.reduce((s, v, k) => s + v * wTrue[k], 0) > 0 ? 1 : -1));
    const s = hardMarginSvm(x, y);
    // every margin >= the SVM margin, with equality at the support vectors
    x.forEach((xi, i) => expect(y[i] * xi.reduce((a, v, k) => a + v * s.direction[k], 0)).toBeGreaterThanOrEqual(s.margin - 1e-12));
    // normalised GD: theta <- theta - eta grad log L (lr proportional to 1/loss), exponential loss
    const X = S.tensor(x);
    const Y = S.tensor(y);
    const vg = S.valueAndGrad((th: Tensor) => S.logsumexp(S.neg(S.mul(Y, S.matmul(X, th))), 0));
    let th = S.zeros([3]);
    for (let k = 0; k < 4000; k++) th = S.sub(th, S.mul(vg(th)[1], 0.5));
    expect(angleBetween(Array.from(th.data), s.direction)).toBeLessThan(5e-3);
    expect(() => hardMarginSvm([[1, 0], [-1, 0]], [1, 1])).toThrow(/not linearly separable/);
  });
});

describe("theory/margin: neural-collapse metrics", () => {
  it("a simplex ETF with no within-class spread and an aligned classifier has NC1 = 0, cos = -1/(C-1), alignment 1", () => {
    const C = 4;
    const p = 6;
    // Centred one-hot vectors e_c - 1/C form a simplex ETF.
    const mu = Array.from({ length: C }, (_, c) => Array.from({ length: p }, (_, k) => (k === c ? 1 : 0) - (k < C ? 1 / C : 0)));
    const labels = [0, 1, 2, 3, 0, 1, 2, 3];
    const h = S.tensor(labels.map((c) => mu[c].map((v) => v + 3))); // shifted by a common offset
    const w = S.tensor(Array.from({ length: p }, (_, k) => Array.from({ length: C }, (_, c) => 2 * mu[c][k] + 0.7)));
    const m = collapseMetrics(h, labels, C, w);
    expect(m.nc1).toBeLessThan(1e-20);
    expect(m.meanCosine).toBeCloseTo(-1 / 3, 12);
    expect(m.maxCosineDeviation).toBeLessThan(1e-12);
    expect(m.normCv).toBeLessThan(1e-12);
    expect(m.minClassifierCosine).toBeCloseTo(1, 12);
    // Within-class noise of variance s^2 along the means' span gives NC1 > 0, growing like s^2.
    const noisy = (s: number) => S.tensor(labels.map((c, i) => mu[c].map((v, k) => v + (k === 0 ? (i < 4 ? s : -s) : 0))));
    const a = collapseMetrics(noisy(0.01), labels, C).nc1;
    const b = collapseMetrics(noisy(0.02), labels, C).nc1;
    expect(a).toBeGreaterThan(0);
    expect(b / a).toBeCloseTo(4, 8);
  });
});
