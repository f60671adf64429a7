import type { Row } from "../../../train/rows.js";
import { stepsForTime } from "../../../conventions.js";
import type { AgfResult } from "./engine.js";

/**
 * A loss staircase: plateau levels[0] until times[0], then levels[1] until times[1], ... (the
 * last level holds forever). `labels[k]` names what jump k acquires (a neuron, a coordinate, a
 * frequency). Times are gradient-flow times in the caller's units.
 */
export interface Staircase {
  times: number[];
  levels: number[];
  labels: number[];
}

/** The staircase of an AGF run: levels[0] = initial loss, then each jump's time and level. */
export function staircaseFromAgf(result: AgfResult): Staircase {
  return {
    times: result.jumps.map((j) => j.t),
    levels: [result.initialLoss, ...result.jumps.map((j) => j.level)],
    labels: result.jumps.map((j) => (Number.isNaN(j.feature) ? j.neuron : j.feature)),
  };
}

/** Checks that a staircase has one more level than jump times and non-decreasing times. */
export function validateStaircase(s: Staircase): void {
  if (s.levels.length !== s.times.length + 1) throw new RangeError(`staircase needs levels.length = times.length + 1, got ${s.levels.length} levels and ${s.times.length} times`);
  if (s.labels.length !== s.times.length) throw new RangeError(`staircase needs one label per jump, got ${s.labels.length} labels for ${s.times.length} jumps`);
  for (let k = 1; k < s.times.length; k++) {
    if (!(s.times[k] >= s.times[k - 1])) throw new RangeError(`staircase times must be non-decreasing, times[${k}] = ${s.times[k]} < ${s.times[k - 1]}`);
  }
}

/** The staircase's loss at time t (right-continuous: the new level holds from each jump time on). */
export function staircaseLevelAt(s: Staircase, t: number): number {
  let k = 0;
  while (k < s.times.length && s.times[k] <= t) k++;
  return s.levels[k];
}

/** Multiplies every time by `factor` (e.g. log(1/alpha) to leave normalised units, or a loss-normalisation change). */
export function scaleStaircase(s: Staircase, factor: number, levelFactor = 1): Staircase {
  if (!(factor > 0) || !(levelFactor > 0)) throw new RangeError(`scaleStaircase factors must be > 0, got ${factor} and ${levelFactor}`);
  return { times: s.times.map((t) => t * factor), levels: s.levels.map((l) => l * levelFactor), labels: [...s.labels] };
}

export interface StaircaseRowOptions {
  /** Learning rate and momentum converting time to the equivalent step (conventions.ts). */
  lr: number;
  momentum?: number;
  /** Time the last level is drawn to (default 1.5 x the last jump). */
  tEnd?: number;
  /** Row probe name (default "agf") and loss key (default "loss"). */
  probe?: string;
  key?: string;
}

/**
 * Tidy rows of a staircase: key `loss` at t = 0, both sides of each jump (a vertical drop) and
 * tEnd; key `jump` at each jump time with the label as value. `step` is the equivalent optimizer
 * step t (1 - beta) / lr.
 */
export function staircaseRows(s: Staircase, opts: StaircaseRowOptions): Row[] {
  validateStaircase(s);
  const { lr, momentum = 0, probe = "agf", key = "loss" } = opts;
  const last = s.times.length ? s.times[s.times.length - 1] : 1;
  const tEnd = opts.tEnd ?? 1.5 * last;
  const row = (t: number, k: string, value: number): Row => ({ step: stepsForTime(t, lr, momentum), t, probe, key: k, value });
  const rows: Row[] = [row(0, key, s.levels[0])];
  s.times.forEach((t, k) => {
    rows.push(row(t, key, s.levels[k]), row(t, key, s.levels[k + 1]));
  });
  if (tEnd > last) rows.push(row(tEnd, key, s.levels[s.levels.length - 1]));
  s.times.forEach((t, k) => rows.push(row(t, "jump", s.labels[k])));
  return rows;
}
