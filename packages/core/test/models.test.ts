import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

/** Frobenius norm of a - b. */
function frobDiff(a: Tensor, b: Tensor): number {
  return Math.sqrt(S.sum(S.square(S.sub(a, b))).item());
}

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

  it("MLP activations: hidden layers then the output; apply is the last; depth-1 linear model is x W", () => {
    const model = S.mlp({ widths: [3, 6, 2], activation: "tanh", parametrization: "sp" });
    const p = model.init(Rng.seed(9));
    const x = S.normal(Rng.seed(10), [4, 3]);
    const hs = model.activations(p, x);
    expect(hs.map((h) => h.shape)).toEqual([[4, 6], [4, 2]]);
    expect(frobDiff(hs[0], S.tanh(S.mm(x, p.layers[0].w)))).toBeLessThan(1e-14);
    expect(frobDiff(model.apply(p, x), S.mm(hs[0], p.layers[1].w))).toBeLessThan(1e-14);
    const linear = S.mlp({ widths: [3, 2], parametrization: "ntk", sigmaW: 2 });
    const q = linear.init(Rng.seed(11));
    expect(frobDiff(linear.apply(q, x), S.mul(S.mm(x, q.layers[0].w), 2 / Math.sqrt(3)))).toBeLessThan(1e-14);
    expect(() => model.apply(p, S.zeros([4, 5]))).toThrow(/x must have shape \(n, 3\), got \[4, 5\]/);
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

  // Rows: widths, lambda (one per hidden layer or shared), Gaussian-layer scale.
  const deepRows: [string, number[], number | number[], number][] = [
    ["depth 3, lambda 0 (balanced)", [5, 4, 4, 6], 0, 1],
    ["depth 4, per-layer lambdas", [3, 4, 4, 4, 4], [0.5, -0.2, 2], 1],
    ["depth 3, k < h: mirrored construction", [6, 4, 4, 2], [-1, -0.5], 0.7],
    ["depth 2, k < h, d >= h", [5, 4, 3], -0.3, 1],
  ];
  it.each(deepRows)("deep lambda-balanced init: W_{l+1} W_{l+1}^T - W_l^T W_l = lambda_l I to 1e-12 (%s)", (_name, widths, lambda, scale) => {
    const ws = S.lambdaBalancedDeepInit(Rng.seed(12), { widths, lambda, scale });
    expect(ws.map((w) => w.shape)).toEqual(widths.slice(0, -1).map((n, l) => [n, widths[l + 1]]));
    for (let l = 0; l + 1 < ws.length; l++) {
      const lam = typeof lambda === "number" ? lambda : lambda[l];
      const c = S.sub(S.mm(ws[l + 1], ws[l + 1], false, true), S.mm(ws[l], ws[l], true, false));
      expect(frobDiff(c, S.mul(S.eye(widths[l + 1]), lam))).toBeLessThan(1e-12);
    }
    // Not trivially balanced: the Gaussian layer has the requested scale.
    expect(Math.abs(ws[0].data[0]) + Math.abs(ws[ws.length - 1].data[0])).toBeGreaterThan(0);
  });

  it("lambda-balanced init rejects impossible settings", () => {
    expect(() => S.lambdaBalancedInit(Rng.seed(3), { d: 3, h: 5, k: 3, lambda: 1, scale: 1 })).toThrow(/k >= hidden width h or input width d >= h \(got d=3, h=5, k=3\)/);
    expect(() => S.lambdaBalancedInit(Rng.seed(3), { d: 4, h: 3, k: 3, lambda: -100, scale: 1 })).toThrow(/below -sigma_min\^2/);
    expect(() => S.lambdaBalancedDeepInit(Rng.seed(3), { widths: [3, 4, 5, 6], lambda: 0, scale: 1 })).toThrow(/hidden widths must be equal, got \[4, 5\]/);
    expect(() => S.lambdaBalancedDeepInit(Rng.seed(3), { widths: [3, 4, 4, 6], lambda: [1], scale: 1 })).toThrow(/2 finite numbers \(one per hidden layer\)/);
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

describe("transformer inputs", () => {
  it("embedding input equals token input once the embeddings are looked up", () => {
    const tf = S.transformer({ vocab: 5, dModel: 4, heads: 2, layers: 1, seqLen: 3, initStd: 0.5 });
    const p = tf.init(Rng.seed(13));
    const tokens = Int32Array.from([0, 3, 1, 4, 2, 2]);
    const embeddings = S.reshape(S.take(p.embed, tokens, 0), [2, 3, 4]); // (B, T, d)
    const biases = S.sampleAttentionBiases(Rng.seed(14), 2, { value: true });
    const a = tf.apply(p, { tokens, batch: 2, biases });
    const b = tf.apply(p, { embeddings, biases });
    expect(b.shape).toEqual([2, 3, 5]);
    expect(frobDiff(a, b)).toBeLessThan(1e-13);
    expect(() => tf.apply(p, { embeddings: S.zeros([2, 4, 4]) })).toThrow(/embeddings must have shape \(B, T <= 3, 4\), got \[2, 4, 4\]/);
  });
});
