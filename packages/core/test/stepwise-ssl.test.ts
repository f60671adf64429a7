import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import { crossCorrelation, spectrum, effectiveInit, modeRate, modeC, stepTime, stepLoss, leakageBound, subspaceOverlap, modeValue, identityGap } from "../src/theory/saddle-to-saddle/stepwise-ssl/index.js";

/** Two views x = z + eps, x' = z + eps' of a Gaussian latent with the given variances. */
function views(rng: S.Rng, variances: number[], n: number, noise: number) {
  const m = variances.length;
  const x = new Float64Array(n * m);
  const xp = new Float64Array(n * m);
  const z = S.normal(rng.fork("z"), [n, m]).data;
  const e1 = S.normal(rng.fork("e1"), [n, m]).data;
  const e2 = S.normal(rng.fork("e2"), [n, m]).data;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const k = i * m + j;
    const zz = Math.sqrt(variances[j]) * z[k];
    x[k] = zz + noise * e1[k];
    xp[k] = zz + noise * e2[k];
  }
  return { x, xp, m };
}

const bt = (gamma: Tensor, d: number) => (p: { w: Tensor }) => S.sum(S.square(S.sub(S.matmul(S.matmul(p.w, gamma), S.transpose(p.w)), S.eye(d))));

describe("stepwise-ssl closed forms (arXiv 2303.15438)", () => {
  it("logistic limits: c(0) = c0, c(inf) = 1, c(stepTime) = level; GD rate -> 8 gamma as lr -> 0", () => {
    expect(modeC(1e-6, 2, 0)).toBeCloseTo(1e-6, 18);
    expect(modeC(1e-6, 2, 1e3)).toBe(1);
    for (const lr of [0, 1e-3, 0.01]) for (const level of [0.1, 0.5, 0.9]) expect(modeC(1e-8, 1.7, stepTime(1e-8, 1.7, lr, level), lr)).toBeCloseTo(level, 12);
    expect(modeRate(1.5, 1e-9) / modeRate(1.5)).toBeCloseTo(1, 7);
    expect(modeRate(1.5, 0.01)).toBeLessThan(modeRate(1.5));
    expect(stepLoss([1e-9, 1e-9, 1e-9], [3, 2, 1], 0)).toBeCloseTo(3, 7);
  });

  it("cross-correlation is symmetric and its spectrum tracks the latent variances", () => {
    const v = [4, 2, 1, 0.3];
    const { x, xp, m } = views(S.Rng.seed(1), v, 20000, 0.3);
    const g = crossCorrelation(x, xp, 20000, m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) expect(g[a * m + b]).toBe(g[b * m + a]);
    const sp = spectrum(S.tensor(Array.from(g), [m, m]));
    sp.values.forEach((val, k) => expect(Math.abs(val - v[k]) / v[k]).toBeLessThan(0.06));
  });

  it("aligned init: RK45 gradient flow follows the logistic c_k(t) with rate 8 gamma_k", () => {
    const m = 5, d = 3;
    const gam = [3, 2, 1.2, 0.5, 0.2];
    const q = S.linalg.qr(S.normal(S.Rng.seed(2), [m, m])).q; // columns: eigenvectors
    const qd = q.data;
    const gd = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) { let s = 0; for (let k = 0; k < m; k++) s += qd[a * m + k] * gam[k] * qd[b * m + k]; gd[a * m + b] = s; }
    const gamma = S.tensor(Array.from(gd), [m, m]);
    const sp = spectrum(gamma);
    const scale = [1e-3, 2e-3, 1.5e-3];
    const w0 = new Float64Array(d * m);
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) w0[i * m + j] = scale[i] * sp.vectors[i][j];
    const c0 = effectiveInit(w0, d, m, sp.values, sp.vectors);
    c0.forEach((c, i) => expect(c / (sp.values[i] * scale[i] ** 2)).toBeCloseTo(1, 10));
    const times = [0.5, 1, 2, 4];
    const flow = S.gradientFlow(bt(gamma, d), { w: S.tensor(Array.from(w0), [d, m]) }, 4, { times, rtol: 1e-10, atol: 1e-14 });
    times.forEach((t, ti) => {
      const w = flow.params[ti].w.data;
      for (let k = 0; k < d; k++) expect(Math.abs(modeValue(w, d, m, sp.values[k], sp.vectors[k]) - modeC(c0[k], sp.values[k], t))).toBeLessThan(1e-7);
    });
  });

  it("random small init, GD: step times match the Gram-Schmidt effective init with GD's rate within 2%, overlap within the leakage bound, C -> I", () => {
    const d = 3, n = 2000, lr = 0.005;
    const { x, xp, m } = views(S.Rng.seed(3), [4, 2.5, 1.6, 0.6, 0.48, 0.38, 0.3, 0.25], n, 0.3);
    const g = crossCorrelation(x, xp, n, m);
    const gamma = S.tensor(Array.from(g), [m, m]);
    const sp = spectrum(gamma);
    const w0t = S.normal(S.Rng.seed(4), [d, m], { std: 1e-4 });
    const c0 = effectiveInit(w0t.data, d, m, sp.values, sp.vectors);
    const tPred = c0.map((c, k) => stepTime(c, sp.values[k], lr));
    const steps = Math.ceil((1.5 * tPred[d - 1]) / lr);
    const vg = S.valueAndGrad(bt(gamma, d));
    let w = { w: w0t };
    const prev = new Array(d).fill(0);
    const tMeas = new Array(d).fill(NaN);
    for (let s = 0; s <= steps; s++) {
      for (let k = 0; k < d; k++) {
        const c = modeValue(w.w.data, d, m, sp.values[k], sp.vectors[k]);
        if (Number.isNaN(tMeas[k]) && s > 0 && prev[k] < 0.5 && c >= 0.5) tMeas[k] = lr * (s - 1 + (0.5 - prev[k]) / (c - prev[k]));
        prev[k] = c;
      }
      const [, gr] = vg(w);
      w = { w: S.sub(w.w, S.mul((gr as { w: Tensor }).w, lr)) };
    }
    tPred.forEach((tp, k) => expect(Math.abs(tMeas[k] - tp) / tp).toBeLessThan(0.02));
    const eps = leakageBound(w0t.data, d, m, sp.values, sp.vectors, tPred[d - 1], lr);
    const ov = subspaceOverlap(w.w.data, d, m, sp.vectors);
    expect(1 - ov).toBeLessThanOrEqual(eps);
    expect(1 - ov).toBeGreaterThanOrEqual(0);
    expect(identityGap(w.w.data, g, d, m)).toBeLessThan(1e-3);
  });
});
