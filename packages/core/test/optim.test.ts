import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Tensor, type GradientTransformation, type Tree } from "@saddle/core";

type P = { x: Tensor };
type Opt = GradientTransformation<unknown>;

// Parabola 1/2 (x0 - 1)^2 + 5 (x1 + 2)^2 (condition number 10), minimum (1, -2);
// Rosenbrock (1 - a)^2 + 100 (b - a^2)^2, minimum (1, 1), from the classic start (-1.2, 1).
const parabola = (p: P) => S.mul(S.sum(S.mul(S.tensor([1, 10]), S.square(S.sub(p.x, S.tensor([1, -2]))))), 0.5);
const rosenbrock = (p: P) => {
  const a = S.slice(p.x, [[0, 1]]);
  const b = S.slice(p.x, [[1, 2]]);
  return S.sum(S.add(S.square(S.sub(1, a)), S.mul(S.square(S.sub(b, S.square(a))), 100)));
};

/** Runs `steps` updates; returns the final iterate and the closest any iterate came to `target`. */
function run(opt: Opt, f: (p: P) => Tensor, x0: number[], steps: number, target: number[]): { x: number[]; closest: number } {
  let p: P = { x: S.tensor(x0) };
  let state = opt.init(p);
  const vg = S.valueAndGrad(f);
  let closest = Infinity;
  for (let i = 0; i < steps; i++) {
    const [loss, g] = vg(p);
    const [u, s] = opt.update(g, state, p, { loss: loss.item() });
    state = s;
    p = S.applyUpdates(p, u);
    closest = Math.min(closest, Math.hypot(p.x.data[0] - target[0], p.x.data[1] - target[1]));
  }
  return { x: Array.from(p.x.data), closest };
}

interface OptRow {
  name: string;
  parabola: () => Opt;
  rosen: () => Opt;
  steps: number;
  rosenSteps: number;
  /** Distance to the minimum required of the final iterate (or, for `closest`, of the best one). */
  tol: number;
  rosenTol: number;
  /** ECD conserves energy and never stops: judge the closest iterate, not the last. */
  closest?: boolean;
}

/** One row per optimizer (a new row adds a case). */
const ROWS: OptRow[] = [
  { name: "gd", parabola: () => S.gd(0.09), rosen: () => S.gd(1.5e-3), steps: 400, rosenSteps: 20000, tol: 1e-3, rosenTol: 5e-2 },
  { name: "gd + cosine decay", parabola: () => S.gd(S.cosineDecay(0.09, 400, 0.1)), rosen: () => S.gd(S.warmupCosineDecay(1.5e-3, 100, 20000, 0.5)), steps: 400, rosenSteps: 20000, tol: 1e-3, rosenTol: 5e-2 },
  { name: "heavy-ball momentum", parabola: () => S.momentum(0.02, 0.9), rosen: () => S.momentum(1e-3, 0.9), steps: 400, rosenSteps: 8000, tol: 1e-3, rosenTol: 1e-2 },
  { name: "nesterov", parabola: () => S.nesterov(0.02, 0.9), rosen: () => S.nesterov(1e-3, 0.9), steps: 400, rosenSteps: 8000, tol: 1e-3, rosenTol: 1e-2 },
  { name: "adam", parabola: () => S.adam(0.05), rosen: () => S.adam(0.05), steps: 2000, rosenSteps: 5000, tol: 1e-3, rosenTol: 1e-2 },
  { name: "adamw (wd 0)", parabola: () => S.adamw(0.05, { wd: 0 }), rosen: () => S.adamw(0.05, { wd: 0 }), steps: 2000, rosenSteps: 5000, tol: 1e-3, rosenTol: 1e-2 },
  { name: "rmsprop + exponential decay", parabola: () => S.rmsprop(S.exponentialDecay(0.01, 0.1, 2000)), rosen: () => S.rmsprop(S.exponentialDecay(0.01, 0.1, 2000)), steps: 2000, rosenSteps: 5000, tol: 1e-3, rosenTol: 5e-2 },
  { name: "soap", parabola: () => S.soap(0.05, { b1: 0.9, b2: 0.999 }), rosen: () => S.soap(0.05, { b1: 0.9, b2: 0.999 }), steps: 2000, rosenSteps: 5000, tol: 1e-3, rosenTol: 1e-2 },
  { name: "clip + gd", parabola: () => S.chain(S.clipByGlobalNorm(1), S.scaleByLearningRate(0.05)), rosen: () => S.chain(S.clipByGlobalNorm(1), S.scaleByLearningRate(1.5e-3)), steps: 1000, rosenSteps: 20000, tol: 1e-3, rosenTol: 5e-2 },
  { name: "ecd", parabola: () => S.ecd({ lr: 0.01, eta: 10, f0: -0.01 }), rosen: () => S.ecd({ lr: 0.01, eta: 10, f0: -0.01 }), steps: 3000, rosenSteps: 3000, tol: 1e-3, rosenTol: 5e-3, closest: true },
  { name: "ecd per-tensor", parabola: () => S.ecd({ lr: 0.01, eta: 10, f0: -0.01, projection: "per-tensor" }), rosen: () => S.ecd({ lr: 0.01, eta: 10, f0: -0.01, projection: "per-tensor" }), steps: 3000, rosenSteps: 3000, tol: 1e-3, rosenTol: 5e-3, closest: true },
];

describe("optimizers: parabola and Rosenbrock", () => {
  for (const row of ROWS) {
    it(`${row.name} reaches the parabola's minimum (1, -2)`, () => {
      const r = run(row.parabola(), parabola, [-3, 4], row.steps, [1, -2]);
      const dist = row.closest ? r.closest : Math.hypot(r.x[0] - 1, r.x[1] + 2);
      expect(dist).toBeLessThan(row.tol);
    });
    it(`${row.name} reaches Rosenbrock's minimum (1, 1)`, () => {
      const r = run(row.rosen(), rosenbrock, [-1.2, 1], row.rosenSteps, [1, 1]);
      const dist = row.closest ? r.closest : Math.hypot(r.x[0] - 1, r.x[1] - 1);
      expect(dist).toBeLessThan(row.rosenTol);
    });
  }

  it("soap's matrix path (rotated Adam) solves a matrix least-squares problem", () => {
    // L(W) = 1/2 |A W - C|_F^2 with W (3, 2), C = A W*: minimum W*.
    const rng = S.Rng.seed(11);
    const A = S.normal(rng, [6, 3]);
    const wStar = S.normal(rng, [3, 2]);
    const C = S.matmul(A, wStar);
    const f = (p: { w: Tensor }) => S.mul(S.sum(S.square(S.sub(S.matmul(A, p.w), C))), 0.5);
    const opt = S.soap(0.02, { b1: 0.9, b2: 0.999, precondFrequency: 5 });
    let p = { w: S.zeros([3, 2]) };
    let st = opt.init(p);
    const vg = S.valueAndGrad(f);
    for (let i = 0; i < 3000; i++) {
      const [, g] = vg(p);
      const [u, next] = opt.update(g, st, p);
      p = S.applyUpdates(p, u);
      st = next;
    }
    const soapState = (st as unknown[])[0] as S.SoapState;
    expect(soapState.leaves[0].qLeft?.shape).toEqual([3, 3]);
    expect(soapState.leaves[0].qRight?.shape).toEqual([2, 2]);
    for (let i = 0; i < 6; i++) expect(Math.abs(p.w.data[i] - wStar.data[i])).toBeLessThan(1e-3);
  });
});

describe("optimizers: hand-computed first steps", () => {
  const g = { x: S.tensor([0.5, -2]) };
  const p = { x: S.tensor([1, 1]) };
  const first = (opt: Opt, loss = 1) => Array.from((S.applyUpdates(p, opt.update(g, opt.init(p), p, { loss })[0]) as P).x.data);
  const two = (opt: Opt, g2: P) => {
    const [u1, s1] = opt.update(g, opt.init(p), p, { loss: 1 });
    const p1 = S.applyUpdates(p, u1);
    return Array.from((S.applyUpdates(p1, opt.update(g2, s1, p1, { loss: 1 })[0]) as P).x.data);
  };

  it("GD: theta - lr g", () => {
    expect(first(S.gd(0.1))).toEqual([1 - 0.05, 1 + 0.2]);
  });

  it("SGD with momentum and coupled weight decay: v = g + wd theta, theta - lr v", () => {
    const x = first(S.sgd(0.1, { momentum: 0.9, wd: 0.1 }));
    expect(x[0]).toBeCloseTo(1 - 0.1 * 0.6, 15);
    expect(x[1]).toBeCloseTo(1 - 0.1 * -1.9, 15);
  });

  it("heavy ball and Nesterov: two steps by hand", () => {
    // Step 1: v1 = g1. Step 2 with g2: v2 = beta v1 + g2; heavy ball subtracts lr v2,
    // Nesterov subtracts lr (g2 + beta v2).
    const g2 = { x: S.tensor([1, 3]) };
    const lr = 0.1;
    const beta = 0.5;
    const hb = two(S.momentum(lr, beta), g2);
    const nv = two(S.nesterov(lr, beta), g2);
    const v2 = [beta * 0.5 + 1, beta * -2 + 3];
    // Nesterov's first step already subtracts lr (g1 + beta g1).
    expect(hb[0]).toBeCloseTo(1 - lr * 0.5 - lr * v2[0], 15);
    expect(hb[1]).toBeCloseTo(1 + lr * 2 - lr * v2[1], 15);
    expect(nv[0]).toBeCloseTo(1 - lr * 0.5 * (1 + beta) - lr * (1 + beta * v2[0]), 15);
    expect(nv[1]).toBeCloseTo(1 + lr * 2 * (1 + beta) - lr * (3 + beta * v2[1]), 15);
  });

  it("Adam: m_hat = g, v_hat = g^2 at step 1, so theta - lr g / (|g| + eps)", () => {
    const x = first(S.adam(0.01, { eps: 1e-8 }));
    expect(x[0]).toBeCloseTo(1 - 0.01 * (0.5 / (0.5 + 1e-8)), 15);
    expect(x[1]).toBeCloseTo(1 + 0.01 * (2 / (2 + 1e-8)), 15);
  });

  it("AdamW: first step is theta - lr (g/(|g| + eps) + wd theta)", () => {
    const x = first(S.adamw(0.01, { wd: 0.1, eps: 1e-8 }));
    expect(x[0]).toBeCloseTo(1 - 0.01 * (0.5 / (0.5 + 1e-8) + 0.1), 15);
    expect(x[1]).toBeCloseTo(1 - 0.01 * (-2 / (2 + 1e-8) + 0.1), 15);
  });

  it("RMSProp: v = (1 - decay) g^2, so theta - lr g / (sqrt(1 - decay) |g| + eps)", () => {
    const x = first(S.rmsprop(0.01, { decay: 0.9, eps: 1e-8 }));
    expect(x[0]).toBeCloseTo(1 - (0.01 * 0.5) / (Math.sqrt(0.1) * 0.5 + 1e-8), 15);
    expect(x[1]).toBeCloseTo(1 + (0.01 * 2) / (Math.sqrt(0.1) * 2 + 1e-8), 15);
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
    for (let i = 0; i < 4; i++) expect(Math.abs(got.data[i] - expected.data[i])).toBeLessThan(1e-8);
  });

  it("ECD: first velocity -g/|g| (the kick vanishes along g), then a hand-computed kick", () => {
    const lr = 0.5;
    const eta = 4;
    const f0 = -1;
    const opt = S.ecd({ lr, eta, f0 });
    const dt = lr / Math.sqrt(eta);
    const gn = Math.hypot(0.5, -2);
    const [u1, s1] = opt.update(g, opt.init(p), p, { loss: 2 });
    const step1 = Array.from((u1 as P).x.data);
    expect(step1[0]).toBeCloseTo((dt * -0.5) / gn, 15);
    expect(step1[1]).toBeCloseTo((dt * 2) / gn, 15);
    // Step 2 with gradient g2 = (1, 0) and loss 0.5: p = (-0.5, 2)/|g|, c = dt eta d / (2 (d - 1)) / (F - F0).
    const p1 = [-0.5 / gn, 2 / gn];
    const g2 = [1, 0];
    const c = (dt * eta * 2) / 2 / (0.5 - f0);
    const pg = p1[0] * g2[0] + p1[1] * g2[1];
    const pPlus = [p1[0] - c * (g2[0] - p1[0] * pg), p1[1] - c * (g2[1] - p1[1] * pg)];
    const [u2] = opt.update({ x: S.tensor(g2) }, s1, p, { loss: 0.5 });
    expect((u2 as P).x.data[0]).toBeCloseTo(dt * pPlus[0], 15);
    expect((u2 as P).x.data[1]).toBeCloseTo(dt * pPlus[1], 15);
    expect(() => opt.update(g, opt.init(p), p)).toThrow(/needs the loss value/);
    expect(() => opt.update(g, opt.init(p), p, { loss: -2 })).toThrow(/F - F0 = -1 must be > 0/);
  });
});

describe("ECD conservation (f64, 1000 steps on Rosenbrock with the random bounce on)", () => {
  it("conserves p.p+ = 1 exactly (|dtheta/dt|^2 - |p+ - p|^2 = 1) and reports the continuous-time energy drift", () => {
    const lr = 0.01;
    const eta = 10;
    const dt = lr / Math.sqrt(eta);
    const opt = S.ecd({ lr, eta, f0: -1, nu: 0.3, seed: 4 });
    let params: P = { x: S.tensor([-1.2, 1]) };
    let state = opt.init(params);
    const vg = S.valueAndGrad(rosenbrock);
    let worstInvariant = 0;
    let worstPythagoras = 0;
    let worstBounce = 0;
    let maxEnergyExcess = 0;
    let sumEnergyExcess = 0;
    const losses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const [loss, gr] = vg(params);
      losses.push(loss.item());
      const before = (state as S.EcdState).p;
      const [u, s] = opt.update(gr, state, params, { loss: loss.item() });
      state = s;
      const v = Array.from((u as P).x.data, (x) => x / dt); // p+ = dtheta / dt
      const speed2 = v[0] ** 2 + v[1] ** 2;
      if (i > 0) {
        const n = Math.hypot(before[0], before[1]);
        const pHat = [before[0] / n, before[1] / n]; // the step's normalised start velocity
        worstInvariant = Math.max(worstInvariant, Math.abs(pHat[0] * v[0] + pHat[1] * v[1] - 1));
        const kick2 = (v[0] - pHat[0]) ** 2 + (v[1] - pHat[1]) ** 2;
        worstPythagoras = Math.max(worstPythagoras, Math.abs(speed2 - kick2 - 1));
      }
      const after = (state as S.EcdState).p;
      worstBounce = Math.max(worstBounce, Math.abs(Math.hypot(after[0], after[1]) - Math.sqrt(speed2)));
      maxEnergyExcess = Math.max(maxEnergyExcess, speed2 - 1);
      sumEnergyExcess += speed2 - 1;
      params = S.applyUpdates(params, u);
    }
    expect(worstInvariant).toBeLessThan(1e-12);
    expect(worstPythagoras).toBeLessThan(1e-12);
    expect(worstBounce).toBeLessThan(1e-12);
    // Reported, not asserted away: the continuous-time energy |dtheta/dt|^2 along the iterates
    // exceeds 1 by |p+ - p|^2 = O(dt^2) per step; without the renormalisation it accumulates.
    const free = S.ecd({ lr, eta, f0: -1, conserveEnergy: false });
    let fp: P = { x: S.tensor([-1.2, 1]) };
    let fs = free.init(fp);
    const freeSpeed: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const [loss, gr] = vg(fp);
      if (!Number.isFinite(loss.item())) break;
      const [u, s] = free.update(gr, fs, fp, { loss: loss.item() });
      fs = s;
      fp = S.applyUpdates(fp, u);
      freeSpeed.push(Math.hypot(...(fs as S.EcdState).p));
    }
    const at = (k: number) => (freeSpeed[k] ?? NaN).toPrecision(6);
    console.info(
      `ECD (dt = ${dt.toExponential(3)}): invariant p.p+ = 1 held to ${worstInvariant.toExponential(2)}; continuous-time energy |dtheta/dt|^2 - 1: max ${maxEnergyExcess.toExponential(3)}, mean ${(sumEnergyExcess / 1000).toExponential(3)} per step; without renormalisation |p| = ${at(9)}, ${at(99)}, ${at(freeSpeed.length - 1)} after 10, 100, ${freeSpeed.length} steps${freeSpeed.length < 1000 ? " (then the loss overflowed)" : ""}; loss ${losses[0].toFixed(3)} -> min ${Math.min(...losses).toExponential(3)}`,
    );
    expect(maxEnergyExcess).toBeGreaterThan(0); // the drift exists and is reported
    expect(Math.min(...losses)).toBeLessThan(0.25 * losses[0]);
  });
});

describe("optimizer state is plain, inspectable, checkpointable data", () => {
  it("adam state holds count, mu and nu trees", () => {
    const opt = S.adam(0.1);
    const p: Tree = { w: S.tensor([1, 2]) };
    const [, st] = opt.update({ w: S.tensor([1, 1]) }, opt.init(p), p);
    const adamState = (st as unknown[])[0] as S.AdamState;
    expect(adamState.count).toBe(1);
    for (const v of (adamState.mu as { w: Tensor }).w.data) expect(v).toBeCloseTo(0.1, 15);
    for (const v of (adamState.nu as { w: Tensor }).w.data) expect(v).toBeCloseTo(1e-3, 15);
  });

  const RESUMABLE: { name: string; make: () => Opt }[] = [
    { name: "adamw", make: () => S.adamw(0.05, { wd: 0.01 }) },
    { name: "nesterov + schedule", make: () => S.nesterov(S.warmup(0.01, 5), 0.9) },
    { name: "soap", make: () => S.soap(0.02, { precondFrequency: 3 }) },
    { name: "ecd with bounce", make: () => S.ecd({ lr: 0.01, eta: 10, f0: -1, nu: 0.2, seed: 3 }) },
  ];
  for (const { name, make } of RESUMABLE) {
    it(`${name}: a state serialised mid-run and restored continues bit for bit`, () => {
      const f = (p: { w: Tensor; b: Tensor }) => S.add(S.sum(S.square(S.sub(S.matmul(S.tensor([[1, 2], [0, 1], [1, -1]]), p.w), 1))), S.sum(S.square(p.b)));
      const vg = S.valueAndGrad(f);
      const stepN = (opt: Opt, p: { w: Tensor; b: Tensor }, s: unknown, n: number): [{ w: Tensor; b: Tensor }, unknown] => {
        for (let i = 0; i < n; i++) {
          const [l, g] = vg(p);
          const [u, ns] = opt.update(g, s, p, { loss: l.item() });
          p = S.applyUpdates(p, u);
          s = ns;
        }
        return [p, s];
      };
      const p0 = { w: S.tensor([[0.3, -0.2], [0.1, 0.4]]), b: S.tensor([0.5, -0.5]) };
      const opt = make();
      const [pMid, sMid] = stepN(opt, p0, opt.init(p0), 7);
      const [pEnd] = stepN(opt, pMid, sMid, 7);
      const restored = S.deserializeState(S.serializeState({ p: pMid, s: sMid })) as { p: typeof p0; s: unknown };
      const opt2 = make();
      const [pEnd2] = stepN(opt2, restored.p, restored.s, 7);
      expect(Array.from(pEnd2.w.data)).toEqual(Array.from(pEnd.w.data));
      expect(Array.from(pEnd2.b.data)).toEqual(Array.from(pEnd.b.data));
    });
  }

  it("keeps float32 parameters float32", () => {
    const p = { w: S.tensor([1, 2], undefined, "f32") };
    for (const opt of [S.gd(0.1), S.adam(0.1), S.momentum(0.1)] as Opt[]) {
      const [u] = opt.update({ w: S.tensor([1, 1], undefined, "f32") }, opt.init(p), p);
      expect(S.applyUpdates(p, u).w.dtype).toBe("f32");
    }
  });

  it("never mutates the gradients, parameters or old state", () => {
    const p = { w: S.tensor([1, 2]) };
    const g = { w: S.tensor([0.5, -1]) };
    const opt = S.adam(0.1);
    const s0 = opt.init(p);
    const [u] = opt.update(g, s0, p);
    S.applyUpdates(p, u);
    expect(Array.from(p.w.data)).toEqual([1, 2]);
    expect(Array.from(g.w.data)).toEqual([0.5, -1]);
    expect(Array.from((((s0 as unknown[])[0] as S.AdamState).mu as { w: Tensor }).w.data)).toEqual([0, 0]);
  });
});

describe("schedules", () => {
  const TABLE: { name: string; s: S.Schedule; at: [number, number][] }[] = [
    { name: "linear", s: S.linearSchedule(1, 0, 10), at: [[0, 1], [5, 0.5], [10, 0], [20, 0]] },
    { name: "warmup", s: S.warmup(2, 4), at: [[0, 0.5], [3, 2], [100, 2]] },
    { name: "cosine", s: S.cosineDecay(1, 10, 0.1), at: [[0, 1], [5, 0.55], [10, 0.1], [11, 0.1]] },
    { name: "warmup + cosine", s: S.warmupCosineDecay(1, 2, 10), at: [[0, 0.5], [1, 1], [2, 1], [7, 0.5], [12, 0]] },
    { name: "step", s: S.stepDecay(1, 0.5, 3), at: [[2, 1], [3, 0.5], [6, 0.25]] },
    { name: "exponential", s: S.exponentialDecay(1, 0.1, 10), at: [[10, 0.1], [20, 0.01]] },
  ];
  for (const row of TABLE) {
    it(`${row.name} takes the stated values`, () => {
      for (const [k, v] of row.at) expect(row.s(k)).toBeCloseTo(v, 14);
    });
  }
});

describe("bad input is rejected with a clear error", () => {
  const CASES: [string, () => unknown, RegExp][] = [
    ["momentum decay 1", () => S.trace({ decay: 1 }), /momentum decay must be in \[0, 1\), got 1/],
    ["maxNorm 0", () => S.clipByGlobalNorm(0), /maxNorm must be > 0, got 0/],
    ["ecd lr < 0", () => S.ecd({ lr: -1 }), /ecd lr must be > 0, got -1/],
    ["ecd projection unknown", () => S.ecd({ lr: 1, projection: "per-layer" as "global" }), /ecd projection must be "global" or "per-tensor", got per-layer/],
    ["negative learning rate", () => S.gd(-0.1), /learning rate must be a finite number >= 0, got -0.1/],
    ["adam b2 = 1", () => S.adam(0.1, { b2: 1 }), /adam b2 must be in \[0, 1\), got 1/],
    ["soap precondFrequency 0", () => S.soap(0.1, { precondFrequency: 0 }), /soap precondFrequency must be a positive integer, got 0/],
    ["nesterov without momentum", () => S.sgd(0.1, { nesterov: true }), /nesterov needs momentum > 0/],
    ["cosine over 0 steps", () => S.cosineDecay(1, 0), /decaySteps must be a positive integer, got 0/],
    ["state of other params", () => S.adam(0.1).update({ w: S.zeros([3]) }, S.adam(0.1).init({ w: S.zeros([2]) })), /adam mu leaf 0 has 2 entries but the gradient leaf has 3/],
    ["decoupled decay without params", () => S.adamw(0.1).update({ w: S.ones([2]) }, S.adamw(0.1).init({ w: S.ones([2]) })), /addDecayedWeights needs the parameters/],
  ];
  for (const [name, fn, msg] of CASES) it(name, () => expect(fn).toThrow(msg));
});
