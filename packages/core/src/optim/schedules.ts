/**
 * Learning-rate schedules: functions of the step count (0-based) returning a multiplier or a rate.
 */
export type Schedule = (step: number) => number;

/** A constant value. */
export const constantSchedule = (value: number): Schedule => () => value;

/** Linear warm-up from 0 to `peak` over `warmup` steps, then constant. */
export const warmup = (peak: number, steps: number): Schedule => (t) => (steps > 0 && t < steps ? (peak * (t + 1)) / steps : peak);

/** Cosine decay from `init` to `init * alpha` over `decaySteps` (then held). */
export const cosineDecay = (init: number, decaySteps: number, alpha = 0): Schedule => (t) => {
  const c = Math.min(t, decaySteps) / decaySteps;
  return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * c)) + alpha);
};

/** Step decay: `init * factor^floor(t / every)`. */
export const stepDecay = (init: number, factor: number, every: number): Schedule => (t) => init * factor ** Math.floor(t / every);

/** Exponential decay `init * rate^(t / steps)`. */
export const exponentialDecay = (init: number, rate: number, steps: number): Schedule => (t) => init * rate ** (t / steps);

/** A number or a schedule, as a schedule. */
export function asSchedule(v: number | Schedule): Schedule {
  return typeof v === "number" ? constantSchedule(v) : v;
}
