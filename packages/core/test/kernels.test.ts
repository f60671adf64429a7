import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

const K = S.kernels;

/** Relative Frobenius error |a - b|_F / |b|_F. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** A one-pair kernel state with input covariance [[q1, c], [c, q2]] and unit NTK (to read E[phi' phi']). */
function pairState(q1: number, q2: number, c: number): S.kernels.KernelState {
  const f = (v: number) => Float64Array.of(v);
  return { n1: 1, n2: 1, nngp: f(c), ntk: f(1), var1: f(q1), var2: f(q2), ntk1: f(1), ntk2: f(1), width: 1 };
}

/** Samples (u, v) ~ N(0, [[q1, c], [c, q2]]). */
function gaussianPairs(q1: number, q2: number, c: number, samples: number, rng: Rng): { u: Float64Array; v: Float64Array } {
  const rho = c / Math.sqrt(q1 * q2);
  const u = new Float64Array(samples);
  const v = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const z1 = rng.nextNormal();
    const z2 = rng.nextNormal();
    u[i] = Math.sqrt(q1) * z1;
    v[i] = Math.sqrt(q2) * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
  }
  return { u, v };
}

/** Monte-Carlo mean of a[i] * b[i] and its standard error. */
function productMean(a: Float64Array, b: Float64Array): { mean: number; se: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] * b[i];
    s += p;
    s2 += p * p;
  }
  const mean = s / a.length;
  return { mean, se: Math.sqrt((s2 / a.length - mean * mean) / a.length) };
}

/** Monte-Carlo average of the empirical NTK over `inits` initialisations of an MLP (NT's monte_carlo_kernel_fn). */
function mcEmpiricalNtk(cfg: S.MlpConfig, inits: number, seed: number, x: Tensor): Float64Array {
  const model = S.mlp(cfg);
  const mean = new Float64Array(x.shape[0] ** 2);
  for (let s = 0; s < inits; s++) {
    const params = model.init(Rng.seed(seed).fork(`init-${s}`));
    const k = S.empiricalNtk((p: S.MlpParams, xi: Tensor) => model.apply(p, xi), params, x).data;
    for (let i = 0; i < mean.length; i++) mean[i] += k[i] / inits;
  }
  return mean;
}

type Pointwise = (u: Float64Array) => Float64Array;
const relu: Pointwise = (u) => u.map((v) => Math.max(v, 0));
const step: Pointwise = (u) => u.map((v) => (v > 0 ? 1 : 0));
const erf: Pointwise = (u) => Float64Array.from(S.erf(new Tensor(u, [u.length])).data);
const erfPrime: Pointwise = (u) => u.map((v) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v));

describe("elementwise kernel rules against their Gaussian expectations", () => {
  const rng = Rng.seed(11);
  // Rows: rule, phi, phi', covariance (q1, q2, c).
  const rows: [string, () => S.kernels.KernelLayer, Pointwise, Pointwise, number, number, number][] = [
    ["Relu", K.Relu, relu, step, 1.3, 0.7, 0.5],
    ["Relu (anti-correlated)", K.Relu, relu, step, 2, 1, -1.2],
    ["Erf", K.Erf, erf, erfPrime, 1, 2, 0.7],
    ["Quadratic", K.Quadratic, (u) => u.map((v) => v * v), (u) => u.map((v) => 2 * v), 0.8, 1.5, 0.4],
  ];
  it.each(rows)("%s: nngp = E[phi(u) phi(v)] and ntk factor = E[phi'(u) phi'(v)] within 4 standard errors (200k samples)", (_name, rule, phi, dphi, q1, q2, c) => {
    const out = rule()(pairState(q1, q2, c));
    const { u, v } = gaussianPairs(q1, q2, c, 200_000, rng);
    const e = productMean(phi(u), phi(v));
    const ed = productMean(dphi(u), dphi(v));
    expect(Math.abs(out.nngp[0] - e.mean)).toBeLessThan(4 * e.se);
    expect(Math.abs(out.ntk[0] - ed.mean)).toBeLessThan(4 * ed.se);
  });

  it("closed-form points: ReLU E[relu(u)^2] = q/2, E[step^2] = 1/2, orthogonal inputs q/(2 pi), opposite inputs 0", () => {
    const same = K.Relu()(pairState(3, 3, 3));
    expect(same.nngp[0]).toBeCloseTo(1.5, 14);
    expect(same.ntk[0]).toBeCloseTo(0.5, 14);
    expect(same.var1[0]).toBeCloseTo(1.5, 14);
    expect(K.Relu()(pairState(3, 3, 0)).nngp[0]).toBeCloseTo(3 / (2 * Math.PI), 14);
    expect(Math.abs(K.Relu()(pairState(3, 3, -3)).nngp[0])).toBeLessThan(1e-15);
    expect(K.Erf()(pairState(1, 1, 0)).nngp[0]).toBe(0);
    expect(K.Erf()(pairState(1, 1, 1)).nngp[0]).toBeCloseTo((2 / Math.PI) * Math.asin(2 / 3), 14);
  });
});

describe("composed kernels: limits", () => {
  const x = S.tensor([[1, 2], [3, -1], [0.5, 0.5]]); // (3, 2)
  const gram = [1 * 1 + 2 * 2, 1 * 3 - 2, 0.5 + 1].map((v) => v / 2); // row 0 of x x^T / d

  it("deep linear network (L dense layers, NTK param): nngp = sigma_w^(2L) K and ntk = L sigma_w^(2L) K", () => {
    const sw = 1.3;
    for (const L of [1, 2, 3, 5]) {
      const layers: S.kernels.KernelLayer[] = [];
      for (let l = 0; l < L; l++) layers.push(K.Dense(sw, 0), K.Identity());
      const out = K.kernelFn(K.serial(...layers), x);
      for (let j = 0; j < 3; j++) {
        expect(out.nngp[j]).toBeCloseTo(sw ** (2 * L) * gram[j], 12);
        expect(out.ntk[j]).toBeCloseTo(L * sw ** (2 * L) * gram[j], 12);
      }
    }
  });

  it("standard parametrization: ntk = d K + 1 for one dense layer with bias; nngp is the same as NTK param", () => {
    const std = K.kernelFn(K.Dense(2, 0.5, { parametrization: "standard" }), x);
    const ntk = K.kernelFn(K.Dense(2, 0.5), x);
    for (let j = 0; j < 3; j++) {
      expect(std.ntk[j]).toBeCloseTo(2 * gram[j] + 1, 13);
      expect(std.nngp[j]).toBeCloseTo(ntk.nngp[j], 14);
      expect(ntk.ntk[j]).toBeCloseTo(4 * gram[j] + 0.25, 13);
    }
    // An untrained bias leaves the NNGP but not the NTK.
    const frozen = K.kernelFn(K.Dense(2, 0.5, { bias: false }), x);
    expect(frozen.ntk[0]).toBeCloseTo(4 * gram[0], 13);
  });

  it("kernels are symmetric and the cross kernel equals the block of the joint kernel", () => {
    const net = K.serial(K.Dense(1.4, 0.3), K.Relu(), K.Dense(1.4, 0.3), K.Erf(), K.Dense(1, 0));
    const all = K.kernelFn(net, x);
    const cross = K.kernelFn(net, S.slice(x, [[0, 1]]), S.slice(x, [[1, 3]])); // (1, 2)
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(all.ntk[i * 3 + j]).toBeCloseTo(all.ntk[j * 3 + i], 14);
    expect(cross.ntk[0]).toBeCloseTo(all.ntk[1], 14);
    expect(cross.nngp[1]).toBeCloseTo(all.nngp[2], 14);
  });

  it("bad input gives clear errors", () => {
    expect(() => K.Dense(-1)).toThrow(/sigmaW must be a finite number >= 0, got -1/);
    expect(() => K.Dense(1, 0, { width: 0 })).toThrow(/width must be a positive integer/);
    expect(() => K.kernelFn(K.Relu(), S.zeros([2, 3]), S.zeros([2, 4]))).toThrow(/3 and 4 features/);
  });
});

describe("analytic kernels against wide finite networks", () => {
  const x = S.normal(Rng.seed(5), [6, 4]); // 6 inputs in d = 4
  const sw = Math.SQRT2;
  const sb = 0.1;

  // A single width-1024 net's NTK fluctuates by ~5% relative (chi-square sums over 1024 units), so
  // the comparison averages the empirical NTK over 10 initialisations, as NT's Monte-Carlo tests do.
  it("ReLU, width 1024, NTK parametrization, 6 inputs: mean empirical NTK within 5% (relative Frobenius)", () => {
    const analytic = K.kernelFn(K.serial(K.Dense(sw, sb), K.Relu(), K.Dense(sw, sb)), x);
    const emp = mcEmpiricalNtk({ widths: [4, 1024, 1], activation: "relu", bias: true, parametrization: "ntk", sigmaW: sw, sigmaB: sb }, 10, 6, x);
    const err = relErr(emp, analytic.ntk);
    console.info(`ReLU NTK, width 1024, 10 inits: relative Frobenius error ${err.toFixed(4)}`);
    expect(err).toBeLessThan(0.05);
  });

  it("ReLU, standard parametrization (width-dependent NTK), width 1024: within 5%", () => {
    const analytic = K.kernelFn(K.serial(K.Dense(sw, sb, { parametrization: "standard", width: 1024 }), K.Relu(), K.Dense(sw, sb, { parametrization: "standard" })), x);
    const emp = mcEmpiricalNtk({ widths: [4, 1024, 1], activation: "relu", bias: true, parametrization: "sp", sigmaW: sw, sigmaB: sb }, 10, 7, x);
    const err = relErr(emp, analytic.ntk);
    console.info(`standard-param ReLU NTK, width 1024, 10 inits: relative Frobenius error ${err.toFixed(4)}`);
    expect(err).toBeLessThan(0.05);
  });

  it("erf, width 1024, NTK parametrization: within 5%", () => {
    const analytic = K.kernelFn(K.serial(K.Dense(1.5, 0.2), K.Erf(), K.Dense(1.5, 0.2)), x);
    const emp = mcEmpiricalNtk({ widths: [4, 1024, 1], activation: "erf", bias: true, parametrization: "ntk", sigmaW: 1.5, sigmaB: 0.2 }, 10, 8, x);
    expect(relErr(emp, analytic.ntk)).toBeLessThan(0.05);
  });

  // Depth 3: the fluctuation is ~2.6/sqrt(width * inits) relative (measured), ~3% here.
  it("ReLU depth 3, width 256, 32 inits: within 7%", () => {
    const analytic = K.kernelFn(K.serial(K.Dense(sw, sb), K.Relu(), K.Dense(sw, sb), K.Relu(), K.Dense(sw, sb)), x);
    const emp = mcEmpiricalNtk({ widths: [4, 256, 256, 1], activation: "relu", bias: true, parametrization: "ntk", sigmaW: sw, sigmaB: sb }, 32, 9, x);
    const err = relErr(emp, analytic.ntk);
    console.info(`depth-3 ReLU NTK, width 256, 32 inits: relative Frobenius error ${err.toFixed(4)}`);
    expect(err).toBeLessThan(0.07);
  });

  it("hidden-layer NNGP: H H^T / N of a width-4096 ReLU layer matches the arc-cosine kernel within 5%", () => {
    const model = S.mlp({ widths: [4, 4096, 1], activation: "relu", bias: true, parametrization: "ntk", sigmaW: sw, sigmaB: sb });
    const h = model.activations(model.init(Rng.seed(10)), x)[0]; // (6, 4096)
    const emp = S.div(S.mm(h, h, false, true), 4096); // (6, 6)
    const analytic = K.kernelFn(K.serial(K.Dense(sw, sb), K.Relu()), x);
    expect(relErr(emp.data, analytic.nngp)).toBeLessThan(0.05);
  });
});
