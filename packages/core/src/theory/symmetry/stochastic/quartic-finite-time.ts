import { eulerMaruyamaLogGrowthRate } from "./euler-maruyama.js";

/** Settings of the finite-time collapse probability of the quartic SDE. */
export interface QuarticCollapseSpec {
  mu: number;
  zeta: number;
  /** Start value theta_0 (every path). */
  theta0: number;
  /** A path counts as collapsed when |theta_t| < eps. */
  eps: number;
  /** Time t. */
  t: number;
  /**
   * Euler-Maruyama step of the simulation the probability is for: the drift of log|theta| is then
   * the discretised chain's exact mean log-increment E log|1 + (mu - theta^2) dt + zeta sqrt(dt) xi| / dt
   * (`eulerMaruyamaLogGrowthRate`); omit for the continuous Ito drift mu - theta^2 - zeta^2/2.
   */
  dt?: number;
  /** Grid spacing in y = log|theta| (default 0.2; halving it and tau changes P by < 1e-4 at the paper's settings). */
  h?: number;
  /** Crank-Nicolson time step (default 0.05). */
  tau?: number;
}

/** B(x) = x / (e^x - 1), the Bernoulli function of the Scharfetter-Gummel flux (B(0) = 1). */
function bern(x: number): number {
  if (Math.abs(x) < 1e-8) return 1 - x / 2;
  return x / Math.expm1(x);
}

/**
 * P(|theta_t| < eps) for the quartic collapse SDE d theta = (mu theta - theta^3) dt + zeta theta dW
 * of arXiv 2306.04251 (Fig. 1), started at theta_0: the finite-time collapse fraction that the
 * t -> infinity threshold zeta* = sqrt(2 mu) sharpens into a step. By Ito, y = log|theta| obeys
 *
 *   dy = (mu - e^{2y} - zeta^2/2) dt + zeta dW,
 *
 * a one-dimensional diffusion, whose Fokker-Planck equation dp/dt = -d(A p)/dy + (zeta^2/2) d^2p/dy^2
 * is solved here by finite volumes (Scharfetter-Gummel fluxes, exact for piecewise-constant drift,
 * positivity-preserving at any Peclet number) and Crank-Nicolson in time (four implicit-Euler
 * quarter steps first to damp the point-mass start). The grid runs from log eps - 8 zeta sqrt(t)
 * (absorbing: a path that deep does not return above log eps by time t, probability < 1e-15) to
 * y = 2.5 (zero flux; the quartic keeps theta^2 << e^5). With `dt`, A(y) is the exact mean
 * log-increment per unit time of the Euler-Maruyama chain (its O(dt) bias is 3.4% of the rate at
 * mu = 1.5, zeta = 2.5, dt = 0.0025), so the result is the collapse probability of the simulation
 * up to the chain's higher cumulants (O(dt) over t / dt steps). Limit, convergence and
 * reference-table tests in packages/experiments/test/stochastic-collapse.test.ts.
 */
export function quarticCollapseProbability(spec: QuarticCollapseSpec): number {
  const { mu, zeta, theta0, eps, t } = spec;
  const h = spec.h ?? 0.2;
  const tauTarget = spec.tau ?? 0.05;
  const D = (zeta * zeta) / 2;
  const yEps = Math.log(eps);
  const lo = yEps - 8 * zeta * Math.sqrt(t) - 1;
  const hi = 2.5;
  const n = Math.ceil((hi - lo) / h);
  const yc = (i: number) => lo + (i + 0.5) * h; // cell centres
  // Drift at the faces i + 1/2 (i = 0..n-2) and at the absorbing bottom face (index -1 -> stored at n-1).
  const drift = (y: number): number => {
    const a = mu - Math.exp(2 * y);
    return spec.dt === undefined ? a - D : eulerMaruyamaLogGrowthRate(a, zeta, spec.dt, 4000);
  };
  // Below y = -12 the e^{2y} term is < 4e-11: the drift is constant there.
  const deep = drift(-12);
  const face = new Float64Array(n + 1); // face k between cells k-1 and k (k = 0: bottom boundary, k = n: top)
  for (let k = 0; k <= n; k++) {
    const y = lo + k * h;
    face[k] = y < -12 ? deep : drift(y);
  }
  // Flux through face k (cells k-1 -> k): J_k = (D/h) [B(-P_k) p_{k-1} - B(P_k) p_k], P_k = A_k h / D.
  const cl = new Float64Array(n + 1); // coefficient of p_{k-1}
  const cr = new Float64Array(n + 1); // coefficient of p_k
  for (let k = 0; k <= n; k++) {
    const P = (face[k] * h) / D;
    cl[k] = (D / h) * bern(-P);
    cr[k] = (D / h) * bern(P);
  }
  cl[n] = 0;
  cr[n] = 0; // zero flux at the top
  cl[0] = 0; // the ghost cell below the bottom face holds p = 0 (absorbing)
  // dp_i/dt = (J_i - J_{i+1}) / h = [cl_i p_{i-1} - cr_i p_i - cl_{i+1} p_i + cr_{i+1} p_{i+1}] / h
  const sub = new Float64Array(n); // coefficient of p_{i-1}
  const dia = new Float64Array(n);
  const sup = new Float64Array(n); // coefficient of p_{i+1}
  for (let i = 0; i < n; i++) {
    sub[i] = i > 0 ? cl[i] / h : 0;
    dia[i] = -(cr[i] + cl[i + 1]) / h;
    sup[i] = i < n - 1 ? cr[i + 1] / h : 0;
  }
  // Start: unit mass in the cell of log theta_0 (as a density).
  const p = new Float64Array(n);
  const i0 = Math.min(n - 1, Math.max(0, Math.floor((Math.log(Math.abs(theta0)) - lo) / h)));
  p[i0] = 1 / h;
  const rhs = new Float64Array(n);
  const next = new Float64Array(n);
  // A stepper for (I - th tau M) p' = (I + (1 - th) tau M) p (th = 1: implicit Euler, 1/2: CN), its
  // tridiagonal LU factors computed once (the matrix does not change between steps).
  const stepper = (tau: number, th: number) => {
    const cp = new Float64Array(n);
    const inv = new Float64Array(n);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = -th * tau * sub[i];
      const m = 1 - th * tau * dia[i] - (i > 0 ? a[i] * cp[i - 1] : 0);
      inv[i] = 1 / m;
      cp[i] = -th * tau * sup[i] * inv[i];
    }
    const e = (1 - th) * tau;
    return () => {
      for (let i = 0; i < n; i++) {
        let mp = dia[i] * p[i];
        if (i > 0) mp += sub[i] * p[i - 1];
        if (i < n - 1) mp += sup[i] * p[i + 1];
        rhs[i] = p[i] + e * mp;
      }
      next[0] = rhs[0] * inv[0];
      for (let i = 1; i < n; i++) next[i] = (rhs[i] - a[i] * next[i - 1]) * inv[i];
      for (let i = n - 2; i >= 0; i--) next[i] -= cp[i] * next[i + 1];
      p.set(next);
    };
  };
  const steps = Math.max(8, Math.ceil(t / tauTarget));
  const tau = t / steps;
  const euler = stepper(tau / 4, 1);
  for (let k = 0; k < 4; k++) euler();
  const cn = stepper(tau, 0.5);
  for (let k = 1; k < steps; k++) cn();
  // Mass above log eps (cells entirely above, plus the upper part of the straddling cell); the rest
  // (below log eps or absorbed at the bottom) has collapsed.
  let above = 0;
  for (let i = 0; i < n; i++) {
    const a = lo + i * h;
    const frac = Math.min(1, Math.max(0, (a + h - yEps) / h));
    above += frac * p[i] * h;
  }
  return Math.min(1, Math.max(0, 1 - above));
}
