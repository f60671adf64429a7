/**
 * Root finding by bisection on a bracket where f changes sign: the solver behind Saddle's
 * fixed-point equations (eigenlearning's kappa, the RF eigenframework's (gamma, kappa), inverting
 * monotone time maps). Bisection is slower than Newton but cannot leave its bracket, and it ends at
 * round-off: when the midpoint equals an end point or after `iters` halvings.
 */
export interface BisectOptions {
  /** Halvings at most (default 200: more than enough to reach round-off from any float64 bracket). */
  iters?: number;
  /** Stop when hi - lo <= this (default 0: round-off). */
  xtol?: number;
}

/**
 * A root of f in [lo, hi] where f(lo) and f(hi) have opposite signs (or f is monotone and the
 * root is inside): keeps the half whose end signs differ. Returns the final midpoint.
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, opts: BisectOptions = {}): number {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`bisect: [${lo}, ${hi}] is not a finite interval`);
  const iters = opts.iters ?? 200;
  const xtol = opts.xtol ?? 0;
  const slo = Math.sign(f(lo));
  for (let i = 0; i < iters && hi - lo > xtol; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (Math.sign(f(mid)) === slo) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** bisect in log x: a root of f in [exp(logLo), exp(logHi)], for brackets spanning many decades. */
export function bisectLog(f: (x: number) => number, logLo: number, logHi: number, opts: BisectOptions = {}): number {
  return Math.exp(bisect((u) => f(Math.exp(u)), logLo, logHi, opts));
}
