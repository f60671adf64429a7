import type { Rng } from "@saddle/core";

/** Settings of one Euler-Maruyama ensemble of the quartic collapse SDE. */
export interface QuarticRun {
  mu: number;
  zeta: number;
  /** Euler-Maruyama step (SDE time units). */
  dt: number;
  /** Final time T. */
  horizon: number;
  /** Independent paths (vectorised). */
  paths: number;
  /** Start value theta_0 (the same for every path). */
  theta0: number;
  /** Record the median and mean of log|theta| and the mean of theta^2 every this much time. */
  recordEvery: number;
}

/** What an ensemble returns: final values and, per record time, median log|theta| and mean theta^2. */
export interface QuarticResult {
  /** [paths] theta at time T. */
  final: Float64Array;
  /** [records] record times. */
  times: number[];
  /** [records] median over paths of log|theta_t|. */
  medianLog: number[];
  /** [records] mean over paths of log|theta_t|. */
  meanLog: number[];
  /** [records] mean over paths of theta_t^2. */
  meanSquare: number[];
  /** [records][paths] theta_t^2 per path (kept for path-wise error bars). */
  squares: Float64Array[];
  /** [records][paths] log|theta_t| per path (finite where theta_t^2 would underflow). */
  logs: Float64Array[];
}

/**
 * Euler-Maruyama for d theta = (mu theta - theta^3) dt + zeta theta dW (arXiv 2306.04251, Fig. 1),
 * vectorised over paths in plain Float64Arrays: theta <- theta + (mu theta - theta^3) dt +
 * zeta theta sqrt(dt) xi, xi ~ N(0, 1) from `rng`.
 */
export function simulateQuartic(run: QuarticRun, rng: Rng): QuarticResult {
  const { mu, zeta, dt, paths } = run;
  const steps = Math.round(run.horizon / dt);
  const every = Math.max(1, Math.round(run.recordEvery / dt));
  const theta = new Float64Array(paths).fill(run.theta0); // [paths]
  const xi = new Float64Array(paths); // [paths]
  const sq = Math.sqrt(dt);
  const times: number[] = [];
  const medianLog: number[] = [];
  const meanLog: number[] = [];
  const meanSquare: number[] = [];
  const squares: Float64Array[] = [];
  const logRecords: Float64Array[] = [];
  for (let k = 1; k <= steps; k++) {
    rng.fillNormal(xi);
    for (let p = 0; p < paths; p++) {
      const th = theta[p];
      theta[p] = th + (mu - th * th) * th * dt + zeta * th * sq * xi[p];
    }
    if (k % every === 0) {
      const s2 = new Float64Array(paths);
      const logs = new Float64Array(paths);
      let m = 0;
      let ml = 0;
      for (let p = 0; p < paths; p++) {
        logs[p] = Math.log(Math.abs(theta[p]));
        ml += logs[p];
        s2[p] = theta[p] * theta[p];
        m += s2[p];
      }
      meanLog.push(ml / paths);
      times.push(k * dt);
      medianLog.push(median(logs));
      meanSquare.push(m / paths);
      squares.push(s2);
      logRecords.push(logs);
    }
  }
  return { final: theta, times, medianLog, meanLog, meanSquare, squares, logs: logRecords };
}

/** Median of an array (copy sorted; mean of the middle pair for even length). */
export function median(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/** Least-squares slope of y on x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * Per-path least-squares slopes of log|x| on t over the records with t >= from (and <= to): one
 * independent estimate of the log growth rate per path, so their mean's standard error is the
 * paths' own spread / sqrt(paths).
 */
export function pathSlopes(times: readonly number[], logs: readonly Float64Array[], from: number, to = Infinity): number[] {
  const keep = times.map((_, j) => j).filter((j) => times[j] >= from && times[j] <= to);
  if (keep.length < 3) return [];
  const paths = logs[0].length;
  const t = keep.map((j) => times[j]);
  return Array.from({ length: paths }, (_, p) => slope(t, keep.map((j) => logs[j][p])));
}
