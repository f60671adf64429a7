import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import type { Tensor } from "@saddle/core";
import { balanceBound, blowUpTime, escapeDirection, escapeSpeed, kktResidual, layer, layerSquaredNorms, logLogSlope, mlpShape, mseLoss, norm2, radialLaw, randomDirection, rayEscapeTime, type MlpShape } from "../src/theory/lazy-rich/saddle-escape/index.js";

/** A small regression task: y = relu(u . x) + 0.3 sin(2 x_2). */
function task(rng: S.Rng, d: number, n: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextNormal();
  const u = Array.from({ length: d }, () => rng.nextNormal());
  const un = Math.hypot(...u);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    for (let j = 0; j < d; j++) a += (u[j] / un) * x[i * d + j];
    y[i] = Math.max(a, 0) + 0.3 * Math.sin(2 * x[i * d + 1]);
  }
  return { x, y };
}

/** The same network in core tensors (autodiff): params {w1..wL}, W_l of shape [out, in]. */
function tensorParams(shape: MlpShape, theta: Float64Array): Record<string, Tensor> {
  const p: Record<string, Tensor> = {};
  for (let l = 1; l < shape.dims.length; l++) p[`w${l}`] = new S.Tensor(layer(shape, theta, l), [shape.dims[l], shape.dims[l - 1]]);
  return p;
}
function tensorForward(shape: MlpShape, p: Record<string, Tensor>, x: Tensor): Tensor {
  const L = shape.dims.length - 1;
  let a = x; // [n, d]
  for (let l = 1; l <= L; l++) {
    const z = S.matmul(a, S.transpose(p[`w${l}`]));
    a = l < L ? S.relu(z) : z;
  }
  return a;
}
const flatGrad = (shape: MlpShape, g: Record<string, Tensor>) => {
  const out = new Float64Array(shape.size);
  for (let l = 1; l < shape.dims.length; l++) out.set(g[`w${l}`].data, shape.offsets[l - 1]);
  return out;
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("saddle-escape MLP (hand-written backprop)", () => {
  const d = 5;
  const n = 17;
  const { x, y } = task(S.Rng.seed(3), d, n);
  const shape = mlpShape([d, 6, 7, 5, 1]);
  const theta = randomDirection(shape, S.Rng.seed(4));
  const X = new S.Tensor(x, [n, d]);
  const Y = new S.Tensor(y, [n, 1]);

  it("escape speed and MSE gradients equal core autodiff of the same network", () => {
    const p = tensorParams(shape, theta);
    const sAuto = (q: Record<string, Tensor>) => S.mul(S.sum(S.mul(tensorForward(shape, q, X), Y)), 1 / n);
    const cAuto = (q: Record<string, Tensor>) => S.mul(S.sum(S.square(S.sub(tensorForward(shape, q, X), Y))), 1 / (2 * n));
    const gs = new Float64Array(shape.size);
    const gc = new Float64Array(shape.size);
    const s = escapeSpeed(shape, theta, x, y, n, gs);
    const c = mseLoss(shape, theta, x, y, n, gc);
    const [sv, sg] = S.valueAndGrad(sAuto)(p);
    const [cv, cg] = S.valueAndGrad(cAuto)(p);
    expect(Math.abs(s - sv.item())).toBeLessThan(1e-15);
    expect(Math.abs(c - cv.item())).toBeLessThan(1e-14);
    expect(maxAbs(gs, flatGrad(shape, sg))).toBeLessThan(1e-14);
    expect(maxAbs(gc, flatGrad(shape, cg))).toBeLessThan(1e-14);
  });

  it("s is L-homogeneous in theta and 1-homogeneous in each layer (Euler: <W_l, grad_l s> = s)", () => {
    const g = new Float64Array(shape.size);
    const s = escapeSpeed(shape, theta, x, y, n, g);
    const L = 4;
    expect(Math.abs(escapeSpeed(shape, theta.map((v) => 1.7 * v), x, y, n) - 1.7 ** L * s)).toBeLessThan(1e-14);
    for (let l = 0; l < L; l++) {
      let dot = 0;
      for (let i = shape.offsets[l]; i < shape.offsets[l] + shape.dims[l + 1] * shape.dims[l]; i++) dot += theta[i] * g[i];
      expect(Math.abs(dot - s)).toBeLessThan(1e-15);
    }
  });
});

describe("optimal escape direction", () => {
  it("single point limit: s* = L^(-L/2) |x| |y| (a balanced positive rank-one path; f(x) <= prod |W_l|_F |x|)", () => {
    const d = 4;
    const x = new Float64Array([0.3, -1.2, 0.5, 2]);
    const y = new Float64Array([0.8]);
    for (const L of [2, 3, 4, 5]) {
      const shape = mlpShape([d, ...Array.from({ length: L - 1 }, () => 5), 1]);
      const dir = escapeDirection(shape, x, y, 1, S.Rng.seed(L), { restarts: 3, maxIters: 5000 });
      expect(Math.abs(dir.speed / (L ** (-L / 2) * norm2(x) * 0.8) - 1)).toBeLessThan(1e-9);
    }
  });

  it("on a regression task: a critical point of s on the sphere, balanced |W_l|^2 = 1/L, rank one beyond layer 1, restarts agree", () => {
    const d = 6;
    const n = 40;
    const { x, y } = task(S.Rng.seed(7), d, n);
    for (const L of [3, 4]) {
      const shape = mlpShape([d, ...Array.from({ length: L - 1 }, () => 10), 1]);
      const dir = escapeDirection(shape, x, y, n, S.Rng.seed(11), { restarts: 4, maxIters: 3000 });
      expect(dir.speed).toBeGreaterThan(0);
      expect(dir.relResidual).toBeLessThan(1e-8);
      const norms = layerSquaredNorms(shape, dir.u);
      const bound = balanceBound(shape, dir.u, dir.residual, dir.speed);
      norms.forEach((v, l) => expect(Math.abs(v - 1 / L)).toBeLessThanOrEqual(bound[l] + 1e-15));
      expect(Math.max(...norms.map((v) => Math.abs(v - 1 / L)))).toBeLessThan(1e-8);
      for (let l = 1; l < L; l++) {
        const sv = S.linalg.svd(new S.Tensor(layer(shape, dir.u, l), [shape.dims[l], shape.dims[l - 1]])).s.data;
        expect(sv[1] / sv[0]).toBeLessThan(l ** -0.25); // the main theorem's bound
      }
      const spread = Math.max(...dir.restartSpeeds) - Math.min(...dir.restartSpeeds);
      expect(spread / dir.speed).toBeLessThan(1e-6);
      expect(norm2(kktResidual(shape, dir.u, x, y, n).residual)).toBeLessThan(1e-8 * L * dir.speed);
    }
  });
});

describe("radial law and escape times", () => {
  it("blow-up time is where the radial law diverges, and the law solves d rho/dt = L s rho^(L-1)", () => {
    for (const L of [3, 4, 5]) {
      const s = 0.07;
      const eps = 0.2;
      const T = blowUpTime(eps, L, s);
      expect(radialLaw(T * (1 - 1e-9), eps, L, s)).toBeGreaterThan(1e2);
      expect(radialLaw(T * 1.01, eps, L, s)).toBe(Infinity);
      const t = 0.4 * T;
      const h = 1e-6 * T;
      const dr = (radialLaw(t + h, eps, L, s) - radialLaw(t - h, eps, L, s)) / (2 * h);
      expect(Math.abs(dr / (L * s * radialLaw(t, eps, L, s) ** (L - 1)) - 1)).toBeLessThan(1e-7);
      // the plateau length scales exactly as eps^-(L-2)
      expect(logLogSlope([0.4, 0.2, 0.1], [0.4, 0.2, 0.1].map((e) => blowUpTime(e, L, s)))).toBeCloseTo(-(L - 2), 12);
    }
    expect(radialLaw(2, 0.1, 2, 0.3)).toBeCloseTo(0.1 * Math.exp(1.2), 14);
  });

  it("ray escape time: m = 0 closed forms (L = 2: ln(R/eps)/(2s); L >= 3: blow-up minus the tail from R), m > 0 slower, R -> 0 limit", () => {
    const s = 0.05;
    expect(Math.abs(rayEscapeTime(0.1, 1, 2, s, 0) / (Math.log(10) / (2 * s)) - 1)).toBeLessThan(1e-12);
    for (const L of [3, 4, 5]) {
      const exact = (0.1 ** -(L - 2) - 1) / (L * (L - 2) * s);
      expect(Math.abs(rayEscapeTime(0.1, 1, L, s, 0) / exact - 1)).toBeLessThan(1e-10);
      expect(Math.abs(rayEscapeTime(0.1, 1, L, s, 0) - (blowUpTime(0.1, L, s) - blowUpTime(1, L, s)))).toBeLessThan(1e-8);
      expect(rayEscapeTime(0.1, 1, L, s, 0.01)).toBeGreaterThan(exact);
      expect(rayEscapeTime(0.1, 1, L, s, s)).toBe(Infinity); // s - m R^L = 0: the ray's loss minimum is at R
    }
  });

  it("against a simulated network: GD from eps u* reaches R at the ray time plus GD's lag (lr/2) ln(g(R)/g(eps)); from a random direction it is slower", () => {
    const d = 6;
    const n = 40;
    const { x, y } = task(S.Rng.seed(7), d, n);
    const L = 3;
    const shape = mlpShape([d, 10, 10, 1]);
    const dir = escapeDirection(shape, x, y, n, S.Rng.seed(11), { restarts: 2, maxIters: 3000 });
    const s = dir.speed;
    const m = dir.outputSquare;
    const eps = 0.2;
    const R = 1;
    const lr = blowUpTime(eps, L, s) / 200;
    const hit = (th: Float64Array): number => {
      const g = new Float64Array(shape.size);
      let prev = norm2(th);
      for (let k = 0; k < 1e6; k++) {
        mseLoss(shape, th, x, y, n, g);
        for (let i = 0; i < th.length; i++) th[i] -= lr * g[i];
        const rho = norm2(th);
        if (rho >= R) return (k + (R - prev) / (rho - prev)) * lr;
        prev = rho;
      }
      return NaN;
    };
    const gfun = (r: number) => L * r ** (L - 1) * (s - m * r ** L);
    const predicted = rayEscapeTime(eps, R, L, s, m) + (lr / 2) * Math.log(gfun(R) / gfun(eps));
    const aligned = hit(dir.u.map((v) => v * eps));
    // What is left is second order in lr plus the ray's own drift (u* is a critical ray of s, not of
    // the O(rho^2L) term): measured -3.5e-4 relative, lr-independent from lr = T/100 to T/1000.
    expect(Math.abs(aligned - predicted)).toBeLessThan(1e-3 * predicted);
    // the lag term matters: without it the error is ~20x larger
    expect(Math.abs(aligned - rayEscapeTime(eps, R, L, s, m))).toBeGreaterThan(5e-3 * predicted);
    const random = hit(randomDirection(shape, S.Rng.seed(12)).map((v) => v * eps));
    expect(random).toBeGreaterThan(rayEscapeTime(eps, R, L, s, 0));
  });
});
