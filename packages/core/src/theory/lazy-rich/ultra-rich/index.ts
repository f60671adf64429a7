/**
 * The ultra-rich regime's scalar deep-chain toy (Atanasov, Meterez, Simon & Pehlevan, "The
 * optimization landscape of SGD across the feature learning strength", arXiv 2410.04642, ICLR
 * 2025). The network output is divided by the richness gamma and centred at init:
 *
 *   f(w) = (prod_l w_l - 1) / gamma,   w_l(0) = 1 (l = 1..L),   loss = (f - y)^2 / 2,
 *
 * trained by full-batch GD w <- w - eta grad. The paper's claim: the largest stable learning rate
 * scales as eta* ~ gamma^2 for gamma << 1 (lazy) and eta* ~ gamma^(2/L) for gamma >> 1 (rich).
 *
 * Saddle's derivation (checked numerically, packages/core/test/ultra-rich.test.ts). From the
 * symmetric init the chain stays balanced (every w_l equal, the same update on each), so GD
 * converges, if it does, to the balanced minimum w_l = Pstar^(1/L), Pstar = 1 + gamma y (the flattest
 * point of the minimum manifold prod w = Pstar: its Hessian (1/gamma^2) g g^T with g_l = Pstar/w_l has
 * trace sum_l (Pstar/w_l)^2 / gamma^2, smallest at balance by AM-GM). Its top eigenvalue is
 *
 *   lambda* = L Pstar^(2(L-1)/L) / gamma^2,
 *
 * and the minimum is linearly stable exactly when eta < 2 / lambda* (that GD from w = 1 converges
 * for every eta below it was checked numerically, not proved: every eta in [0.3, 0.999] x the edge
 * converges for L = 2, 3, 4, 6 at gamma = 1e-5..1e5):
 *
 *   eta_edge(gamma) = 2 gamma^2 / (L (1 + gamma y)^(2(L-1)/L)),
 *
 * so eta_edge -> 2 gamma^2 / L as gamma -> 0 (the init Hessian is (1/gamma^2) 1 1^T to leading
 * order) and eta_edge -> (2/L) (gamma y)^(2/L) as gamma -> infinity. The local log-log slope is
 *
 *   d ln eta_edge / d ln gamma = 2 - (2(L-1)/L) gamma y / (1 + gamma y),
 *
 * between 2 and 2/L, and within (2(L-1)/L) gamma y of 2 (lazy) and (2(L-1)/L)/(1 + gamma y) of
 * 2/L (rich). Above eta_edge the balanced minimum is repelling: GD either diverges or stays on a
 * bounded orbit that never converges (period doubling; e.g. at L = 2 and small gamma the reduced
 * map is the cubic u -> u - a u (u^2 - 1), a = eta / gamma^2, bounded up to a = 2 = twice the
 * edge), so "stable" means "converges", not "does not blow up" (the test shows the difference).
 *
 * Finite horizon: just below the edge, eta = eta_edge (1 - eps), the residual contracts by
 * (1 - 2 eps) per step, so a run of T steps reaches |f - y| <= rtol |y| only when
 * eps >~ ln(A / rtol) / (2 T) (A the residual when the run enters the linear regime, 1 at small
 * gamma). A bisection on "converged within T steps" sits that far below eta_edge.
 */

/** The balanced minimum's product Pstar = 1 + gamma y (requires gamma y > -1). */
export function minimumProduct(gamma: number, y: number): number {
  const p = 1 + gamma * y;
  if (!(gamma > 0) || !(p > 0)) throw new RangeError(`ultraRich: need gamma > 0 and 1 + gamma y > 0, got gamma = ${gamma}, y = ${y}`);
  return p;
}

/** Top Hessian eigenvalue at the balanced minimum: lambda* = L Pstar^(2(L-1)/L) / gamma^2 (arXiv 2410.04642 toy). */
export function minimumSharpness(gamma: number, depth: number, y = 1): number {
  checkDepth(depth);
  return (depth * minimumProduct(gamma, y) ** ((2 * (depth - 1)) / depth)) / (gamma * gamma);
}

/** The stability edge of GD on the toy: eta_edge = 2 / lambda* = 2 gamma^2 / (L (1 + gamma y)^(2(L-1)/L)). */
export function stabilityEdge(gamma: number, depth: number, y = 1): number {
  return 2 / minimumSharpness(gamma, depth, y);
}

/** The lazy limit eta_edge ~ 2 gamma^2 / L (gamma y -> 0). */
export function lazyEdge(gamma: number, depth: number): number {
  checkDepth(depth);
  return (2 * gamma * gamma) / depth;
}

/** The rich limit eta_edge ~ (2 / L) (gamma y)^(2/L) (gamma y -> infinity). */
export function richEdge(gamma: number, depth: number, y = 1): number {
  checkDepth(depth);
  return (2 / depth) * (gamma * y) ** (2 / depth);
}

/** Local log-log slope d ln eta_edge / d ln gamma = 2 - (2(L-1)/L) gamma y / (1 + gamma y). */
export function edgeLogSlope(gamma: number, depth: number, y = 1): number {
  checkDepth(depth);
  const p = minimumProduct(gamma, y);
  return 2 - ((2 * (depth - 1)) / depth) * ((gamma * y) / p);
}

/** The asymptotic exponent of eta* in gamma: 2 in the lazy regime, 2/L in the rich regime. */
export function edgeExponent(depth: number, regime: "lazy" | "rich"): number {
  checkDepth(depth);
  return regime === "lazy" ? 2 : 2 / depth;
}

/**
 * Bound on how far the local slope is from its asymptote over gammas in [lo, hi]: lazy
 * (2(L-1)/L) hi y / (1 + hi y), rich (2(L-1)/L) / (1 + lo y). A least-squares slope over points in
 * [lo, hi] is an average of local slopes, so it is within the same bound.
 */
export function asymptoteGap(lo: number, hi: number, depth: number, regime: "lazy" | "rich", y = 1): number {
  checkDepth(depth);
  const c = (2 * (depth - 1)) / depth;
  return regime === "lazy" ? (c * hi * y) / minimumProduct(hi, y) : c / minimumProduct(lo, y);
}

/**
 * Top eigenvalue of the Hessian at init (w = 1, f = 0, residual -y): H0 = (1/gamma^2) 1 1^T -
 * (y/gamma)(1 1^T - I), eigenvalues L/gamma^2 - (L-1) y/gamma (along 1) and y/gamma (L-1 times).
 */
export function initialHessianTop(gamma: number, depth: number, y = 1): number {
  checkDepth(depth);
  return Math.max(depth / (gamma * gamma) - ((depth - 1) * y) / gamma, y / gamma);
}

/** Relative finite-horizon bias ln(A / rtol) / (2 T) of a bisection on "converged within T steps" (A: entry residual / |y|). */
export function horizonBias(steps: number, rtol: number, entryResidual = 1): number {
  if (!(steps > 0 && rtol > 0 && rtol < entryResidual)) throw new RangeError(`ultraRich.horizonBias: need steps > 0, 0 < rtol < A, got ${steps}, ${rtol}, ${entryResidual}`);
  return Math.log(entryResidual / rtol) / (2 * steps);
}

/** Least-squares slope of ln y against ln x (throws on fewer than two points; NaN in, NaN out). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError(`ultraRich.logLogSlope: need two or more paired points, got ${xs.length} and ${ys.length}`);
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

/** Log-spaced gammas from lo to hi at `perDecade` points per decade (both ends included). */
export function gammaGrid(lo: number, hi: number, perDecade: number): number[] {
  if (!(lo > 0 && hi >= lo && perDecade > 0)) throw new RangeError(`ultraRich.gammaGrid: need 0 < lo <= hi and perDecade > 0`);
  const n = Math.max(1, Math.round(Math.log10(hi / lo) * perDecade));
  return Array.from({ length: n + 1 }, (_, i) => Number((lo * (hi / lo) ** (i / n)).toPrecision(12)));
}

function checkDepth(depth: number): void {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`ultraRich: depth must be a positive integer, got ${depth}`);
}
