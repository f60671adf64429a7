import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng } from "@saddle/core";

function trainBits(seed: number): Float64Array {
  const rng = Rng.seed(seed);
  const x = S.normal(rng.fork("data"), [32, 4]);
  const y = S.normal(rng.fork("labels"), [32, 1]);
  let p = { w1: S.normal(rng.fork("w1"), [4, 16], { std: 0.5 }), w2: S.normal(rng.fork("w2"), [16, 1], { std: 0.25 }) };
  const loss = (q: typeof p) => S.mse(S.matmul(S.tanh(S.matmul(x, q.w1)), q.w2), y);
  for (let step = 0; step < 20; step++) {
    const g = S.grad(loss)(p);
    p = S.treeMap((a: S.Tensor, b: S.Tensor) => S.sub(a, S.mul(b, 0.1)), p, g);
  }
  return S.treeToVector(p);
}

describe("determinism", () => {
  it("same seed, same bits (training run)", () => {
    const a = trainBits(7);
    const b = trainBits(7);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = trainBits(8);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it("Rng streams: seed, split, fork and state round trip", () => {
    const r1 = Rng.seed(42);
    const r2 = Rng.seed(42);
    const a = Array.from({ length: 5 }, () => r1.nextU32());
    const b = Array.from({ length: 5 }, () => r2.nextU32());
    expect(a).toEqual(b);
    const parent = Rng.seed(1);
    const f1 = parent.fork("init").nextFloat();
    const f2 = parent.fork("init").nextFloat();
    expect(f1).toBe(f2); // fork does not advance the parent
    expect(parent.fork("data").nextFloat()).not.toBe(f1);
    const s1 = parent.split().nextFloat();
    const s2 = parent.split().nextFloat();
    expect(s1).not.toBe(s2); // split advances the parent
    const saved = parent.state();
    const next = parent.nextFloat();
    expect(Rng.fromState(saved).nextFloat()).toBe(next);
  });

  it("distributions have the right moments", () => {
    const rng = Rng.seed(3);
    const n = 200_000;
    const z = S.normal(rng, [n]);
    const mean = S.mean(z).item();
    const varz = S.variance(z).item();
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(varz - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    const u = S.uniform(rng, [n], { low: -1, high: 3 });
    expect(Math.abs(S.mean(u).item() - 1)).toBeLessThan(5 * Math.sqrt(16 / 12 / n));
    expect(S.min(u).item()).toBeGreaterThanOrEqual(-1);
    expect(S.max(u).item()).toBeLessThan(3);
    const counts = [0, 0, 0];
    for (const k of rng.categorical([1, 2, 7], 100_000)) counts[k]++;
    expect(Math.abs(counts[2] / 100_000 - 0.7)).toBeLessThan(0.01);
    const perm = Array.from(rng.permutation(50)).sort((a, b) => a - b);
    expect(perm).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const bern = rng.bernoulli(0.3, 100_000).reduce((s, v) => s + v, 0) / 100_000;
    expect(Math.abs(bern - 0.3)).toBeLessThan(0.01);
  });

  it("rejects bad arguments with clear errors", () => {
    expect(() => Rng.seed(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => Rng.seed(1).categorical([1, -1], 3)).toThrow(/weight 1 is -1/);
    expect(() => S.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => S.add(S.zeros([2, 3]), S.zeros([4]))).toThrow(/do not broadcast/);
    expect(() => S.matmul(S.zeros([2, 3]), S.zeros([4, 2]))).toThrow(/inner dimensions 3 and 4 differ/);
    expect(() => S.add(S.zeros([2]), S.zeros([2], "f32"))).toThrow(/f32.*cast/);
    expect(() => S.grad((x: S.Tensor) => S.mul(x, 2))(S.zeros([3]))).toThrow(/scalar tensor/);
  });
});
