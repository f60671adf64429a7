/**
 * Learning-rate schedules: functions of the step count k = 0, 1, 2, ... (the number of updates
 * done before this one) returning a rate. `scaleByLearningRate` and the aliases accept a number or
 * a schedule. Schedules are pure, so a resumed run (which restores the count) continues exactly.
 */
export type Schedule = (step: number) => number;

function check(name: string, v: number, allowed: string, ok: boolean): void {
  if (!ok) throw new RangeError(`${name} must be ${allowed}, got ${v}`);
}

/** A constant value. */
export const constantSchedule = (value: number): Schedule => () => value;

/** Linear interpolation from `init` (step 0) to `end` (step `steps`), then held at `end`. */
export function linearSchedule(init: number, end: number, steps: number): Schedule {
  check("linearSchedule steps", steps, "a positive integer", Number.isInteger(steps) && steps > 0);
  return (k) => init + (end - init) * Math.min(Math.max(k, 0), steps) / steps;
}

/** Linear warm-up: peak (k + 1) / steps for k < steps, then `peak` (the first update is not zero). */
export function warmup(peak: number, steps: number): Schedule {
  check("warmup steps", steps, "a non-negative integer", Number.isInteger(steps) && steps >= 0);
  return (k) => (k < steps ? (peak * (k + 1)) / steps : peak);
}

/**
 * Cosine decay (Loshchilov & Hutter, arXiv 1608.03983, without restarts):
 * init ((1 - alpha) (1 + cos(pi min(k, K) / K)) / 2 + alpha), K = decaySteps; ends at init alpha.
 */
export function cosineDecay(init: number, decaySteps: number, alpha = 0): Schedule {
  check("cosineDecay decaySteps", decaySteps, "a positive integer", Number.isInteger(decaySteps) && decaySteps > 0);
  return (k) => {
    const c = Math.min(Math.max(k, 0), decaySteps) / decaySteps;
    return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * c)) + alpha);
  };
}

/** Linear warm-up over `warmupSteps` to `peak`, then cosine decay to peak alpha over `decaySteps`. */
export function warmupCosineDecay(peak: number, warmupSteps: number, decaySteps: number, alpha = 0): Schedule {
  const up = warmup(peak, warmupSteps);
  const down = cosineDecay(peak, decaySteps, alpha);
  return (k) => (k < warmupSteps ? up(k) : down(k - warmupSteps));
}

/** Step decay: init factor^floor(k / every). */
export function stepDecay(init: number, factor: number, every: number): Schedule {
  check("stepDecay every", every, "a positive integer", Number.isInteger(every) && every > 0);
  return (k) => init * factor ** Math.floor(k / every);
}

/** Exponential decay: init rate^(k / steps) (continuous; rate per `steps` steps). */
export function exponentialDecay(init: number, rate: number, steps: number): Schedule {
  check("exponentialDecay steps", steps, "> 0", steps > 0);
  check("exponentialDecay rate", rate, "> 0", rate > 0);
  return (k) => init * rate ** (k / steps);
}

/** A number or a schedule, as a schedule. */
export function asSchedule(v: number | Schedule): Schedule {
  return typeof v === "number" ? constantSchedule(v) : v;
}
