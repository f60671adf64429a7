import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Tensor, type GradientTransformation, type Tree } from "@saddle/core";

type P = { x: Tensor };
const parabola = (p: P) => S.mul(S.sum(S.mul(S.tensor([1, 10]), S.square(S.sub(p.x, S.tensor([1, -2]))))), 0.5);
const rosenbrock = (p: P) => {
  const a = S.slice(p.x, [[0, 1]]);
  const b = S.slice(p.x, [[1, 2]]);
  return S.sum(S.add(S.square(S.sub(1, a)), S.mul(S.square(S.sub(b, S.square(a))), 100)));
};

function run(opt: GradientTransformation<unknown>, f: (p: P) => Tensor, x0: number[], steps: number): number[] {
  let p: P = { x: S.tensor(x0) };
  let state = opt.init(p);
  const vg = S.valueAndGrad(f);
  for (let i = 0; i < steps; i++) {
    const [loss, g] = vg(p);
    const [u, s] = opt.update(g, state, p, { loss: loss.item() });
    state = s;
    p = S.applyUpdates(p, u);
  }
  return Array.from(p.x.data);
}

/** One row per optimizer: a parabola (minimum (1, -2)) and Rosenbrock (minimum (1, 1)). */
const ROWS: { name: string; parabola: () => GradientTransformation<unknown>; rosen: () => GradientTransformation<unknown>; steps: number; rosenSteps: number; rosenTol: number }[] = [
  { name: "gd", parabola: () => S.gd(0.09), rosen: () => S.gd(1.5e-3), steps: 400, rosenSteps: 30000, rosenTol: 5e-2 },
  { name: "sgd momentum", parabola: () => S.sgd(0.02, { momentum: 0.9 }), rosen: () => S.sgd(1e-3, { momentum: 0.9 }), steps: 400, rosenSteps: 8000, rosenTol: 1e-2 },
  { name: "sgd nesterov", parabola: () => S.sgd(0.02, { momentum: 0.9, nesterov: true }), rosen: () => S.sgd(1e-3, { momentum: 0.9, nesterov: true }), steps: 400, rosenSteps: 8000, rosenTol: 1e-2 },
  { name: "adam", parabola: () => S.adam(0.05), rosen: () => S.adam(0.05), steps: 2000, rosenSteps: 5000, rosenTol: 1e-2 },
  { name: "adamw (wd 0)", parabola: () => S.adamw(0.05, { wd: 0 }), rosen: () => S.adamw(0.05, { wd: 0 }), steps: 2000, rosenSteps: 5000, rosenTol: 1e-2 },
  { name: "rmsprop", parabola: () => S.chain(S.scaleByRms({ decay: 0.9 }), S.scaleByLearningRate(S.exponentialDecay(0.01, 0.1, 2000))), rosen: () => S.chain(S.scaleByRms({ decay: 0.9 }), S.scaleByLearningRate(S.exponentialDecay(0.01, 0.1, 2000))), steps: 2000, rosenSteps: 5000, rosenTol: 5e-2 },
  { name: "soap", parabola: () => S.soap(0.05, { b1: 0.9, b2: 0.999 }), rosen: () => S.soap(0.05, { b1: 0.9, b2: 0.999 }), steps: 2000, rosenSteps: 5000, rosenTol: 1e-2 },
  { name: "clip + gd", parabola: () => S.chain(S.clipByGlobalNorm(1), S.scaleByLearningRate(0.05)), rosen: () => S.chain(S.clipByGlobalNorm(1), S.scaleByLearningRate(1.5e-3)), steps: 1000, rosenSteps: 30000, rosenTol: 5e-2 },
];

describe("optimizers: parabola and Rosenbrock", () => {
  for (const row of ROWS) {
    it(`${row.name} reaches the parabola's minimum`, () => {
      const x = run(row.parabola(), parabola, [-3, 4], row.steps);
      expect(Math.abs(x[0] - 1)).toBeLessThan(1e-3);
      expect(Math.abs(x[1] + 2)).toBeLessThan(1e-3);
    });
    it(`${row.name} approaches Rosenbrock's minimum`, () => {
      const x = run(row.rosen(), rosenbrock, [-1.2, 1], row.rosenSteps);
      expect(Math.hypot(x[0] - 1, x[1] - 1)).toBeLessThan(row.rosenTol);
    });
  }
});

describe("optimizers: hand-computed first steps", () => {
  const g = { x: S.tensor([0.5, -2]) };
  const p = { x: S.tensor([1, 1]) };
  const first = (opt: GradientTransformation<unknown>, loss = 1) => Array.from((S.applyUpdates(p, opt.update(g, opt.init(p), p, { loss })[0]) as P).x.data);

  it("SGD with momentum and coupled weight decay", () => {
    // v = g + wd p = (0.5 + 0.1, -2 + 0.1); theta = p - lr v
    const x = first(S.sgd(0.1, { momentum: 0.9, wd: 0.1 }));
    expect(x[0]).toBeCloseTo(1 - 0.1 * 0.6, 15);
    expect(x[1]).toBeCloseTo(1 - 0.1 * -1.9, 15);
  });

  it("AdamW: first step is lr * (sign(g) + wd p)", () => {
    // m_hat = g, v_hat = g^2, direction g/(|g| + eps) ~ sign(g)
    const x = first(S.adamw(0.01, { wd: 0.1, eps: 1e-8 }));
    expect(x[0]).toBeCloseTo(1 - 0.01 * (0.5 / (0.5 + 1e-8) + 0.1), 14);
    expect(x[1]).toBeCloseTo(1 - 0.01 * (-2 / (2 + 1e-8) + 0.1), 14);
  });

  it("SOAP on a vector is Adam: first step lr * sign(g)", () => {
    const x = first(S.soap(0.01, { eps: 1e-12 }));
    expect(x[0]).toBeCloseTo(0.99, 12);
    expect(x[1]).toBeCloseTo(1.01, 12);
  });

  it("SOAP on a matrix: first step is -lr Q_L (G'/(|G'| + eps)) Q_R^T with G' = Q_L^T G Q_R", () => {
    const G = S.tensor([[1, 2], [3, 4]]);
    const W = S.tensor([[0, 0], [0, 0]]);
    const opt = S.soap(0.1, { eps: 1e-8 });
    const [u] = opt.update({ w: G }, opt.init({ w: W }), { w: W });
    const L = S.linalg.eigh(S.matmul(G, S.transpose(G))).vectors;
    const R = S.linalg.eigh(S.matmul(S.transpose(G), G)).vectors;
    const rot = S.matmul(S.matmul(S.transpose(L), G), R);
    const sgn = S.tensor(Array.from(rot.data).map((v) => v / (Math.abs(v) + 1e-8)), [2, 2]);
    const expected = S.mul(S.matmul(S.matmul(L, sgn), S.transpose(R)), -0.1);
    const got = (u as { w: Tensor }).w;
    // G' is diagonal up to round-off (~1e-16); those entries divided by eps = 1e-8 move the result
    // at the 1e-8 level, so agreement is asserted to 1e-8.
    for (let i = 0; i < 4; i++) expect(got.data[i]).toBeCloseTo(expected.data[i], 8);
  });

  it("ECD: first velocity -g/|g|, then the projected kick, step dt p", () => {
    const lr = 0.5;
    const eta = 4;
    const f0 = 0;
    const opt = S.ecd({ lr, eta, f0 });
    const [u] = opt.update(g, opt.init(p), p, { loss: 2 });
    // p0 = -g/|g| is unit and orthogonal-projection of g onto p0's complement is zero, so p = p0.
    const gn = Math.hypot(0.5, -2);
    const dt = lr / Math.sqrt(eta);
    const step = Array.from((u as P).x.data);
    expect(step[0]).toBeCloseTo((dt * -0.5) / gn, 15);
    expect(step[1]).toBeCloseTo((dt * 2) / gn, 15);
    expect(() => opt.update(g, opt.init(p), p)).toThrow(/needs the loss value/);
  });
});

describe("ECD conservation", () => {
  it("the speed |p| = 1 (so |theta_{t+1} - theta_t| = dt) holds to round-off over 1000 steps in f64", () => {
    const opt = S.ecd({ lr: 0.05, eta: 10, f0: -1, nu: 0.3, seed: 4 });
    let params: P = { x: S.tensor([-1.2, 1]) };
    let state = opt.init(params);
    const vg = S.valueAndGrad(rosenbrock);
    const dt = 0.05 / Math.sqrt(10);
    let worst = 0;
    const losses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const [loss, gr] = vg(params);
      losses.push(loss.item());
      const [u, s] = opt.update(gr, state, params, { loss: loss.item() });
      state = s;
      const pNorm = Math.hypot(...(state as S.EcdState).p);
      const speedBefore = Math.hypot(...(u as P).x.data) / dt;
      worst = Math.max(worst, Math.abs(pNorm - speedBefore));
      params = S.applyUpdates(params, u);
    }
    // The bounce preserves |p| exactly; renormalisation then restores |p| = 1 at each step start.
    expect(worst).toBeLessThan(1e-12);
    // Reported, not asserted away: the loss (potential) along the run.
    console.info(`ECD on Rosenbrock: loss ${losses[0].toFixed(3)} -> ${losses[999].toExponential(3)} (min ${Math.min(...losses).toExponential(3)})`);
    expect(Math.min(...losses)).toBeLessThan(losses[0]);
  });
});

describe("optimizer state is plain, inspectable data", () => {
  it("adam state holds count, mu and nu trees", () => {
    const opt = S.adam(0.1);
    const p: Tree = { w: S.tensor([1, 2]) };
    const [, st] = opt.update({ w: S.tensor([1, 1]) }, opt.init(p), p);
    const adamState = (st as unknown[])[0] as S.AdamState;
    expect(adamState.count).toBe(1);
    for (const v of (adamState.mu as { w: Tensor }).w.data) expect(v).toBeCloseTo(0.1, 15);
  });
  it("rejects bad hyper-parameters clearly", () => {
    expect(() => S.trace({ decay: 1 })).toThrow(/momentum decay must be in \[0, 1\), got 1/);
    expect(() => S.clipByGlobalNorm(0)).toThrow(/maxNorm must be > 0/);
    expect(() => S.ecd({ lr: -1 })).toThrow(/ecd lr must be > 0/);
  });
});
