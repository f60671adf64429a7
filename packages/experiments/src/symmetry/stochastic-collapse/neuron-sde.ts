import type { Rng } from "@saddle/core";

/** Settings of one ensemble of the single-tanh-neuron SGD SDE. */
export interface NeuronRun {
  /** [m] inputs. */
  x: Float64Array;
  /** [m] targets. */
  y: Float64Array;
  /** Noise strength alpha = eta zeta^2 sigma'(0) / 2 (sigma = tanh, sigma'(0) = 1). */
  alpha: number;
  /** Euler-Maruyama step in time t = eta step. */
  dt: number;
  horizon: number;
  paths: number;
  /** Start (w1, w2), the same for every path. */
  w0: [number, number];
  /** Record median log|w| every this much time. */
  recordEvery: number;
}

export interface NeuronResult {
  /** [paths] |w| = sqrt(w1^2 + w2^2) at time T. */
  finalNorm: Float64Array;
  times: number[];
  /** [records][paths] log|w| per path. */
  logNorms: Float64Array[];
}

/**
 * Euler-Maruyama for the SGD model of f(x) = w2 tanh(w1 x) (arXiv 2306.04251, authors' Fig2.ipynb):
 * dw = -grad L dt + sqrt(eta/m) zeta sum_i grad_w f(x_i) dW_i, L = 1/(2m) sum_i (f(x_i) - y_i)^2.
 * The noise sum_i a_i dW_i (a_i = grad_w f(x_i), 2-vectors) is drawn as a 2-D Gaussian with
 * covariance (eta zeta^2 / m) dt sum_i a_i a_i^T = (2 alpha / m) dt M via M's Cholesky factor.
 */
export function simulateNeuron(run: NeuronRun, rng: Rng): NeuronResult {
  const { x, y, dt, paths } = run;
  const m = x.length;
  const steps = Math.round(run.horizon / dt);
  const every = Math.max(1, Math.round(run.recordEvery / dt));
  const w1 = new Float64Array(paths).fill(run.w0[0]); // [paths]
  const w2 = new Float64Array(paths).fill(run.w0[1]); // [paths]
  const xi = new Float64Array(2 * paths); // [paths, 2]
  const noiseScale = Math.sqrt(((2 * run.alpha) / m) * dt);
  const times: number[] = [];
  const logNorms: Float64Array[] = [];
  for (let k = 1; k <= steps; k++) {
    rng.fillNormal(xi);
    for (let p = 0; p < paths; p++) {
      const a = w1[p];
      const b = w2[p];
      let g1 = 0;
      let g2 = 0;
      let m11 = 0;
      let m12 = 0;
      let m22 = 0;
      for (let i = 0; i < m; i++) {
        const th = Math.tanh(a * x[i]);
        const d1 = b * x[i] * (1 - th * th); // df/dw1
        const d2 = th; // df/dw2
        const r = b * th - y[i];
        g1 += r * d1;
        g2 += r * d2;
        m11 += d1 * d1;
        m12 += d1 * d2;
        m22 += d2 * d2;
      }
      const l11 = Math.sqrt(m11);
      const l21 = l11 > 0 ? m12 / l11 : 0;
      const l22 = Math.sqrt(Math.max(m22 - l21 * l21, 0));
      const z1 = xi[2 * p];
      const z2 = xi[2 * p + 1];
      w1[p] = a - (g1 / m) * dt + noiseScale * l11 * z1;
      w2[p] = b - (g2 / m) * dt + noiseScale * (l21 * z1 + l22 * z2);
    }
    if (k % every === 0) {
      const ln = new Float64Array(paths);
      for (let p = 0; p < paths; p++) ln[p] = 0.5 * Math.log(w1[p] * w1[p] + w2[p] * w2[p]);
      times.push(k * dt);
      logNorms.push(ln);
    }
  }
  const finalNorm = new Float64Array(paths);
  for (let p = 0; p < paths; p++) finalNorm[p] = Math.hypot(w1[p], w2[p]);
  return { finalNorm, times, logNorms };
}
