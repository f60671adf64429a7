import type { Tensor } from "../../tensor/tensor.js";
import { type Tree, treeToVector, vectorToTree } from "../../tree.js";
import { valueAndGrad } from "../../autodiff/transforms.js";

/** n output times spaced evenly in log between t0 > 0 and t1 (a log-spaced grid for dense output). */
export function logTimes(t0: number, t1: number, n: number): number[] {
  if (!(t0 > 0 && t1 > t0 && n >= 2)) throw new RangeError(`logTimes needs 0 < t0 < t1 and n >= 2, got t0=${t0}, t1=${t1}, n=${n}`);
  return Array.from({ length: n }, (_, i) => t0 * (t1 / t0) ** (i / (n - 1)));
}

/** Right-hand side dy/dt = f(t, y) of an ODE on a flat state vector. */
export type OdeFn = (t: number, y: Float64Array) => Float64Array;

/** An event: integration records the time where `fn` crosses zero; `terminal` stops there. */
export interface OdeEvent {
  name: string;
  fn: (t: number, y: Float64Array) => number;
  /** +1: only upward crossings; -1: only downward; 0 (default): both. */
  direction?: number;
  terminal?: boolean;
}

export interface OdeOptions {
  rtol?: number;
  atol?: number;
  /** Output times (ascending, within [t0, t1]); dense output by cubic Hermite interpolation. */
  times?: readonly number[];
  events?: readonly OdeEvent[];
  /** Initial step (default from a standard heuristic). */
  h0?: number;
  maxSteps?: number;
  /** Largest step allowed. */
  hmax?: number;
}

export interface OdeResult {
  /** The requested output times and the states there. */
  t: number[];
  y: Float64Array[];
  /** Final time reached and state there. */
  tEnd: number;
  yEnd: Float64Array;
  /** Events found, in time order. */
  events: { name: string; t: number; y: Float64Array }[];
  /** Right-hand-side evaluations, accepted and rejected steps. */
  nfev: number;
  accepted: number;
  rejected: number;
  /** Why integration stopped early (a terminal event), if it did. */
  stoppedBy?: string;
}

// Dormand & Prince (1980) 5(4) tableau.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** 5th-order weights minus the embedded 4th-order ones. */
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Cubic Hermite interpolation between (t0, y0, f0) and (t0 + h, y1, f1) at fraction th. */
function hermite(y0: Float64Array, y1: Float64Array, f0: Float64Array, f1: Float64Array, h: number, th: number): Float64Array {
  const out = new Float64Array(y0.length);
  const h00 = (1 + 2 * th) * (1 - th) ** 2;
  const h10 = th * (1 - th) ** 2;
  const h01 = th * th * (3 - 2 * th);
  const h11 = th * th * (th - 1);
  for (let i = 0; i < out.length; i++) out[i] = h00 * y0[i] + h10 * h * f0[i] + h01 * y1[i] + h11 * h * f1[i];
  return out;
}

/**
 * Adaptive Dormand-Prince RK45 (FSAL, error per component scaled by atol + rtol |y|, step factor
 * 0.9 err^(-1/5) clamped to [0.2, 10]) from t0 to t1, with dense output at `times` and event
 * location by bisection on the interpolant.
 */
export function dopri5(f: OdeFn, t0: number, y0: Float64Array, t1: number, opts: OdeOptions = {}): OdeResult {
  const { rtol = 1e-8, atol = 1e-10, times = [], events = [], maxSteps = 1_000_000, hmax = Infinity } = opts;
  if (!(t1 >= t0)) throw new RangeError(`dopri5: t1 (${t1}) must be >= t0 (${t0})`);
  for (let i = 1; i < times.length; i++) if (times[i] < times[i - 1]) throw new RangeError("dopri5: output times must be ascending");
  const n = y0.length;
  let t = t0;
  let y = Float64Array.from(y0);
  let fy = f(t, y);
  let nfev = 1;
  const out: OdeResult = { t: [], y: [], tEnd: t0, yEnd: y, events: [], nfev: 0, accepted: 0, rejected: 0 };
  let ti = 0;
  while (ti < times.length && times[ti] <= t0) {
    out.t.push(times[ti]);
    out.y.push(Float64Array.from(y));
    ti++;
  }
  let h = opts.h0 ?? initialStep(f, t, y, fy, rtol, atol, () => nfev++);
  const ks: Float64Array[] = new Array(7);
  const tmp = new Float64Array(n);
  let evPrev = events.map((e) => e.fn(t, y));
  while (t < t1) {
    if (out.accepted + out.rejected >= maxSteps) throw new Error(`dopri5: more than ${maxSteps} steps before t = ${t1} (reached t = ${t})`);
    h = Math.min(h, hmax, t1 - t);
    ks[0] = fy;
    for (let s = 1; s < 7; s++) {
      for (let i = 0; i < n; i++) {
        let acc = y[i];
        const row = A[s];
        for (let j = 0; j < s; j++) acc += h * row[j] * ks[j][i];
        tmp[i] = acc;
      }
      ks[s] = f(t + C[s] * h, Float64Array.from(tmp));
      nfev++;
    }
    const yNew = Float64Array.from(tmp); // stage 7 input is the 5th-order solution
    let err = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let s = 0; s < 7; s++) e += E[s] * ks[s][i];
      const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
      err += (h * e / sc) ** 2;
    }
    err = Math.sqrt(err / Math.max(n, 1));
    if (!Number.isFinite(err)) {
      h *= 0.1;
      out.rejected++;
      if (h < 1e-300) throw new Error(`dopri5: step size underflow at t = ${t} (non-finite derivative)`);
      continue;
    }
    if (err <= 1) {
      const tNew = t + h;
      const fNew = ks[6];
      while (ti < times.length && times[ti] <= tNew) {
        out.t.push(times[ti]);
        out.y.push(hermite(y, yNew, fy, fNew, h, (times[ti] - t) / h));
        ti++;
      }
      let stop: { name: string; t: number; y: Float64Array } | null = null;
      events.forEach((ev, k) => {
        const v = ev.fn(tNew, yNew);
        const a = evPrev[k];
        const dir = ev.direction ?? 0;
        const crossed = (a < 0 && v >= 0 && dir >= 0) || (a > 0 && v <= 0 && dir <= 0);
        if (crossed) {
          let lo = 0;
          let hi = 1;
          for (let it = 0; it < 60; it++) {
            const mid = 0.5 * (lo + hi);
            const vm = ev.fn(t + mid * h, hermite(y, yNew, fy, fNew, h, mid));
            if ((a < 0 && vm < 0) || (a > 0 && vm > 0)) lo = mid;
            else hi = mid;
          }
          const te = t + hi * h;
          const hit = { name: ev.name, t: te, y: hermite(y, yNew, fy, fNew, h, hi) };
          out.events.push(hit);
          if (ev.terminal && (stop === null || te < stop.t)) stop = hit;
        }
        evPrev[k] = v;
      });
      out.accepted++;
      t = tNew;
      y = yNew;
      fy = fNew;
      if (stop !== null) {
        const s = stop as { name: string; t: number; y: Float64Array };
        out.stoppedBy = s.name;
        out.tEnd = s.t;
        out.yEnd = s.y;
        out.nfev = nfev;
        return out;
      }
    } else {
      out.rejected++;
    }
    h *= Math.min(10, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-10), -0.2)));
  }
  out.tEnd = t;
  out.yEnd = y;
  out.nfev = nfev;
  evPrev = [];
  return out;
}

/** Hairer, Norsett & Wanner's starting-step heuristic. */
function initialStep(f: OdeFn, t: number, y: Float64Array, fy: Float64Array, rtol: number, atol: number, count: () => void): number {
  const n = y.length;
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol + rtol * Math.abs(y[i]);
    d0 += (y[i] / sc) ** 2;
    d1 += (fy[i] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / Math.max(n, 1));
  d1 = Math.sqrt(d1 / Math.max(n, 1));
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  const y1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y[i] + h0 * fy[i];
  const f1 = f(t + h0, y1);
  count();
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += ((f1[i] - fy[i]) / (atol + rtol * Math.abs(y[i]))) ** 2;
  d2 = Math.sqrt(d2 / Math.max(n, 1)) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  return Math.min(100 * h0, h1);
}

export interface GradientFlowOptions extends Omit<OdeOptions, "events"> {
  /** Stop (and record) when the loss falls below this level. */
  stopBelow?: number;
  /** Record the times where the loss crosses these levels downward. */
  lossLevels?: readonly number[];
}

export interface GradientFlowResult<T extends Tree> {
  times: number[];
  losses: number[];
  params: T[];
  final: T;
  tEnd: number;
  /** Times where the loss first crossed each requested level (NaN if never). */
  crossings: { level: number; t: number }[];
  /** Gradient evaluations used (one per right-hand-side evaluation). */
  gradEvals: number;
  accepted: number;
  rejected: number;
}

/**
 * Gradient flow d theta / dt = -grad L(theta) on a parameter tree, integrated by adaptive RK45
 * (Saddle's time convention: t is the gradient-flow time; GD with rate lr reaches t = lr * step).
 * Returns the loss and parameters at the requested `times` (dense output) and the crossing times
 * of `lossLevels`.
 */
export function gradientFlow<T extends Tree>(loss: (p: T) => Tensor, params: T, t1: number, opts: GradientFlowOptions = {}): GradientFlowResult<T> {
  const vg = valueAndGrad(loss);
  let evals = 0;
  const lossAt = (y: Float64Array) => loss(vectorToTree(y, params)).item();
  const rhs: OdeFn = (_t, y) => {
    evals++;
    const [, g] = vg(vectorToTree(y, params));
    const v = treeToVector(g);
    for (let i = 0; i < v.length; i++) v[i] = -v[i];
    return v;
  };
  const events: OdeEvent[] = (opts.lossLevels ?? []).map((level, i) => ({ name: `level${i}`, fn: (_t, y) => lossAt(y) - level, direction: -1 }));
  if (opts.stopBelow !== undefined) {
    const lvl = opts.stopBelow;
    events.push({ name: "stop", fn: (_t, y) => lossAt(y) - lvl, direction: -1, terminal: true });
  }
  const res = dopri5(rhs, 0, treeToVector(params), t1, { ...opts, events });
  const crossings = (opts.lossLevels ?? []).map((level, i) => ({ level, t: res.events.find((e) => e.name === `level${i}`)?.t ?? NaN }));
  const ps = res.y.map((y) => vectorToTree(y, params));
  return {
    times: res.t,
    losses: res.y.map(lossAt),
    params: ps,
    final: vectorToTree(res.yEnd, params),
    tEnd: res.tEnd,
    crossings,
    gradEvals: evals,
    accepted: res.accepted,
    rejected: res.rejected,
  };
}
