/**
 * A tidy measurement row: what the training loop, probes, gradient flow and theory emit, and what
 * the store, CLI and plots consume (DESIGN.md principle 10). `t` is the gradient-flow time
 * (conventions.ts); `step` the optimizer step (for gradient flow, the equivalent GD step).
 */
export interface Row {
  step: number;
  t: number;
  probe: string;
  key: string;
  value: number;
  /**
   * Coordinates of the row beyond (step, t): the swept value, seed or index it belongs to, e.g.
   * {lambda: 2, seed: 3}. Data, never packed into `key`, `t` or `step`; select with `RowQuery`.
   */
  coords?: Coords;
}

/** A row's coordinates: names to numbers or strings. */
export type Coords = Readonly<Record<string, number | string>>;

/**
 * When to measure: every `every` steps, at `logSpaced` points spread evenly in log(step + 1)
 * (dense early, sparse late: the right grid for saddle-to-saddle curves), or at listed steps.
 */
export type LogSchedule = { every: number } | { logSpaced: number } | { steps: readonly number[] };

function checkSchedule(schedule: LogSchedule): void {
  if ("every" in schedule) {
    if (!(Number.isInteger(schedule.every) && schedule.every >= 1)) throw new RangeError(`schedule.every must be an integer >= 1, got ${schedule.every}`);
  } else if ("logSpaced" in schedule) {
    if (!(Number.isInteger(schedule.logSpaced) && schedule.logSpaced >= 2)) throw new RangeError(`schedule.logSpaced must be an integer >= 2, got ${schedule.logSpaced}`);
  } else if (!("steps" in schedule) || !Array.isArray(schedule.steps)) {
    throw new TypeError(`schedule must be {every: n}, {logSpaced: n} or {steps: [...]}, got ${JSON.stringify(schedule)}`);
  }
}

/** The sorted set of steps in [0, total] at which a schedule measures (always includes 0 and total). */
export function scheduleSteps(schedule: LogSchedule, total: number): number[] {
  checkSchedule(schedule);
  const set = new Set<number>([0, total]);
  if ("every" in schedule) {
    for (let s = 0; s <= total; s += schedule.every) set.add(s);
  } else if ("logSpaced" in schedule) {
    const n = schedule.logSpaced;
    for (let i = 0; i < n; i++) set.add(Math.round(Math.exp((Math.log(total + 1) * i) / (n - 1))) - 1);
  } else {
    for (const s of schedule.steps) if (s >= 0 && s <= total) set.add(Math.round(s));
  }
  return [...set].filter((s) => s >= 0 && s <= total).sort((a, b) => a - b);
}

/** A predicate `step -> measure now?` for a schedule over [0, total] (no per-step allocation). */
export function scheduleAt(schedule: LogSchedule, total: number): (step: number) => boolean {
  checkSchedule(schedule);
  if ("every" in schedule) {
    const every = schedule.every;
    return (s) => s === total || s % every === 0;
  }
  const set = new Set(scheduleSteps(schedule, total));
  return (s) => set.has(s);
}
