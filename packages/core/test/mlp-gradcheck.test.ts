import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

/**
 * The engine's acceptance check: the MSE loss of a 3-layer tanh MLP in float64. Every entry of
 * the reverse-mode gradient matches central differences to relative error < 1e-7, and the HVP
 * matches differences of gradients to < 1e-6.
 */
describe("3-layer tanh MLP, float64", () => {
  const rng = Rng.seed(2024);
  const x = S.normal(rng, [16, 5]);
  const y = S.normal(rng, [16, 2]);
  const init = {
    w1: S.normal(rng, [5, 8], { std: 0.6 }),
    w2: S.normal(rng, [8, 8], { std: 0.4 }),
    w3: S.normal(rng, [8, 2], { std: 0.4 }),
    b1: S.normal(rng, [8], { std: 0.1 }),
  };
  type P = typeof init;
  const loss = (p: P) => S.mse(S.matmul(S.tanh(S.matmul(S.tanh(S.add(S.matmul(x, p.w1), p.b1)), p.w2)), p.w3), y);

  const perturb = (p: P, path: keyof P, i: number, h: number): P => {
    const t = S.clone(p[path]);
    t.data[i] += h;
    return { ...p, [path]: t };
  };

  it("gradient matches central differences entrywise (relative error < 1e-7)", () => {
    const g = S.grad(loss)(init);
    let worst = 0;
    for (const key of Object.keys(init) as (keyof P)[]) {
      for (let i = 0; i < init[key].size; i++) {
        const h = 1e-5;
        const fd = (loss(perturb(init, key, i, h)).item() - loss(perturb(init, key, i, -h)).item()) / (2 * h);
        const rel = Math.abs(fd - g[key].data[i]) / Math.max(Math.abs(fd), 1e-6);
        worst = Math.max(worst, rel);
      }
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it("HVP matches central differences of gradients (relative error < 1e-6)", () => {
    const v = S.treeMap((t: Tensor) => S.normal(rng, t.shape), init);
    const hv = S.hvp(loss, init, v);
    const h = 1e-5;
    const gp = S.grad(loss)(S.treeMap((p: Tensor, d: Tensor) => S.add(p, S.mul(d, h)), init, v));
    const gm = S.grad(loss)(S.treeMap((p: Tensor, d: Tensor) => S.sub(p, S.mul(d, h)), init, v));
    const fd = S.treeMap((a: Tensor, b: Tensor) => S.div(S.sub(a, b), 2 * h), gp, gm);
    const diff = S.treeNorm(S.treeMap((a: Tensor, b: Tensor) => S.sub(a, b), hv, fd));
    expect(diff / S.treeNorm(fd)).toBeLessThan(1e-6);
  });

  it("jacobian and hessian agree with grad and hvp", () => {
    const f = (w: Tensor) => loss({ ...init, w3: w });
    const hess = S.hessian(f, init.w3); // (8, 2, 8, 2)
    const v = S.normal(rng, [8, 2]);
    const hv = S.hvp(f, init.w3, v);
    const hm = S.matmul(S.reshape(hess, [16, 16]), S.reshape(v, [16]));
    for (let i = 0; i < 16; i++) expect(hm.data[i]).toBeCloseTo(hv.data[i], 12);
    const jac = S.jacobian((w: Tensor) => S.grad(f)(w), init.w3);
    for (let i = 0; i < jac.size; i++) expect(jac.data[i]).toBeCloseTo(hess.data[i], 12);
  });
});
