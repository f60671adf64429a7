import type { Row } from "../../../train/rows.js";

/**
 * Measuring a simulated loss curve against an AGF staircase (arXiv 2506.06489): a jump happens
 * when the loss crosses the midpoint between consecutive plateau levels, and a plateau's value is
 * the loss in the middle of the predicted plateau.
 */

/** The (t, loss) series of rows with the given probe and key, in row order. */
export function lossSeries(rows: readonly Row[], probe: string, key = "loss"): { t: number[]; loss: number[] } {
  const sel = rows.filter((r) => r.probe === probe && r.key === key);
  return { t: sel.map((r) => r.t), loss: sel.map((r) => r.value) };
}

/**
 * First time the loss falls to `level` or below, interpolating log(loss) linearly in t between
 * samples; NaN if it never does (or starts below it).
 */
export function crossingTime(t: readonly number[], loss: readonly number[], level: number): number {
  if (t.length !== loss.length) throw new RangeError(`crossingTime: t and loss differ in length (${t.length} vs ${loss.length})`);
  for (let i = 1; i < loss.length; i++) {
    const a = loss[i - 1];
    const b = loss[i];
    if (a > level && b <= level) {
      const f = level > 0 && b > 0 ? (Math.log(a) - Math.log(level)) / (Math.log(a) - Math.log(b)) : (a - level) / (a - b);
      return t[i - 1] + f * (t[i] - t[i - 1]);
    }
  }
  return NaN;
}

/** Crossing times of the midpoints (levels[k-1] + levels[k]) / 2, k = 1..K: the measured jump times. */
export function midpointCrossings(t: readonly number[], loss: readonly number[], levels: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 1; k < levels.length; k++) out.push(crossingTime(t, loss, 0.5 * (levels[k - 1] + levels[k])));
  return out;
}

/** The loss at time t0, interpolated linearly in t between samples (NaN outside the series). */
export function lossAt(t: readonly number[], loss: readonly number[], t0: number): number {
  for (let i = 1; i < t.length; i++) {
    if (t[i - 1] <= t0 && t0 <= t[i]) {
      const f = t[i] > t[i - 1] ? (t0 - t[i - 1]) / (t[i] - t[i - 1]) : 0;
      return loss[i - 1] + f * (loss[i] - loss[i - 1]);
    }
  }
  return NaN;
}

/**
 * The value of a plateau: the loss at the flattest sample (smallest |central difference of
 * log loss| per unit time) strictly between times tStart and tEnd, e.g. two measured jump times.
 * Away from both drops the loss is as close to the saddle's level as the finite initialisation
 * allows. NaN when no sample lies in the interval.
 */
export function plateauValue(t: readonly number[], loss: readonly number[], tStart: number, tEnd: number): number {
  let best = NaN;
  let bestSlope = Infinity;
  for (let i = 1; i + 1 < t.length; i++) {
    if (!(t[i] > tStart && t[i] < tEnd)) continue;
    const slope = Math.abs(Math.log(loss[i + 1]) - Math.log(loss[i - 1])) / (t[i + 1] - t[i - 1]);
    if (slope < bestSlope) {
      bestSlope = slope;
      best = loss[i];
    }
  }
  return best;
}
