import type { Claim, ClaimResult } from "../types.js";
import type { Row } from "@saddle/core";

/**
 * Median wall-clock seconds of one call of `fn`, after `warmup` untimed calls (JIT compilation),
 * over at least 5 calls and 0.1 s.
 */
export function medianSeconds(fn: () => void, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < 100) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * A performance claim: the theory computes its prediction at least `factor` times faster than the
 * simulation it predicts, read from two rows of probe "timing". It is flagged `timing`, so the test
 * suite checks that both times were measured but never asserts the ratio (no timing asserts in
 * tests); `saddle reproduce` reports its verdict like any claim.
 */
export function speedupClaim<C>(id: string, simulationKey: string, theoryKey: string, statement: string, factor = 100): Claim<C> {
  return {
    id,
    statement,
    timing: true,
    check: (rows: readonly Row[]): ClaimResult => {
      const sim = rows.find((r) => r.probe === "timing" && r.key === simulationKey)?.value ?? NaN;
      const fast = rows.find((r) => r.probe === "timing" && r.key === theoryKey)?.value ?? NaN;
      const ratio = sim / fast;
      return { theory: factor, measured: ratio, tolerance: factor, relError: Math.max(0, (factor - ratio) / factor), pass: ratio >= factor, units: "x faster" };
    },
  };
}
