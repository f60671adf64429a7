import { describe, expect, it } from "vitest";
import { Rng, cyclic, cyclicProduct, dihedral, groupTemplate, groupComposition as GC, lossScale } from "../src/index.js";

// Sequential group composition, arXiv 2602.03655 (k = 2): plateau levels, learning order, width,
// and the network's plateaus from a small simulated run.
describe("groupComposition theory", () => {
  it("C11 reference config: plateaus (75, 50, 30, 15, 5, 0)/11 in the paper's nn.MSELoss units, half in Saddle's", () => {
    const G = cyclic(11);
    // config_c11.yaml: 12.5, 10, 7.5, 5, 2.5 per frequency (both signs) = 25, 20, 15, 10, 5 per real irrep.
    const x = groupTemplate(G, [0, 25, 20, 15, 10, 5]);
    const ip = GC.irrepPowers(G, x);
    const order = GC.learningOrder(G, ip)!;
    expect(order).toEqual(["irrep-1", "irrep-2", "irrep-3", "irrep-4", "irrep-5"]);
    const paper = GC.plateauLevels(G, ip, order, "mean");
    [75, 50, 30, 15, 5, 0].forEach((v, i) => expect(paper[i]).toBeCloseTo(v / 11, 12));
    const saddle = GC.plateauLevels(G, ip, order);
    saddle.forEach((v, i) => expect(v).toBeCloseTo(paper[i] * lossScale("mean", "half-mean", 1, 11), 14));
  });

  it("Plancherel: the first level is the template's mean square; op norm of a realified pair is |x_hat|", () => {
    const G = cyclic(7);
    const x = groupTemplate(G, [0, 6, 3, 1]);
    const ip = GC.irrepPowers(G, x);
    const ms = x.reduce((s, v) => s + v * v, 0) / 7;
    expect(GC.plateauLevels(G, ip, GC.byDecreasingPower(ip), "mean")[0]).toBeCloseTo(ms, 12);
    // One-sided DFT power 2 |x_hat_k|^2 / p: |x_hat_k| = sqrt(p P / 2).
    ip.slice(1).forEach((p) => expect(p.opNorm).toBeCloseTo(Math.sqrt((7 * p.power) / 2), 10));
  });

  it("order: decreasing |x_hat| for abelian groups (Z5 x Z5), none derived for D5 (C_rho unverified)", () => {
    const G = cyclicProduct([5, 5]);
    const powers = G.irreps.map((_, i) => [0, 3, 0, 9, 1][i] ?? 0);
    const ip = GC.irrepPowers(G, groupTemplate(G, powers));
    expect(GC.learningOrder(G, ip)).toEqual(["irrep-3", "irrep-1", "irrep-4"]);
    const D = dihedral(5);
    const dp = GC.irrepPowers(D, groupTemplate(D, [0, 0, 5, 2]));
    expect(GC.learningOrder(D, dp)).toBeNull();
    expect(GC.byDecreasingPower(dp)).toEqual(["irrep-2", "irrep-3"]);
    // A 2-D irrep carries its whole power in one level step.
    const lv = GC.plateauLevels(D, dp, ["irrep-2", "irrep-3"], "mean");
    expect(lv[0] - lv[1]).toBeCloseTo(5 / 10, 12);
  });

  it("width threshold (k + 1) 2^(k-1) |G| = 6 |G| at k = 2 (AGF's 6 neurons per frequency), 16 |G| at k = 3", () => {
    expect(GC.widthThreshold(11)).toBe(66);
    expect(GC.widthThreshold(7, 3)).toBe(112);
    expect(GC.widthThreshold(5, 2, 1)).toBe(10);
  });

  it("the fused loss and gradient match finite differences and decompose by irrep", () => {
    const G = dihedral(3);
    const x = groupTemplate(G, [0, 1, 2]);
    const H = 3;
    const net = GC.compositionMlp(G, x, H);
    const rng = Rng.seed(3);
    const th = Float64Array.from({ length: net.size }, () => 0.3 * rng.nextNormal());
    const g = new Float64Array(net.size);
    const out = new Float64Array(net.count * G.order);
    const L = net.lossAndGrad(th, g, out);
    const tmp = new Float64Array(net.size);
    for (const j of [0, 5, 7, 12, 20, net.size - 1]) {
      const e = 1e-6;
      const p = th.slice(); p[j] += e;
      const m = th.slice(); m[j] -= e;
      expect(g[j]).toBeCloseTo((net.lossAndGrad(p, tmp) - net.lossAndGrad(m, tmp)) / (2 * e), 6);
    }
    // 1/2 mean over sequences and |G| outputs = sum of per-irrep residual powers / (2 |G|).
    const rp = GC.residualIrrepPowers(G, out, net.targets, net.count);
    expect(rp.reduce((s, v) => s + v, 0) / (2 * G.order)).toBeCloseTo(L, 12);
  });

  it("a simulated network (Z5, scaled SGD from alpha 1e-4) sits on the predicted plateau after the first irrep", () => {
    const G = cyclic(5);
    const x = groupTemplate(G, [0, 20, 4]);
    const ip = GC.irrepPowers(G, x);
    const levels = GC.plateauLevels(G, ip, GC.learningOrder(G, ip)!);
    const H = 30;
    const net = GC.compositionMlp(G, x, H, { scaled: true });
    const rng = Rng.seed(11);
    const dim = net.dim;
    const th = Float64Array.from({ length: net.size }, (_, i) => (1e-4 * rng.nextNormal()) / Math.sqrt(i % dim < 10 ? 10 : H));
    const g = new Float64Array(net.size);
    const out = new Float64Array(net.count * 5);
    let plateau = NaN;
    let last = NaN;
    for (let e = 0; e < 8000; e++) {
      const L = net.lossAndGrad(th, g, e % 50 === 0 ? out : undefined);
      if (e % 50 === 0) {
        const rp = GC.residualIrrepPowers(G, out, net.targets, net.count);
        const f1 = 1 - rp[1] / ip[1].power;
        const f2 = 1 - rp[2] / ip[2].power;
        if (f1 > 0.99 && f2 < 0.01) plateau = L; // last sample on plateau 1
      }
      last = L;
      for (let i = 0; i < th.length; i++) th[i] -= 0.03 * g[i];
    }
    expect(Math.abs(plateau / levels[1] - 1)).toBeLessThan(0.01);
    expect(last).toBeLessThan(levels[1] / 30);
  });
});
