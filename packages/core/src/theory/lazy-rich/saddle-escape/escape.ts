import type { Rng } from "../../../tensor/rng.js";
import { depthOf, escapeSpeed, mlpForward, norm2, randomDirection, type MlpShape } from "./mlp.js";

/**
 * Saddle-to-saddle dynamics in deep ReLU networks, first escape (Bantzis, Simon & Jacot, arXiv
 * 2505.21722). Near the origin (small init) the MSE of an L-homogeneous network is
 * C(rho u) = C(0) - rho^L s(u) + rho^{2L} m(u) / 2 with the escape speed s(u) = (1/N) sum y_i . f_u(x_i)
 * and m(u) = (1/N) sum |f_u(x_i)|^2. The optimal escape direction is u* = argmax_{|u| = 1} s(u),
 * s* = s(u*).
 *
 * At any critical point of s on the sphere (grad s = lambda u): s is 1-homogeneous in each layer,
 * so <W_l, grad_l s> = s for every l (Euler), hence s = lambda |W_l|_F^2 for every l, and summing
 * over layers (|u| = 1) lambda = L s: |W_l|_F^2 = 1/L exactly (balancedness). With the residual
 * r = grad s - L s u of an approximate critical point, |W_l|^2 - 1/L = -<W_l, r_l> / (L s), so
 * | |W_l|^2 - 1/L | <= |W_l| |r_l| / (L s) (Cauchy-Schwarz): `balanceBound`.
 */
export interface EscapeDirection {
  /** u*, unit norm. */
  u: Float64Array;
  /** s* = s(u*). */
  speed: number;
  /** m(u*) = (1/N) sum |f_{u*}(x_i)|^2. */
  outputSquare: number;
  /** KKT residual r = grad s - L s u at u*. */
  residual: Float64Array;
  /** |r| / (L s*). */
  relResidual: number;
  /** s reached by each restart (the best is u*). */
  restartSpeeds: number[];
  /** Iterations used by the best restart. */
  iterations: number;
  /** The best restart's last step size alpha_k. */
  finalStep: number;
  /** Relative gain of s over the best restart's last tenth of iterations, (s_end - s_0.9) / s_end. */
  lastGain: number;
}

export interface EscapeDirectionOptions {
  restarts?: number;
  maxIters?: number;
  /** Step alpha_0 of u <- normalise(u + alpha_k grad s / |grad s|). */
  step?: number;
  /**
   * alpha_k = alpha_0 / (1 + k / decay) (default 50). A diminishing step converges also when the
   * maximiser sits on a ReLU kink (a data point on a unit's hyperplane, common at small N), where
   * grad s jumps and a fixed step oscillates: the KKT residual then never vanishes.
   */
  decay?: number;
  /** Stop when |r| / (L s) <= tol. */
  tol?: number;
}

/** m(u) = (1/N) sum_i |f_u(x_i)|^2. */
export function outputSquare(shape: MlpShape, u: Float64Array, x: Float64Array, n: number): number {
  const f = mlpForward(shape, u, x, n);
  let a = 0;
  for (let i = 0; i < f.length; i++) a += f[i] * f[i];
  return a / n;
}

/** KKT residual grad s(u) - L s(u) u (u on the sphere) and s(u). */
export function kktResidual(shape: MlpShape, u: Float64Array, x: Float64Array, y: Float64Array, n: number): { speed: number; residual: Float64Array } {
  const g = new Float64Array(shape.size);
  const s = escapeSpeed(shape, u, x, y, n, g);
  const L = depthOf(shape);
  for (let i = 0; i < g.length; i++) g[i] -= L * s * u[i];
  return { speed: s, residual: g };
}

/**
 * u* by normalised projected gradient ascent on the unit sphere, u <- (u + alpha g/|g|) / |...|
 * (g = grad s; a damped power iteration whose fixed points are the critical points with s > 0),
 * from `restarts` random starts forked from `rng`; the best s wins.
 */
export function escapeDirection(shape: MlpShape, x: Float64Array, y: Float64Array, n: number, rng: Rng, o: EscapeDirectionOptions = {}): EscapeDirection {
  const restarts = o.restarts ?? 4;
  const maxIters = o.maxIters ?? 5000;
  const step = o.step ?? 1;
  const tol = o.tol ?? 1e-10;
  const L = depthOf(shape);
  const decay = o.decay ?? 50;
  const g = new Float64Array(shape.size);
  let best: { u: Float64Array; s: number; it: number; alpha: number; gain: number } | null = null;
  const speeds: number[] = [];
  for (let r = 0; r < restarts; r++) {
    const u = randomDirection(shape, rng.fork(`restart:${r}`));
    let s = escapeSpeed(shape, u, x, y, n, g);
    let it = 0;
    let alpha = step;
    const history: number[] = [s];
    for (; it < maxIters; it++) {
      const gn = norm2(g);
      if (!(gn > 0)) break;
      let res = 0;
      for (let i = 0; i < u.length; i++) res += (g[i] - L * s * u[i]) ** 2;
      if (s > 0 && Math.sqrt(res) <= tol * L * s) break;
      alpha = step / (1 + it / decay);
      for (let i = 0; i < u.length; i++) u[i] += (alpha * g[i]) / gn;
      const un = norm2(u);
      for (let i = 0; i < u.length; i++) u[i] /= un;
      s = escapeSpeed(shape, u, x, y, n, g);
      history.push(s);
    }
    speeds.push(s);
    const gain = (s - history[Math.floor(0.9 * (history.length - 1))]) / s;
    if (!best || s > best.s) best = { u: u.slice(), s, it, alpha, gain };
  }
  if (!best) throw new RangeError("escapeDirection needs at least one restart");
  const { speed, residual } = kktResidual(shape, best.u, x, y, n);
  return { u: best.u, speed, outputSquare: outputSquare(shape, best.u, x, n), residual, relResidual: norm2(residual) / (L * speed), restartSpeeds: speeds, iterations: best.it, finalStep: best.alpha, lastGain: best.gain };
}

/**
 * Bound on | |W_l|_F^2 - 1/L | at an approximate critical point: |W_l| |r_l| / (L s) (see the
 * module comment); zero at an exact critical point.
 */
export function balanceBound(shape: MlpShape, u: Float64Array, residual: Float64Array, speed: number): number[] {
  const L = depthOf(shape);
  const out: number[] = [];
  for (let l = 0; l < L; l++) {
    const o = shape.offsets[l];
    const len = shape.dims[l + 1] * shape.dims[l];
    let w2 = 0;
    let r2 = 0;
    for (let i = o; i < o + len; i++) {
      w2 += u[i] * u[i];
      r2 += residual[i] * residual[i];
    }
    out.push(Math.sqrt(w2 * r2) / (L * speed));
  }
  return out;
}

/**
 * Radial law of the aligned escape (arXiv 2505.21722), to leading order near the origin:
 * d rho/dt = L s rho^{L-1}. L = 2: rho = eps e^{2 s t}; L >= 3: rho(t) = (eps^{-(L-2)} - L (L-2) s t)^{-1/(L-2)},
 * which blows up at T = eps^{-(L-2)} / (L (L-2) s).
 */
export function radialLaw(t: number, eps: number, L: number, s: number): number {
  if (L === 2) return eps * Math.exp(2 * s * t);
  const base = eps ** -(L - 2) - L * (L - 2) * s * t;
  return base > 0 ? base ** (-1 / (L - 2)) : Infinity;
}

/** Blow-up time T = eps^{-(L-2)} / (L (L-2) s*) of the radial law (L >= 3). */
export function blowUpTime(eps: number, L: number, s: number): number {
  if (!(L >= 3)) throw new RangeError("the radial law blows up in finite time only for L >= 3");
  return eps ** -(L - 2) / (L * (L - 2) * s);
}

/**
 * Time for the radius to go from eps to R along a fixed ray u under gradient flow of the full
 * MSE: on the ray, <theta, -grad C> = L (rho^L s - rho^{2L} m) exactly (L-homogeneity of f), so
 * d rho/dt = L rho^{L-1} (s - m rho^L) and t = int_eps^R d rho / (L rho^{L-1} (s - m rho^L)).
 * Requires s - m R^L > 0. Substituting v = rho^{-(L-2)} (L >= 3) the integrand is smooth; Simpson
 * with `n` panels (relative error ~1e-12 for the sizes used here). m = 0 gives
 * (eps^{-(L-2)} - R^{-(L-2)}) / (L (L-2) s) (L >= 3) or ln(R/eps) / (2 s) (L = 2).
 * It is a lower bound for any start eps u0: off the critical ray s(u) <= s* slows the radius, and
 * the m term only slows it further (d rho/dt <= L s* rho^{L-1} exactly, for every direction).
 */
export function rayEscapeTime(eps: number, R: number, L: number, s: number, m: number, n = 2000): number {
  if (!(R > eps && eps > 0)) throw new RangeError("rayEscapeTime needs 0 < eps < R");
  if (!(s - m * R ** L > 0)) return Infinity;
  const f = (rho: number) => 1 / (L * rho ** (L - 1) * (s - m * rho ** L));
  // integrate in log rho: dt = rho f(rho) d log rho
  const a = Math.log(eps);
  const b = Math.log(R);
  const h = (b - a) / n;
  let acc = 0;
  for (let i = 0; i <= n; i++) {
    const lr = a + i * h;
    const rho = Math.exp(lr);
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    acc += w * rho * f(rho);
  }
  return (acc * h) / 3;
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) return NaN;
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}
