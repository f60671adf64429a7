import type { Rng } from "@saddle/core";

/** One additive-noise heavy-ball ensemble along a single Hessian eigendirection. */
export interface AdditiveRun {
  /** Hessian eigenvalue h. */
  h: number;
  lambda: number;
  eta: number;
  beta: number;
  /** Per-step gradient-noise variance q (sigma^2 h / S for label noise). */
  q: number;
  /** Independent paths (vectorised). */
  paths: number;
  /** Steps discarded before measuring (from theta = v = 0). */
  burnIn: number;
  /** Measured steps per path. */
  steps: number;
  /** Keep the first `keep` measured positions of every path ([paths][keep]) for spectra/MSD. */
  keep?: number;
}

export interface AdditiveResult {
  /** E theta^2 over paths and measured steps (the stationary mean is 0). */
  positionVariance: number;
  /** E v^2 over paths and measured steps. */
  velocityVariance: number;
  /** Samples that entered the averages (paths * steps). */
  samples: number;
  /** [paths] each path's own time-averaged E theta^2 (independent samples for a z-test). */
  pathVariance: Float64Array;
  /** [paths] each path's own time-averaged E v^2. */
  pathVelocityVariance: Float64Array;
  /** [paths][keep] positions, when `keep` was asked for. */
  traces: Float64Array[];
}

/**
 * Heavy-ball SGD with coupled weight decay (PyTorch convention, arXiv 2107.09133) on the quadratic
 * L = h theta^2 / 2 with additive gradient noise: g = h theta + sqrt(q) xi,
 * v <- beta v + g + lambda theta, theta <- theta - eta v. Vectorised over paths.
 */
export function simulateAdditive(run: AdditiveRun, rng: Rng): AdditiveResult {
  const { paths, eta, beta, lambda, h } = run;
  const sq = Math.sqrt(run.q);
  const theta = new Float64Array(paths); // [paths]
  const v = new Float64Array(paths); // [paths]
  const xi = new Float64Array(paths); // [paths]
  const keep = run.keep ?? 0;
  const traces = Array.from({ length: keep > 0 ? paths : 0 }, () => new Float64Array(keep));
  const s2 = new Float64Array(paths); // [paths]
  const v2 = new Float64Array(paths); // [paths]
  const total = run.burnIn + run.steps;
  for (let k = 0; k < total; k++) {
    rng.fillNormal(xi);
    const measuring = k >= run.burnIn;
    const j = k - run.burnIn;
    for (let p = 0; p < paths; p++) {
      const th = theta[p];
      const vv = beta * v[p] + (h + lambda) * th + sq * xi[p];
      v[p] = vv;
      const next = th - eta * vv;
      theta[p] = next;
      if (measuring) {
        s2[p] += next * next;
        v2[p] += vv * vv;
        if (j < keep) traces[p][j] = next;
      }
    }
  }
  const samples = paths * run.steps;
  const pathVariance = s2.map((x) => x / run.steps);
  const pathVelocityVariance = v2.map((x) => x / run.steps);
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / paths;
  return { positionVariance: mean(pathVariance), velocityVariance: mean(pathVelocityVariance), samples, pathVariance, pathVelocityVariance, traces };
}
