/**
 * A tidy measurement row: what the training loop, probes and theory emit, and what the store,
 * CLI and plots consume. `t` is the gradient-flow time (conventions.ts).
 */
export interface Row {
  step: number;
  t: number;
  probe: string;
  key: string;
  value: number;
}

/** When to measure: every `every` steps, or at `logSpaced` points spread evenly in log(step). */
export type LogSchedule = { every: number } | { logSpaced: number } | { steps: readonly number[] };

/** The sorted set of steps in [0, total] at which a schedule measures (always includes 0 and total). */
export function scheduleSteps(schedule: LogSchedule, total: number): number[] {
  const set = new Set<number>([0, total]);
  if ("every" in schedule) {
    if (!(schedule.every >= 1)) throw new RangeError(`schedule.every must be >= 1, got ${schedule.every}`);
    for (let s = 0; s <= total; s += schedule.every) set.add(s);
  } else if ("logSpaced" in schedule) {
    const n = schedule.logSpaced;
    if (!(n >= 2)) throw new RangeError(`schedule.logSpaced must be >= 2, got ${n}`);
    for (let i = 0; i < n; i++) set.add(Math.round(Math.exp((Math.log(total + 1) * i) / (n - 1))) - 1);
  } else {
    for (const s of schedule.steps) if (s >= 0 && s <= total) set.add(Math.round(s));
  }
  return [...set].filter((s) => s >= 0 && s <= total).sort((a, b) => a - b);
}
