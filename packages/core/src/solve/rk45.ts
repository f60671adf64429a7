/** n output times spaced evenly in log between t0 > 0 and t1 (a log-spaced grid for dense output). */
export function logTimes(t0: number, t1: number, n: number): number[] {
  if (!(t0 > 0 && t1 > t0 && Number.isInteger(n) && n >= 2)) throw new RangeError(`logTimes needs 0 < t0 < t1 and an integer n >= 2, got t0=${t0}, t1=${t1}, n=${n}`);
  const out = Array.from({ length: n }, (_, i) => t0 * (t1 / t0) ** (i / (n - 1)));
  out[n - 1] = t1; // exact end point (the power can miss it by an ulp)
  return out;
}

/** Right-hand side dy/dt = f(t, y) of an ODE on a flat state vector; must return a fresh array. */
export type OdeFn = (t: number, y: Float64Array) => Float64Array;

/** An event: integration records the times where `fn(t, y)` crosses zero; `terminal` stops there. */
export interface OdeEvent {
  name: string;
  fn: (t: number, y: Float64Array) => number;
  /** +1: only upward crossings (- to +); -1: only downward; 0 (default): both. */
  direction?: -1 | 0 | 1;
  terminal?: boolean;
}

export interface OdeOptions {
  /** Relative tolerance of the local error per component. Default 1e-8. */
  rtol?: number;
  /** Absolute tolerance of the local error per component. Default 1e-10. */
  atol?: number;
  /** Output times (ascending, within [t0, t1]): the state there comes from the dense output. */
  times?: readonly number[];
  events?: readonly OdeEvent[];
  /** Initial step (default from Hairer, Norsett & Wanner's heuristic). */
  h0?: number;
  /** Most steps (accepted + rejected) before giving up with an error. Default 100000. */
  maxSteps?: number;
  /** Largest step allowed (bounds how far apart two event crossings can hide). */
  hmax?: number;
}

export interface OdeEventHit {
  name: string;
  t: number;
  y: Float64Array;
}

export interface OdeResult {
  /** The output times reached (all requested times unless a terminal event stopped earlier). */
  t: number[];
  y: Float64Array[];
  /** Final time reached and the state there. */
  tEnd: number;
  yEnd: Float64Array;
  /** Events found, in time order. */
  events: OdeEventHit[];
  /** Right-hand-side evaluations (including the initial-step heuristic's one). */
  nfev: number;
  accepted: number;
  rejected: number;
  /** Evaluations of event functions (root finding included). */
  eventEvals: number;
  /** The terminal event that stopped integration, if one did. */
  stoppedBy?: string;
}

// Dormand & Prince (1980) 5(4) tableau; the 7th stage is evaluated at the 5th-order solution (FSAL).
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
/** 5th-order weights minus the embedded 4th-order ones (the local error estimate). */
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
/** Coefficients of the 4th-order continuous extension (Hairer, Norsett & Wanner, Solving ODEs I, II.6; dopri5). */
const D = [-12715105075 / 11282082432, 0, 87487479700 / 32700410799, -10690763975 / 1880347072, 701980252875 / 199316789632, -1453857185 / 822651844, 69997945 / 29380423];

// Step-size control (PI controller as in dopri5): factor = SAFETY err^-ALPHA errPrev^BETA.
const SAFETY = 0.9;
const BETA = 0.04;
const ALPHA = 0.2 - 0.75 * BETA;
const FAC_MIN = 0.2;
const FAC_MAX = 10;

/**
 * Dense output of one accepted step [t, t + h] (4th order, continuous across steps):
 * y(t + s h) = r1 + s (r2 + (1 - s) (r3 + s (r4 + (1 - s) r5))) with r1 = y0, r2 = y1 - y0,
 * r3 = h f0 - r2, r4 = r2 - h f1 - r3, r5 = h sum_j D_j k_j. Exact at s = 0 and s = 1, with the
 * right slopes there.
 */
class DenseStep {
  private readonly r: Float64Array[];
  constructor(y0: Float64Array, y1: Float64Array, ks: readonly Float64Array[], h: number) {
    const n = y0.length;
    const r2 = new Float64Array(n);
    const r3 = new Float64Array(n);
    const r4 = new Float64Array(n);
    const r5 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const dy = y1[i] - y0[i];
      const b = h * ks[0][i] - dy;
      r2[i] = dy;
      r3[i] = b;
      r4[i] = dy - h * ks[6][i] - b;
      let s = 0;
      for (let j = 0; j < 7; j++) if (D[j] !== 0) s += D[j] * ks[j][i];
      r5[i] = h * s;
    }
    this.r = [y0, r2, r3, r4, r5];
  }

  /** The interpolated state at fraction s in [0, 1] of the step. */
  at(s: number): Float64Array {
    const [r1, r2, r3, r4, r5] = this.r;
    const out = new Float64Array(r1.length);
    const s1 = 1 - s;
    for (let i = 0; i < out.length; i++) out[i] = r1[i] + s * (r2[i] + s1 * (r3[i] + s * (r4[i] + s1 * r5[i])));
    return out;
  }
}

/**
 * The root in s of g on [0, 1] given g(0) = g0 and g(1) = g1 of opposite signs (or g1 = 0), by the
 * Illinois variant of regula falsi; returns the smallest bracket end where the sign has changed.
 */
function locateRoot(g: (s: number) => number, g0: number, g1: number, tol: number): number {
  let a = 0;
  let b = 1;
  let fa = g0;
  let fb = g1;
  let side = 0;
  for (let it = 0; it < 200 && b - a > tol; it++) {
    let s = (a * fb - b * fa) / (fb - fa);
    if (!(s > a && s < b)) s = 0.5 * (a + b);
    const fs = g(s);
    if (fs === 0) return s;
    if (Math.sign(fs) === Math.sign(fa)) {
      a = s;
      fa = fs;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = s;
      fb = fs;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return b;
}

/** Weighted RMS norm of a vector with scale atol + rtol max(|y0|, |y1|). */
function errNorm(e: Float64Array, y0: Float64Array, y1: Float64Array, rtol: number, atol: number): number {
  let s = 0;
  for (let i = 0; i < e.length; i++) {
    const sc = atol + rtol * Math.max(Math.abs(y0[i]), Math.abs(y1[i]));
    s += (e[i] / sc) ** 2;
  }
  return Math.sqrt(s / Math.max(e.length, 1));
}

/**
 * Adaptive Dormand-Prince RK45 from t0 to t1 (Dormand & Prince 1980; Hairer, Norsett & Wanner,
 * Solving ODEs I, II.4-II.6): 5th-order steps with the embedded 4th-order error estimate,
 * error per component scaled by atol + rtol |y| (RMS norm <= 1 accepts), FSAL (6 new evaluations
 * per step), PI step control (factor 0.9 err^-0.17 errPrev^0.04 in [0.2, 10], no growth right
 * after a rejection), 4th-order dense output at `times`, and events located on the dense output
 * by Illinois regula falsi (a crossing inside a step whose end values have the same sign is
 * missed; bound `hmax` if that matters).
 */
export function dopri5(f: OdeFn, t0: number, y0: Float64Array, t1: number, opts: OdeOptions = {}): OdeResult {
  const { rtol = 1e-8, atol = 1e-10, times = [], events = [], maxSteps = 100_000, hmax = Infinity } = opts;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 >= t0)) throw new RangeError(`dopri5: need finite t0 <= t1, got t0=${t0}, t1=${t1}`);
  if (!(rtol > 0) || !(atol >= 0)) throw new RangeError(`dopri5: rtol must be > 0 and atol >= 0, got rtol=${rtol}, atol=${atol}`);
  if (!(hmax > 0)) throw new RangeError(`dopri5: hmax must be > 0, got ${hmax}`);
  for (let i = 0; i < times.length; i++) {
    if (!(times[i] >= t0 && times[i] <= t1)) throw new RangeError(`dopri5: output time ${times[i]} is outside [t0, t1] = [${t0}, ${t1}]`);
    if (i > 0 && times[i] < times[i - 1]) throw new RangeError(`dopri5: output times must be ascending (times[${i}] = ${times[i]} < ${times[i - 1]})`);
  }
  const n = y0.length;
  let t = t0;
  let y = Float64Array.from(y0);
  let fy = f(t, y);
  let nfev = 1;
  let eventEvals = 0;
  const out: OdeResult = { t: [], y: [], tEnd: t0, yEnd: y, events: [], nfev: 0, accepted: 0, rejected: 0, eventEvals: 0 };
  let ti = 0;
  while (ti < times.length && times[ti] <= t0) {
    out.t.push(times[ti++]);
    out.y.push(Float64Array.from(y));
  }
  const evalEvent = (ev: OdeEvent, tt: number, yy: Float64Array) => {
    eventEvals++;
    return ev.fn(tt, yy);
  };
  const evPrev = events.map((ev) => evalEvent(ev, t, y));
  let h = opts.h0 ?? initialStep(f, t, y, fy, rtol, atol, hmax, () => nfev++);
  if (!(h > 0)) throw new RangeError(`dopri5: initial step must be > 0, got ${h}`);
  let errPrev = 1e-4;
  let justRejected = false;
  const ks: Float64Array[] = new Array(7);
  const tmp = new Float64Array(n);
  const errVec = new Float64Array(n);
  while (t < t1) {
    if (out.accepted + out.rejected >= maxSteps) throw new Error(`dopri5: more than ${maxSteps} steps before t = ${t1} (reached t = ${t}, last step ${h.toExponential(2)}); a derivative that jumps (e.g. a ReLU kink the flow slides along) or stiffness stalls an explicit method: loosen rtol/atol, smooth the model, or raise maxSteps`);
    h = Math.min(h, hmax);
    const last = t + 1.01 * h >= t1;
    if (last) h = t1 - t;
    ks[0] = fy;
    for (let s = 1; s < 7; s++) {
      const row = A[s];
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += row[j] * ks[j][i];
        tmp[i] = y[i] + h * acc;
      }
      ks[s] = f(t + C[s] * h, Float64Array.from(tmp));
      nfev++;
    }
    const yNew = Float64Array.from(tmp); // the 7th stage's input is the 5th-order solution
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let s = 0; s < 7; s++) e += E[s] * ks[s][i];
      errVec[i] = h * e;
    }
    const err = errNorm(errVec, y, yNew, rtol, atol);
    if (!Number.isFinite(err)) {
      // A non-finite derivative inside the step: shrink hard and retry.
      out.rejected++;
      justRejected = true;
      h *= FAC_MIN;
      if (h <= 1e-14 * Math.max(Math.abs(t), 1)) throw new Error(`dopri5: step size underflow at t = ${t}: the derivative is not finite there`);
      continue;
    }
    if (err > 1) {
      out.rejected++;
      justRejected = true;
      h *= Math.max(FAC_MIN, SAFETY * err ** -0.2);
      if (h <= 1e-14 * Math.max(Math.abs(t), 1)) throw new Error(`dopri5: step size underflow at t = ${t} (err ${err.toExponential(3)}); the problem may be stiff or singular there`);
      continue;
    }
    // Accepted step [t, tNew].
    const tNew = last ? t1 : t + h;
    const fNew = ks[6];
    const dense = new DenseStep(y, yNew, ks, h);
    let stopAt: OdeEventHit | null = null;
    const hits: OdeEventHit[] = [];
    events.forEach((ev, k) => {
      const a = evPrev[k];
      const b = evalEvent(ev, tNew, yNew);
      evPrev[k] = b;
      const dir = ev.direction ?? 0;
      const up = a < 0 && b >= 0;
      const down = a > 0 && b <= 0;
      if (!((up && dir >= 0) || (down && dir <= 0))) return;
      const sRoot = b === 0 ? 1 : locateRoot((s) => evalEvent(ev, t + s * h, dense.at(s)), a, b, 1e-13);
      const hit = { name: ev.name, t: t + sRoot * h, y: sRoot === 1 ? Float64Array.from(yNew) : dense.at(sRoot) };
      hits.push(hit);
      if (ev.terminal && (stopAt === null || hit.t < stopAt.t)) stopAt = hit;
    });
    const stop = stopAt as OdeEventHit | null;
    hits.sort((p, q) => p.t - q.t);
    for (const hit of hits) if (stop === null || hit.t <= stop.t) out.events.push(hit);
    const tOut = stop === null ? tNew : stop.t;
    while (ti < times.length && times[ti] <= tOut) {
      const s = (times[ti] - t) / h;
      out.t.push(times[ti++]);
      out.y.push(s >= 1 ? Float64Array.from(yNew) : dense.at(s));
    }
    out.accepted++;
    if (stop !== null) {
      out.stoppedBy = stop.name;
      out.tEnd = stop.t;
      out.yEnd = stop.y;
      out.nfev = nfev;
      out.eventEvals = eventEvals;
      return out;
    }
    t = tNew;
    y = yNew;
    fy = fNew;
    let factor = SAFETY * Math.max(err, 1e-10) ** -ALPHA * errPrev ** BETA;
    factor = Math.min(FAC_MAX, Math.max(FAC_MIN, factor));
    if (justRejected) factor = Math.min(factor, 1);
    h *= factor;
    errPrev = Math.max(err, 1e-4);
    justRejected = false;
  }
  out.tEnd = t;
  out.yEnd = y;
  out.nfev = nfev;
  out.eventEvals = eventEvals;
  return out;
}

/** Hairer, Norsett & Wanner's starting-step heuristic (Solving ODEs I, II.4), one extra evaluation. */
function initialStep(f: OdeFn, t: number, y: Float64Array, fy: Float64Array, rtol: number, atol: number, hmax: number, count: () => void): number {
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
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  h0 = Math.min(h0, hmax);
  const y1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y[i] + h0 * fy[i];
  const f1 = f(t + h0, y1);
  count();
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += ((f1[i] - fy[i]) / (atol + rtol * Math.abs(y[i]))) ** 2;
  d2 = Math.sqrt(d2 / Math.max(n, 1)) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
  return Math.min(100 * h0, h1, hmax);
}
