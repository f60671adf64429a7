import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

/** Composites stay finite and exact at the edges where naive formulas overflow or cancel. */
describe("numerically safe composites", () => {
  const vals = (t: S.Tensor) => Array.from(t.data);
  it.each([
    ["softplus(1000) = 1000", () => S.softplus(S.tensor([1000])), [1000]],
    ["softplus(-1000) = 0", () => S.softplus(S.tensor([-1000])), [0]],
    ["softplus(0) = log 2", () => S.softplus(S.tensor([0])), [Math.LN2]],
    ["sigmoid(+-1000)", () => S.sigmoid(S.tensor([1000, -1000])), [1, 0]],
    ["logsumexp of -1e308", () => S.logsumexp(S.tensor([-1e308, -1e308])), [-1e308 + Math.LN2]],
    ["logsumexp of 1e308", () => S.logsumexp(S.tensor([1e308, 1e308])), [1e308]],
    ["logsumexp with -inf", () => S.logsumexp(S.tensor([-Infinity, 0])), [0]],
    ["logsumexp of all -inf", () => S.logsumexp(S.tensor([-Infinity, -Infinity])), [-Infinity]],
    ["softmax of large logits", () => S.softmax(S.tensor([1000, 0])), [1, 0]],
    ["logSoftmax of large logits", () => S.logSoftmax(S.tensor([1000, 0])), [0, -1000]],
    ["crossEntropy with huge logits", () => S.crossEntropy(S.tensor([[1e4, -1e4]]), [1]), [2e4]],
    ["gelu(-40) = 0 without NaN", () => S.gelu(S.tensor([-40, 40])), [-0, 40]],
  ] as [string, () => S.Tensor, number[]][])("%s", (_name, f, expected) => {
    const got = vals(f());
    expected.forEach((e, i) => {
      if (e === 0) expect(Math.abs(got[i])).toBeLessThan(1e-300);
      else expect(got[i]).toBeCloseTo(e, 10);
    });
  });

  it("gradients at edge values are finite and exact", () => {
    const g = S.grad((x: S.Tensor) => S.sum(S.softplus(x)))(S.tensor([1000, -1000, 0]));
    expect(vals(g)).toEqual([1, 0, 0.5]);
    const gl = S.grad((x: S.Tensor) => S.logsumexp(x))(S.tensor([-1e308, -1e308]));
    expect(vals(gl)).toEqual([0.5, 0.5]);
    const gs = S.grad((x: S.Tensor) => S.sum(S.sigmoid(x)))(S.tensor([1000, -1000]));
    expect(vals(gs)).toEqual([0, 0]);
    const gc = S.grad((x: S.Tensor) => S.crossEntropy(x, [0]))(S.tensor([[1e4, -1e4]]));
    expect(vals(gc).every(Number.isFinite)).toBe(true);
    const gm = S.grad((x: S.Tensor) => S.sum(S.softmax(S.reshape(x, [1, 3]), -1)))(S.tensor([1e3, 0, -1e3]));
    expect(vals(gm).every(Number.isFinite)).toBe(true);
  });

  it("relu has gradient 0 at 0 and maximum splits ties", () => {
    expect(vals(S.grad((x: S.Tensor) => S.sum(S.relu(x)))(S.tensor([0, 1, -1])))).toEqual([0, 1, 0]);
    expect(vals(S.grad((x: S.Tensor) => S.sum(S.maximum(x, 0)))(S.tensor([0])))).toEqual([0.5]);
  });
});
