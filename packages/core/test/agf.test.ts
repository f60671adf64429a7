import { describe, it, expect } from "vitest";
import * as S from "../src/index.js";
import { agf } from "../src/index.js";

// The 2-D diagonal example of Pesme & Flammarion (arXiv 2304.00488, section 3.1) used by AGF
// (arXiv 2506.06489): X = chol(R(150 deg) diag(1, 25) R(150 deg)^T), beta* = (-0.2, 2).
const X2 = [[2.6457513110645903, 0], [3.9279220242478634, 1.889822365046136]];
const DIAG = { x: X2, y: [-0.529150262212918, 2.9940603252426996] };
const DIAG_LEVELS = [2.311099, 1.11465, 0.07, 0];
const DIAG_TIMES = [0.193042, 0.60022, 3.457363];

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe("activation threshold (kappa = 2 and kappa > 2)", () => {
  it.each([
    [2, 1e-3],
    [2, 0.3],
    [3, 1e-2],
    [3, 0.5],
    [4, 0.1],
    [2.5, 0.05],
  ])("kappa %d, |theta0| %d: the norm reaches 1 exactly at S = c, and S(norm) inverts norm(S)", (kappa, n0) => {
    const c = agf.activationThreshold(kappa, n0);
    expect(agf.normFromUtility(kappa, n0, c)).toBeCloseTo(1, 12);
    expect(agf.utilityForNorm(kappa, n0, 0.37)).toBeCloseTo(agf.utilityForNorm(kappa, n0, agf.normFromUtility(kappa, n0, agf.utilityForNorm(kappa, n0, 0.37))), 12);
    expect(agf.normFromUtility(kappa, n0, 0)).toBeCloseTo(n0, 14);
  });

  it("kappa -> 2+ recovers the logarithmic threshold", () => {
    expect(agf.activationThreshold(2 + 1e-7, 1e-3)).toBeCloseTo(-Math.log(1e-3), 4);
  });

  it("kappa = 3 threshold is 1/|theta0| - 1 (the authors' c_a)", () => {
    expect(agf.activationThreshold(3, 0.02)).toBeCloseTo(49, 12);
  });

  it("rejects bad degrees and norms, naming them", () => {
    expect(() => agf.activationThreshold(1.5, 0.1)).toThrow(/kappa/);
    expect(() => agf.activationThreshold(2, 1.5)).toThrow(/initial norm/);
  });
});

describe("sign-constrained least squares", () => {
  const rng = S.Rng.seed(3);
  const x = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rng.nextNormal()));
  const y = Array.from({ length: 6 }, () => rng.nextNormal());
  it.each([
    [[1, 1, 1, 1]],
    [[-1, -1, 1, 0]],
    [[2, 2, 2, 2]],
    [[1, 2, -1, 0]],
  ] as agf.SignConstraint[][][])("constraints %j: the KKT conditions hold", (cons) => {
    const beta = agf.signConstrainedLeastSquares(x, y, cons);
    // gradient of 1/2 |X b - y|^2
    const g = new Float64Array(4);
    x.forEach((row, r) => {
      const res = row.reduce((s, v, i) => s + v * beta[i], 0) - y[r];
      row.forEach((v, i) => (g[i] += v * res));
    });
    cons.forEach((c, i) => {
      if (c === 0) expect(beta[i]).toBe(0);
      if (c === 2) expect(Math.abs(g[i])).toBeLessThan(1e-10);
      if (c === 1) {
        expect(beta[i]).toBeGreaterThanOrEqual(0);
        if (beta[i] > 0) expect(Math.abs(g[i])).toBeLessThan(1e-10);
        else expect(g[i]).toBeGreaterThan(-1e-10); // pushing further would go negative
      }
      if (c === -1) {
        expect(beta[i]).toBeLessThanOrEqual(0);
        if (beta[i] < 0) expect(Math.abs(g[i])).toBeLessThan(1e-10);
        else expect(g[i]).toBeLessThan(1e-10);
      }
    });
  });
});

describe("diagonal linear network: Pesme-Flammarion path, closed-form AGF and the generic engine", () => {
  it("the Pesme-Flammarion path gives the reference levels, times, predictors and event order", () => {
    const pf = agf.pesmeFlammarion(DIAG);
    pf.levels.forEach((l, k) => expect(Math.abs(l - DIAG_LEVELS[k])).toBeLessThan(1e-6));
    pf.times.forEach((t, k) => expect(relErr(t, DIAG_TIMES[k])).toBeLessThan(2e-6));
    expect(pf.coordinates).toEqual([0, 1, 0]);
    expect(pf.removed).toEqual([[], [0], []]);
    expect(pf.betas[1][0]).toBeCloseTo(0.46193, 5);
    expect(pf.betas[2][1]).toBeCloseTo(1.584308, 6);
    expect(pf.betas[3][0]).toBeCloseTo(-0.2, 10);
    expect(pf.betas[3][1]).toBeCloseTo(2, 10);
  });

  it.each([[1e-3], [1e-6], [1e-12]])("alpha = %d: closed-form AGF equals the Pesme-Flammarion path (times / log(1/alpha) independent of alpha)", (alpha) => {
    const pf = agf.pesmeFlammarion(DIAG);
    const cf = agf.diagonalLinearAgf(DIAG, alpha);
    expect(cf.coordinates).toEqual(pf.coordinates);
    cf.levels.forEach((l, k) => expect(Math.abs(l - pf.levels[k])).toBeLessThan(1e-12));
    cf.times.forEach((t, k) => expect(relErr(t, pf.times[k])).toBeLessThan(1e-6));
  });

  it.each([[1e-3], [1e-8]])("alpha = %d: the generic engine (utility ascent + L-BFGS, mirror return rule) matches the closed form", (alpha) => {
    const cf = agf.diagonalLinearAgf(DIAG, alpha);
    const res = agf.alternatingGradientFlow(agf.diagonalLinearNeurons(DIAG, alpha));
    expect(res.jumps.map((j) => j.neuron)).toEqual(cf.coordinates);
    expect(res.jumps.map((j) => j.deactivated)).toEqual(cf.removed);
    res.jumps.forEach((j, k) => {
      expect(relErr(j.level + 1e-300, cf.levels[k + 1] + 1e-300) < 1e-6 || Math.abs(j.level - cf.levels[k + 1]) < 1e-12).toBe(true);
      expect(relErr(j.t / Math.log(1 / alpha), cf.times[k])).toBeLessThan(1e-6);
    });
    expect(res.stopReason).toBe("converged");
  });

  it("gradient descent from u = sqrt(2) alpha, v = 0 crosses the first two drops near the AGF times (alpha = 1e-6, within 4%)", () => {
    // Plain GD on L = 1/2 mean (y - X (u v))^2 with lr 1e-3; midpoint crossings in log(1/alpha) units.
    const alpha = 1e-6;
    const lr = 1e-3;
    const u = [Math.SQRT2 * alpha, Math.SQRT2 * alpha];
    const v = [0, 0];
    const mids = [0.5 * (DIAG_LEVELS[0] + DIAG_LEVELS[1]), 0.5 * (DIAG_LEVELS[1] + DIAG_LEVELS[2])];
    const crossings: number[] = [];
    for (let step = 0; step < 200000 && crossings.length < 2; step++) {
      const beta = [u[0] * v[0], u[1] * v[1]];
      const r = DIAG.y.map((yy, i) => yy - (X2[i][0] * beta[0] + X2[i][1] * beta[1]));
      const loss = 0.25 * (r[0] * r[0] + r[1] * r[1]);
      if (loss < mids[crossings.length]) crossings.push((step * lr) / Math.log(1 / alpha));
      const g = [0, 1].map((j) => 0.5 * (X2[0][j] * r[0] + X2[1][j] * r[1]));
      for (let j = 0; j < 2; j++) {
        const du = v[j] * g[j];
        const dv = u[j] * g[j];
        u[j] += lr * du;
        v[j] += lr * dv;
      }
    }
    expect(relErr(crossings[0], DIAG_TIMES[0])).toBeLessThan(0.04);
    expect(relErr(crossings[1], DIAG_TIMES[1])).toBeLessThan(0.04);
  });
});

describe("fully connected linear network (Conjecture 4.1)", () => {
  const diagMoments = (s: number[], lam: number[]) => {
    const d = s.length;
    const sxx = new Float64Array(d * d);
    const syx = new Float64Array(d * d);
    s.forEach((v, i) => {
      sxx[i * d + i] = lam[i];
      syx[i * d + i] = v * lam[i];
    });
    return { sxx, syx, d, c: d };
  };

  it("commuting, non-white covariance: reference levels and jump times", () => {
    const r = agf.linearNetworkAgf(diagMoments([2, 1.5, 1, 0.5], [1, 0.5, 1.5, 0.25]));
    [3.34375, 1.34375, 0.59375, 0.03125, 0].forEach((l, k) => expect(r.levels[k]).toBeCloseTo(l, 12));
    [0.5, 2 / 3, 4 / 3, 8].forEach((t, k) => expect(r.times[k]).toBeCloseTo(t, 12));
  });

  it.each([
    [[3, 2, 1]],
    [[2, 1.5, 0.75, 0.125]],
  ])("whitened inputs (sigma = %j): tau_k = 1 / sigma_k and the last predictor is the least-squares map", (s) => {
    const d = s.length;
    const rng = S.Rng.seed(9);
    // Random rotation of the output basis: Sigma_yx = Q diag(s).
    const q = S.linalg.qr(S.normal(rng, [d, d])).q.data as Float64Array;
    const syx = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) syx[i * d + j] = q[i * d + j] * s[j];
    const sxx = new Float64Array(d * d);
    for (let i = 0; i < d; i++) sxx[i * d + i] = 1;
    const r = agf.linearNetworkAgf({ sxx, syx, d, c: d });
    s.forEach((sv, k) => expect(r.times[k]).toBeCloseTo(1 / sv, 10));
    const last = r.predictors[d];
    for (let j = 0; j < d * d; j++) expect(last[j]).toBeCloseTo(syx[j], 10);
    expect(r.levels[d]).toBeCloseTo(0, 12);
  });

  it("the predictor after jump k minimises the loss among rank-k maps (its loss is the plateau level)", () => {
    const m = diagMoments([2, 1.5, 1, 0.5], [1, 0.5, 1.5, 0.25]);
    const r = agf.linearNetworkAgf(m);
    const d = 4;
    const lossOf = (beta: Float64Array) => {
      // 1/2 (tr Syy - 2 tr(beta Sxy) + tr(beta Sxx beta^T)), Syy = B Sxx B^T realisable.
      let l = r.mu.reduce((s, v) => s + v, 0);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) l -= 2 * beta[i * d + j] * m.syx[i * d + j];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) l += beta[i * d + j] * m.sxx[j * d + k] * beta[i * d + k];
      return 0.5 * l;
    };
    r.predictors.forEach((beta, k) => expect(lossOf(beta)).toBeCloseTo(r.levels[k], 10));
  });
});

describe("attention-only linear transformer", () => {
  const LAMBDA = [0.96, 0.48, 0.32, 0.24];
  it("reference plateaus and singular values (D = 4, N = 32)", () => {
    [1.0, 0.56219, 0.35555, 0.2251, 0.1322].forEach((l, k) => expect(agf.linearTransformerPlateaus(LAMBDA, 32)[k]).toBeCloseTo(l, 4));
    [0.02969, 0.05605, 0.07962, 0.10081].forEach((s, k) => expect(agf.linearTransformerSingularValues(LAMBDA, 32)[k]).toBeCloseTo(s, 5));
  });

  it("the population-loss quadratic agrees with a Monte Carlo estimate over sampled prompts (4 sigma)", () => {
    const D = 3;
    const N = 5;
    const lam = [1, 0.5, 0.25];
    const sigma = new Float64Array(D * D);
    lam.forEach((l, i) => (sigma[i * D + i] = l));
    const { gram, linear, constant } = agf.inContextRegressionLoss(sigma, D, N);
    const obj = agf.quadraticObjective(gram, linear, constant);
    const rng = S.Rng.seed(4);
    const M = Float64Array.from({ length: D * D }, () => 0.1 * rng.nextNormal());
    const exact = obj.value(M);
    const samples = 40000;
    let s1 = 0;
    let s2 = 0;
    for (let s = 0; s < samples; s++) {
      const w = Array.from({ length: D }, () => rng.nextNormal());
      const z = new Float64Array(D);
      for (let n = 0; n < N; n++) {
        const x = lam.map((l) => Math.sqrt(l) * rng.nextNormal());
        const y = x.reduce((a, v, i) => a + v * w[i], 0);
        for (let i = 0; i < D; i++) z[i] += y * x[i];
      }
      const xq = lam.map((l) => Math.sqrt(l) * rng.nextNormal());
      const yq = xq.reduce((a, v, i) => a + v * w[i], 0);
      let yhat = 0;
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) yhat += z[i] * M[i * D + j] * xq[j];
      const l = 0.5 * (yhat - yq) ** 2;
      s1 += l;
      s2 += l * l;
    }
    const mean = s1 / samples;
    const se = Math.sqrt((s2 / samples - mean * mean) / samples);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
  });

  it("the generic engine on population heads learns the components in decreasing lambda, at the plateau levels, with aligned heads", () => {
    const rng = S.Rng.seed(1);
    const init = Array.from({ length: 5 }, () => Float64Array.from({ length: 9 }, () => 1e-3 * rng.nextNormal()));
    const res = agf.alternatingGradientFlow(agf.populationAttentionHeads(LAMBDA, 32, init));
    const levels = agf.linearTransformerPlateaus(LAMBDA, 32);
    expect(res.jumps.length).toBe(4);
    res.jumps.forEach((j, k) => {
      expect(relErr(j.level, levels[k + 1])).toBeLessThan(1e-6);
      const th = j.active.get(j.neuron)!;
      // k and q of the new head point along eigenvector e_k.
      const kv = th.subarray(1, 5);
      const qv = th.subarray(5, 9);
      const cos = (v: Float64Array) => Math.abs(v[k]) / Math.hypot(...v);
      expect(cos(kv)).toBeGreaterThan(0.999);
      expect(cos(qv)).toBeGreaterThan(0.999);
    });
    expect(res.stopReason).toBe("stalled");
    // Activation no earlier than the AGF bound for the largest initial head norm.
    const n0 = Math.max(...init.map((t) => Math.hypot(...t)));
    expect(res.jumps[0].t).toBeGreaterThanOrEqual(agf.linearTransformerJumpBounds(LAMBDA, 32, n0)[0]);
  });

  it("head pullback matches finite differences of <f, cot>", () => {
    const D = 3;
    const model = agf.attentionHeadNeurons(D, [Float64Array.from({ length: 7 }, () => 0.01)], { gram: new Float64Array(81), linear: new Float64Array(9), constant: 0 });
    const rng = S.Rng.seed(2);
    const th = Float64Array.from({ length: 7 }, () => rng.nextNormal());
    const cot = Float64Array.from({ length: 9 }, () => rng.nextNormal());
    const g = new Float64Array(7);
    model.pullback(0, th, cot, g);
    const f = new Float64Array(9);
    const val = (t: Float64Array) => {
      model.forward(0, t, f);
      return f.reduce((s, v, i) => s + v * cot[i], 0);
    };
    for (let j = 0; j < 7; j++) {
      const tp = Float64Array.from(th);
      const tm = Float64Array.from(th);
      tp[j] += 1e-6;
      tm[j] -= 1e-6;
      expect(g[j]).toBeCloseTo((val(tp) - val(tm)) / 2e-6, 6);
    }
  });
});

describe("quadratic network on modular addition", () => {
  const P = 20;
  const template = S.cyclicTemplate(P, [
    { frequency: 1, magnitude: 10 },
    { frequency: 3, magnitude: 5 },
    { frequency: 5, magnitude: 2.5 },
  ]);

  it("reference levels (nn.MSELoss units), order and first-activation lower bounds in epochs", () => {
    const th = agf.modularAdditionAgf(template, { normalisation: "mean", norm0: Math.SQRT2 * 1e-2 });
    expect(th.order).toEqual([1, 3, 5]);
    [0.65625, 0.15625, 0.03125, 0].forEach((l, k) => expect(th.levels[k]).toBeCloseTo(l, 12));
    // GD on nn.MSELoss with lr 0.01, momentum 0.9: t = 0.1 step.
    [764, 6109, 48873].forEach((e, k) => expect(Math.round(S.stepsForTime(th.lowerBounds[k], 0.01, 0.9))).toBe(e));
    // Saddle's 1/2-mean MSE halves the levels; its gradient flow runs 2x slower (same steps at lr 0.02).
    const half = agf.modularAdditionAgf(template, { norm0: Math.SQRT2 * 1e-2 });
    expect(half.levels[1]).toBeCloseTo(0.078125, 12);
    expect(Math.round(S.stepsForTime(half.lowerBounds[0], 0.02, 0.9))).toBe(764);
  });

  it.each([
    [1, 10],
    [3, 5],
  ])("frequency %d alone (|x_hat| = %d): utility ascent of a unit neuron reaches U* = sqrt(2p/27) |x_hat|^3 / p^2", (k, mag) => {
    const x = S.cyclicTemplate(P, [{ frequency: k, magnitude: mag }]);
    const rng = S.Rng.seed(5);
    const theta0 = Float64Array.from({ length: 3 * P }, () => 1e-3 * rng.nextNormal());
    // kappa taken as 2 here so the directional speed is 1: pure projected ascent of U on the sphere.
    const model = { ...agf.quadraticModularNeurons(x, [theta0], "half-mean-samples"), kappa: 2 };
    const state = agf.dormantFromInit(model, 0, theta0);
    state.threshold = Infinity;
    const r = new Float64Array(model.objective.size);
    model.objective.residual(new Float64Array(model.objective.size), r);
    agf.utilityMaximisation(model, [state], r, { tMax: 200, rtol: 1e-8, atol: 1e-10, maxSteps: 100000 });
    const grad = new Float64Array(3 * P);
    const u = model.utility!(0, state.direction, r, grad);
    const th = agf.modularAdditionAgf(x, { normalisation: "half-mean-samples" });
    expect(relErr(u, th.maxUtility[0])).toBeLessThan(1e-4);
  });

  it("structured forward and gradient equal the dense model differentiated by the engine", () => {
    const p = 6;
    const H = 3;
    const x = S.cyclicTemplate(p, [{ frequency: 1, magnitude: 2 }, { frequency: 2, magnitude: 1 }]);
    const rng = S.Rng.seed(6);
    const thetas = Array.from({ length: H }, () => Float64Array.from({ length: 3 * p }, () => 0.5 * rng.nextNormal()));
    const model = agf.quadraticModularNeurons(x, thetas);
    const grads = thetas.map(() => new Float64Array(3 * p));
    const loss = agf.networkLossAndGrad(model, thetas, grads);
    const task = S.modularTemplateTask(x);
    const pick = (lo: number) => S.tensor(thetas.map((t) => Array.from(t.subarray(lo, lo + p)))); // (H, p)
    const params = { u: pick(0), v: pick(p), w: pick(2 * p) };
    const f = (q: typeof params) => {
      const xa = S.slice(task.x, [null, [0, p, 1]]); // (p^2, p)
      const xb = S.slice(task.x, [null, [p, 2 * p, 1]]);
      const h = S.square(S.add(S.matmul(xa, S.transpose(q.u)), S.matmul(xb, S.transpose(q.v)))); // (p^2, H)
      return S.mse(S.matmul(h, q.w), task.y);
    };
    const [l, g] = S.valueAndGrad(f)(params);
    expect(l.item()).toBeCloseTo(loss, 12);
    for (let h = 0; h < H; h++)
      for (let j = 0; j < p; j++) {
        expect(grads[h][j]).toBeCloseTo((g.u.data as Float64Array)[h * p + j], 10);
        expect(grads[h][p + j]).toBeCloseTo((g.v.data as Float64Array)[h * p + j], 10);
        expect(grads[h][2 * p + j]).toBeCloseTo((g.w.data as Float64Array)[h * p + j], 10);
      }
  });
});

describe("staircase rows", () => {
  it("draws a vertical drop at each jump and evaluates right-continuously", () => {
    const st: agf.Staircase = { times: [1, 3], levels: [2, 1, 0.5], labels: [7, 8] };
    expect(agf.staircaseLevelAt(st, 0.5)).toBe(2);
    expect(agf.staircaseLevelAt(st, 1)).toBe(1);
    expect(agf.staircaseLevelAt(st, 10)).toBe(0.5);
    const rows = agf.staircaseRows(st, { lr: 0.1, momentum: 0.5 });
    const loss = rows.filter((r) => r.key === "loss");
    expect(loss.map((r) => [r.t, r.value])).toEqual([[0, 2], [1, 2], [1, 1], [3, 1], [3, 0.5], [4.5, 0.5]]);
    expect(loss[1].step).toBeCloseTo(5, 12); // t (1 - beta) / lr
    expect(rows.filter((r) => r.key === "jump").map((r) => r.value)).toEqual([7, 8]);
    expect(() => agf.staircaseRows({ times: [1], levels: [1], labels: [0] }, { lr: 1 })).toThrow(/levels/);
  });
});
