import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

describe("models", () => {
  it.each(["linear", "relu", "tanh", "erf", "quadratic", "polynomial", "sigmoid", "gelu"] as const)("MLP with %s activation: shapes and finite gradients", (act) => {
    const model = S.mlp({ widths: [5, 7, 7, 3], activation: act, bias: true, parametrization: "ntk", sigmaB: 0.1 });
    const p = model.init(Rng.seed(1));
    const x = S.normal(Rng.seed(2), [4, 5]);
    const y = model.apply(p, x);
    expect(y.shape).toEqual([4, 3]);
    const g = S.grad((q: S.MlpParams) => S.sum(S.square(model.apply(q, x))))(p);
    expect(S.treeToVector(g).every(Number.isFinite)).toBe(true);
    expect(g.layers[0].b?.shape).toEqual([7]);
  });

  it("unknown activation and parametrization give clear errors", () => {
    expect(() => S.mlp({ widths: [2, 3], activation: "swish" as never })).toThrow(/activation 'swish' is unknown; allowed: linear, relu/);
    expect(() => S.parametrize({ kind: "xyz" as never, widths: [2, 3] })).toThrow(/parametrization 'xyz' is unknown/);
    expect(() => S.parametrize({ kind: "sp", widths: [2] })).toThrow(/widths must be at least two/);
  });

  it("diagonal linear network: beta = u^2 - v^2 and beta(0) = 0", () => {
    const m = S.diagonalLinear({ d: 3, alpha: 0.1 });
    const p = m.init(Rng.seed(0));
    expect(Array.from(m.beta(p).data)).toEqual([0, 0, 0]);
    const x = S.eye(3);
    expect(m.apply({ u: S.tensor([1, 2, 0]), v: S.tensor([0, 1, 1]) }, x).toArray()).toEqual([1, 3, -1]);
  });

  it.each([-0.1, 0, 1, 4])("lambda-balanced init has W2 W2^T - W1^T W1 = lambda I to 1e-12 (lambda = %d)", (lambda) => {
    const { w1, w2 } = S.lambdaBalancedInit(Rng.seed(3), { d: 4, h: 3, k: 5, lambda, scale: 1 });
    const q = S.sub(S.matmul(w2, S.transpose(w2)), S.matmul(S.transpose(w1), w1));
    const err = S.sub(q, S.mul(S.eye(3), lambda));
    expect(Math.sqrt(S.sum(S.square(err)).item())).toBeLessThan(1e-12);
  });

  it("lambda-balanced init rejects impossible settings", () => {
    expect(() => S.lambdaBalancedInit(Rng.seed(3), { d: 4, h: 5, k: 3, lambda: 1, scale: 1 })).toThrow(/k >= hidden width h/);
    expect(() => S.lambdaBalancedInit(Rng.seed(3), { d: 4, h: 3, k: 3, lambda: -100, scale: 1 })).toThrow(/below -sigma_min/);
  });

  it("unbalanced two-layer init has a_i^2 - |w_i|^2 = delta to 1e-12", () => {
    const { w, a } = S.unbalancedTwoLayerInit(Rng.seed(4), { d: 6, h: 10, delta: -0.3, scale: 2 });
    for (let i = 0; i < 10; i++) {
      let n2 = 0;
      for (let r = 0; r < 6; r++) n2 += w.data[r * 10 + i] ** 2;
      expect(Math.abs(a.data[i] ** 2 - n2 + 0.3)).toBeLessThan(1e-12);
    }
  });
});

describe("coord check (muP vs SP)", () => {
  const widths = [64, 128, 256, 512, 1024];
  // The hidden activations' change after 3 SGD steps (coordinate size): what a coord check plots.
  const hiddenAfter3 = (kind: S.ParametrizationKind) =>
    S.coordCheck({ kind, widths, steps: 3, lr: 0.05, activation: "tanh" }).filter((r) => r.step === 3).map((r) => r.hiddenDelta);
  it("hidden activation update scale after 3 steps is flat across widths under muP (max/min < 1.5) and grows under SP", () => {
    const mup = hiddenAfter3("mup");
    const sp = hiddenAfter3("sp");
    console.info(`hidden RMS after 3 steps, widths ${widths.join("/")}: muP ${mup.map((v) => v.toFixed(3)).join(" ")}; SP ${sp.map((v) => v.toFixed(3)).join(" ")}`);
    expect(Math.max(...mup) / Math.min(...mup)).toBeLessThan(1.5);
    // SP grows with width (not strictly monotone at this size: per-width init noise is ~20%).
    expect(sp[sp.length - 1] / sp[0]).toBeGreaterThan(2);
    expect(sp[sp.length - 1]).toBeGreaterThan(1.5 * Math.max(...sp.slice(0, 3)));
    expect(sp[sp.length - 1] / sp[0]).toBeGreaterThan(1.5 * (mup[mup.length - 1] / mup[0]));
  });
});

describe("analytic NTK vs the empirical NTK of a wide ReLU net", () => {
  it("width 1024, NTK parametrization, 6 inputs: relative Frobenius error < 5%", () => {
    const x = S.normal(Rng.seed(5), [6, 4]);
    const sigmaW = Math.SQRT2;
    const sigmaB = 0.1;
    const analytic = S.kernels.kernelFn(S.kernels.serial(S.kernels.Dense(sigmaW, sigmaB), S.kernels.Relu(), S.kernels.Dense(sigmaW, sigmaB)), x);
    const model = S.mlp({ widths: [4, 1024, 1], activation: "relu", bias: true, parametrization: "ntk", sigmaW, sigmaB });
    const p = model.init(Rng.seed(6));
    const emp = S.empiricalNtk((q: S.MlpParams, xi: Tensor) => model.apply(q, xi), p, x);
    let num = 0;
    let den = 0;
    for (let i = 0; i < 36; i++) {
      num += (emp.data[i] - analytic.ntk[i]) ** 2;
      den += analytic.ntk[i] ** 2;
    }
    const rel = Math.sqrt(num / den);
    console.info(`empirical vs analytic NTK, width 1024: relative Frobenius error ${rel.toFixed(4)}`);
    expect(rel).toBeLessThan(0.05);
  });

  it("limits: a linear network's NNGP is sigma_w^4 x x'/d + ...; ReLU kernel on x = x' equals q/2", () => {
    const x = S.tensor([[1, 2], [3, -1]]);
    const lin = S.kernels.kernelFn(S.kernels.serial(S.kernels.Dense(2, 0), S.kernels.Identity(), S.kernels.Dense(3, 0)), x);
    expect(lin.nngp[1]).toBeCloseTo(36 * ((1 * 3 + 2 * -1) / 2), 12);
    const relu = S.kernels.kernelFn(S.kernels.serial(S.kernels.Dense(1, 0), S.kernels.Relu()), x);
    expect(relu.nngp[0]).toBeCloseTo(((1 + 4) / 2) / 2, 12);
    const erf = S.kernels.kernelFn(S.kernels.serial(S.kernels.Dense(1, 0), S.kernels.Erf()), S.zeros([1, 2]));
    expect(erf.nngp[0]).toBe(0);
  });
});
