/** A smooth objective on a flat vector: returns f(x) and writes grad f(x) into `grad`. */
export type FlatObjective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max_j |grad_j| <= gradTol. Default 1e-10. */
  gradTol?: number;
  /** Stop when the decrease over `stallWindow` (default 10) iterations is below ftol (1 + |f|). Default 1e-14. */
  ftol?: number;
  stallWindow?: number;
  /** Iteration cap. Default 5000. */
  maxIterations?: number;
  /** Pairs kept. Default 10. */
  memory?: number;
}

export interface LbfgsResult {
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Limited-memory BFGS (Nocedal, Math. Comp. 1980; Nocedal & Wright, Numerical Optimization,
 * Alg. 7.4) with a backtracking Armijo line search, minimising f in place on `x`. Used by AGF's
 * cost-minimisation step, which needs the minimiser (the end point of gradient flow on the active
 * neurons) rather than the path. Falls back to steepest descent when a direction is not a
 * descent direction.
 */
export function lbfgs(f: FlatObjective, x: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const { gradTol = 1e-10, ftol = 1e-14, stallWindow = 10, maxIterations = 5000, memory = 10 } = opts;
  const n = x.length;
  const g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Array<number>(memory).fill(0);
  const history: number[] = [fx];
  const gmax = () => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let it = 0;
  for (; it < maxIterations; it++) {
    if (!Number.isFinite(fx)) return { value: fx, iterations: it, evaluations, converged: false };
    if (gmax() <= gradTol) return { value: fx, iterations: it, evaluations, converged: true };
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * Y[k][i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * S[k][i];
    }
    let slope = dot(d, g);
    if (!(slope < 0)) {
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(d, g);
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) return { value: fx, iterations: it, evaluations, converged: false };
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-300) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    history.push(fx);
    if (history.length > stallWindow && history[history.length - 1 - stallWindow] - fx <= ftol * (1 + Math.abs(fx))) {
      return { value: fx, iterations: it + 1, evaluations, converged: true };
    }
  }
  return { value: fx, iterations: it, evaluations, converged: gmax() <= gradTol };
}
