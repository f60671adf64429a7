import * as S from "@saddle/core";
import type { GradientTransformation, Tree } from "@saddle/core";

/**
 * Measurement helpers shared by experiments' claim checks: wall-clock timing for `timing` claims
 * (never stored as rows, so resumed and reseeded runs still compare equal) and a relative distance.
 */

/** Median wall-clock seconds of `fn` over `reps` calls, after one warm-up call unless `warmup` is false. */
export function medianSeconds(fn: () => void, reps = 3, warmup = true): number {
  if (warmup) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(reps / 2)];
}

/**
 * Median seconds of `steps` plain optimizer steps (the run's own fused loss-and-gradient and
 * update, no probes or rows) from `init`: what a timing claim compares a theory engine with.
 */
export function gdStepSeconds<P extends Tree>(lossAndGrad: (p: P) => readonly [number, P], optimizer: GradientTransformation<unknown>, init: P, steps: number, reps = 3, warmup = true): number {
  return medianSeconds(() => {
    let q = init;
    let state = optimizer.init(q);
    for (let i = 0; i < steps; i++) {
      const [, g] = lossAndGrad(q);
      const [updates, next] = optimizer.update(g, state, q);
      state = next;
      q = S.applyUpdates(q, updates);
    }
  }, reps, warmup);
}

/** Relative Euclidean distance |a - b| / |b| of two vectors of the same length. */
export function relDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`relDistance: lengths ${a.length} and ${b.length} differ`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / den);
}
