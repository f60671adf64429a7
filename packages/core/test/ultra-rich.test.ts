import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import { asymptoteGap, edgeExponent, edgeLogSlope, gammaGrid, horizonBias, initialHessianTop, lazyEdge, logLogSlope, minimumProduct, minimumSharpness, richEdge, stabilityEdge } from "../src/theory/lazy-rich/ultra-rich/index.js";

type Chain = Record<string, Tensor>;

/** The toy of arXiv 2410.04642 in core autodiff: f = (prod w - 1)/gamma, loss (f - y)^2 / 2. */
const chainLoss = (gamma: number, y: number) => (p: Chain) => {
  let prod: Tensor = S.scalar(1);
  for (const k of Object.keys(p).sort()) prod = S.mul(prod, p[k]);
  return S.mul(S.square(S.sub(S.div(S.sub(prod, 1), gamma), y)), 0.5);
};
const chain = (values: readonly number[]): Chain => Object.fromEntries(values.map((v, i) => [`w${i}`, S.scalar(v)]));

/** GD through core autodiff: "converged" (|f - y| <= 1e-10 |y|), "diverged" (non-finite or > 1e6 |y|) or "bounded". */
function gd(depth: number, gamma: number, y: number, eta: number, steps: number): "converged" | "diverged" | "bounded" {
  const loss = chainLoss(gamma, y);
  const g = S.grad(loss);
  let p = chain(Array.from({ length: depth }, () => 1));
  for (let t = 0; t < steps; t++) {
    const r = Math.sqrt(2 * S.noGrad(() => loss(p).item()));
    if (!Number.isFinite(r) || r > 1e6 * Math.abs(y)) return "diverged";
    if (r <= 1e-10 * Math.abs(y)) return "converged";
    const gr = g(p);
    p = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, S.scalar(v.item() - eta * gr[k].item())]));
  }
  return "bounded";
}

describe("ultra-rich toy (arXiv 2410.04642): stability edge of the scalar deep chain", () => {
  it("has the lazy and rich limits 2 gamma^2 / L and (2/L) gamma^(2/L)", () => {
    for (const L of [1, 2, 3, 4, 6]) {
      expect(stabilityEdge(1e-7, L) / lazyEdge(1e-7, L)).toBeCloseTo(1, 5);
      expect(stabilityEdge(1e9, L) / richEdge(1e9, L)).toBeCloseTo(1, 5);
      expect(edgeLogSlope(1e-9, L)).toBeCloseTo(edgeExponent(L, "lazy"), 7);
      expect(edgeLogSlope(1e9, L)).toBeCloseTo(edgeExponent(L, "rich"), 7);
    }
    // L = 1 is a linear model: the edge is 2 gamma^2 at every gamma.
    expect(stabilityEdge(37, 1)).toBeCloseTo(2 * 37 * 37, 8);
  });

  it("has a local slope equal to the numerical derivative, within its asymptote gap", () => {
    for (const L of [2, 3, 5]) {
      for (const g of [1e-3, 0.3, 3, 300]) {
        const h = 1e-5;
        const num = (Math.log(stabilityEdge(g * Math.exp(h), L)) - Math.log(stabilityEdge(g * Math.exp(-h), L))) / (2 * h);
        expect(Math.abs(num - edgeLogSlope(g, L))).toBeLessThan(1e-8);
      }
      const lazy = gammaGrid(1e-4, 1e-2, 2);
      const rich = gammaGrid(1e2, 1e4, 2);
      const sLazy = logLogSlope(lazy, lazy.map((g) => stabilityEdge(g, L)));
      const sRich = logLogSlope(rich, rich.map((g) => stabilityEdge(g, L)));
      expect(Math.abs(sLazy - 2)).toBeLessThanOrEqual(asymptoteGap(1e-4, 1e-2, L, "lazy"));
      expect(Math.abs(sRich - 2 / L)).toBeLessThanOrEqual(asymptoteGap(1e2, 1e4, L, "rich"));
    }
    expect(gammaGrid(1e-4, 1e-2, 2)).toEqual([1e-4, 1e-4 * 10 ** 0.5, 1e-3, 1e-3 * 10 ** 0.5, 1e-2].map((x) => Number(x.toPrecision(12))));
    expect(() => logLogSlope([1], [1])).toThrow();
    expect(() => minimumProduct(1, -2)).toThrow();
  });

  it("predicts the Hessian at init and at the balanced minimum (Lanczos on core autodiff)", () => {
    for (const L of [2, 3, 4]) {
      for (const g of [1e-3, 0.5, 50]) {
        const loss = chainLoss(g, 1);
        const h0 = S.hessianTopEigenvalues(loss, chain(Array.from({ length: L }, () => 1)), { k: 1, iters: L })[0];
        expect(Math.abs(h0 / initialHessianTop(g, L) - 1)).toBeLessThan(1e-10);
        const wStar = minimumProduct(g, 1) ** (1 / L);
        const hs = S.hessianTopEigenvalues(loss, chain(Array.from({ length: L }, () => wStar)), { k: 1, iters: L })[0];
        expect(Math.abs(hs / minimumSharpness(g, L) - 1)).toBeLessThan(1e-9);
      }
    }
  });

  it("matches simulated GD: converges just below the edge, not just above (bounded is not convergent)", () => {
    for (const [L, g] of [[2, 1e-3], [3, 0.3], [4, 30], [3, 1e3]] as const) {
      const e = stabilityEdge(g, L);
      expect(gd(L, g, 1, 0.9 * e, 3000)).toBe("converged");
      expect(gd(L, g, 1, 1.05 * e, 3000)).not.toBe("converged");
    }
    // L = 2, small gamma: 1.5 x the edge neither converges nor blows up (the reduced cubic map is bounded up to 2x).
    expect(gd(2, 1e-3, 1, 1.5 * stabilityEdge(1e-3, 2), 2000)).toBe("bounded");
    expect(horizonBias(20000, 1e-10)).toBeCloseTo(Math.log(1e10) / 40000, 12);
  });
});
