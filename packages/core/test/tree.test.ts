import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

describe("parameter trees", () => {
  const tree = { b: [S.tensor([1, 2]), S.tensor(3)], a: { w: S.tensor([[4, 5]]) } };

  it("flattens in sorted-key order and rebuilds the same structure", () => {
    const { leaves, def } = S.flatten(tree);
    expect(leaves.map((t) => Array.from(t.data))).toEqual([[4, 5], [1, 2], [3]]);
    expect(S.leafPaths(tree)).toEqual(["a.w", "b[0]", "b[1]"]);
    const back = S.unflatten<typeof tree>(def, leaves);
    expect(back.b[1].item()).toBe(3);
    expect(back.a.w.shape).toEqual([1, 2]);
    expect(() => S.unflatten(def, leaves.slice(1))).toThrow(/too few leaves \(2\)/);
  });

  it("maps, zips, dots and norms", () => {
    const doubled = S.treeMap((t: S.Tensor) => S.mul(t, 2), tree);
    expect(S.treeDot(tree, doubled)).toBe(2 * (16 + 25 + 1 + 4 + 9));
    expect(S.treeNorm(tree)).toBeCloseTo(Math.sqrt(55), 14);
    expect(S.treeSize(tree)).toBe(5);
    const v = S.treeToVector(tree);
    expect(Array.from(v)).toEqual([4, 5, 1, 2, 3]);
    const t2 = S.vectorToTree(v.map((x) => -x), tree);
    expect(Array.from(t2.b[0].data)).toEqual([-1, -2]);
    expect(() => S.treeMap((a: S.Tensor) => a, tree, { a: { w: S.tensor(1) } } as never)).toThrow(/different structure/);
    expect(() => S.flatten({ a: 3 } as never)).toThrow(/tree leaf at 'a' is number/);
  });

  it("differentiates trees and nested scopes without perturbation confusion", () => {
    // d/dx [ x * d/dy (x * y) ] = d/dx x^2 = 2x
    const outer = S.grad((x: S.Tensor) => S.mul(x, S.grad((y: S.Tensor) => S.sum(S.mul(x, y)))(S.tensor(3))));
    expect(outer(S.tensor(5)).item()).toBe(10);
    const g = S.grad((p: typeof tree) => S.add(S.sum(S.mul(p.a.w, p.a.w)), S.mul(S.sum(p.b[0]), p.b[1])))(tree);
    expect(Array.from(g.a.w.data)).toEqual([8, 10]);
    expect(Array.from(g.b[0].data)).toEqual([3, 3]);
    expect(g.b[1].item()).toBe(3);
  });

  it("values returned outside differentiation carry no graph", () => {
    const [value, grads] = S.valueAndGrad((x: S.Tensor) => S.sum(S.mul(x, x)))(S.tensor([1, 2]));
    expect(value.node).toBeNull();
    expect(grads.node).toBeNull();
    expect(S.isRecording()).toBe(false);
  });

  it("the gradient of an unused input is zero", () => {
    const g = S.grad((p: S.Tensor[]) => S.sum(p[0]))([S.tensor([1, 2]), S.tensor([3])]);
    expect(Array.from(g[1].data)).toEqual([0]);
  });
});
