/**
 * The rule a claim applies, as data (stored, shown, exported) and as text. Every verdict helper
 * below fails on non-finite input with a reason, so NaN, Infinity or a missing value can never pass.
 */
export type Rule =
  /** |measured - theory| / |theory| <= tol */
  | { type: "rel"; tol: number }
  /** |measured - theory| <= tol */
  | { type: "abs"; tol: number }
  /** measured <= bound */
  | { type: "atMost"; bound: number }
  /** measured >= bound */
  | { type: "atLeast"; bound: number }
  /** lo <= measured <= hi */
  | { type: "between"; lo: number; hi: number }
  /** |measured - theory| / se <= maxZ, se the standard error of a sample of n */
  | { type: "z"; maxZ: number; n: number; se: number }
  /** measured === theory (counts, orders, integer labels) */
  | { type: "equal" };

/** A claim's verdict: what theory predicts, what was measured, the rule and whether it held. */
export interface ClaimResult {
  /** Saddle's own prediction for this config; null for a pure bound (no predicted value). */
  theory: number | null;
  measured: number;
  rule: Rule;
  /** The rule as a person reads it: "|rel err| <= 2%", "z <= 3 (n = 20)", "<= 1e-12", ">= 100". */
  ruleText: string;
  /** The rule's own error measure: relative error, absolute error or z-score; null for bounds. */
  error: number | null;
  pass: boolean;
  /** Why it failed when it failed for want of data (NaN, missing rows), or a note. */
  reason?: string;
  units?: string;
}

/** A short number for rule text: 0.02 -> "2%"-free plain form, 1e-12 -> "1e-12". */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  return x.toExponential(a.toExponential(0) === a.toExponential() ? 0 : 2).replace("e+", "e");
}

/** The rule as text. */
export function ruleText(r: Rule): string {
  switch (r.type) {
    case "rel":
      return `|rel err| <= ${fmtNum(100 * r.tol)}%`;
    case "abs":
      return `|err| <= ${fmtNum(r.tol)} abs`;
    case "atMost":
      return `<= ${fmtNum(r.bound)}`;
    case "atLeast":
      return `>= ${fmtNum(r.bound)}`;
    case "between":
      return `in [${fmtNum(r.lo)}, ${fmtNum(r.hi)}]`;
    case "z":
      return `|z| <= ${fmtNum(r.maxZ)} (n = ${r.n}, se ${fmtNum(r.se)})`;
    case "equal":
      return "= theory";
  }
}

export interface VerdictOptions {
  units?: string;
  /** A note kept with the result (e.g. what was measured). */
  note?: string;
}

function result(theory: number | null, measured: number, rule: Rule, error: number | null, pass: boolean, o: VerdictOptions = {}, reason?: string): ClaimResult {
  const r: ClaimResult = { theory, measured, rule, ruleText: ruleText(rule), error, pass, units: o.units };
  const why = reason ?? o.note;
  if (why !== undefined) r.reason = why;
  return r;
}

function nonFinite(named: Record<string, number | null>): string | undefined {
  const bad = Object.entries(named).filter(([, v]) => v !== null && !Number.isFinite(v));
  return bad.length ? bad.map(([k, v]) => `${k} is ${v}`).join(", ") : undefined;
}

/** Relative tolerance: pass when |measured - theory| / |theory| <= tol (theory must be nonzero). */
export function relClose(theory: number, measured: number, tol: number, o?: VerdictOptions): ClaimResult {
  const rule: Rule = { type: "rel", tol };
  const bad = nonFinite({ theory, measured }) ?? (theory === 0 ? "theory is 0 (use an absolute tolerance)" : undefined);
  if (bad) return result(theory, measured, rule, null, false, o, bad);
  const e = Math.abs(measured - theory) / Math.abs(theory);
  return result(theory, measured, rule, e, e <= tol, o);
}

/** Absolute tolerance: pass when |measured - theory| <= tol. */
export function absClose(theory: number, measured: number, tol: number, o?: VerdictOptions): ClaimResult {
  const rule: Rule = { type: "abs", tol };
  const bad = nonFinite({ theory, measured });
  if (bad) return result(theory, measured, rule, null, false, o, bad);
  const e = Math.abs(measured - theory);
  return result(theory, measured, rule, e, e <= tol, o);
}

/**
 * An upper bound: pass when measured <= bound. `theory` is the predicted value when there is one
 * (e.g. 0 for an exactly conserved quantity), else omit it.
 */
export function atMost(measured: number, bound: number, o: VerdictOptions & { theory?: number } = {}): ClaimResult {
  const rule: Rule = { type: "atMost", bound };
  const bad = nonFinite({ measured, bound });
  return result(o.theory ?? null, measured, rule, null, !bad && measured <= bound, o, bad);
}

/** A lower bound: pass when measured >= bound. */
export function atLeast(measured: number, bound: number, o: VerdictOptions & { theory?: number } = {}): ClaimResult {
  const rule: Rule = { type: "atLeast", bound };
  const bad = nonFinite({ measured, bound });
  return result(o.theory ?? null, measured, rule, null, !bad && measured >= bound, o, bad);
}

/** An interval: pass when lo <= measured <= hi. */
export function between(measured: number, lo: number, hi: number, o: VerdictOptions & { theory?: number } = {}): ClaimResult {
  const rule: Rule = { type: "between", lo, hi };
  const bad = nonFinite({ measured, lo, hi });
  return result(o.theory ?? null, measured, rule, null, !bad && measured >= lo && measured <= hi, o, bad);
}

/** Exact equality (a count, an order encoded as a number, an integer label). */
export function equals(theory: number, measured: number, o?: VerdictOptions): ClaimResult {
  const bad = nonFinite({ theory, measured });
  return result(theory, measured, { type: "equal" }, bad ? null : Math.abs(measured - theory), !bad && measured === theory, o, bad);
}

/**
 * A z-test of a sample mean against theory: z = (mean - theory) / se with se the standard error
 * the caller computed for its own sample of size n (e.g. std / sqrt(n), or a binomial
 * sqrt(p (1 - p) / n)); pass when |z| <= maxZ. The rule records n and se.
 */
export function zClose(theory: number, mean: number, se: number, n: number, maxZ = 3, o?: VerdictOptions): ClaimResult {
  const rule: Rule = { type: "z", maxZ, n, se };
  const bad = nonFinite({ theory, mean, se }) ?? (se > 0 ? (n >= 2 ? undefined : `sample size ${n} < 2`) : `standard error ${se} is not positive`);
  if (bad) return result(theory, mean, rule, null, false, o, bad);
  const z = (mean - theory) / se;
  return result(theory, mean, rule, z, Math.abs(z) <= maxZ, o);
}

/** Mean and standard error of the mean (std with n - 1, divided by sqrt(n)) of a sample. */
export function meanSe(xs: readonly number[]): { mean: number; se: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, se: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : NaN;
  return { mean, se: Math.sqrt(v / n), n };
}

/** A z-test of a sample's mean against theory, with the sample's own standard error. */
export function zSample(theory: number, sample: readonly number[], maxZ = 3, o?: VerdictOptions): ClaimResult {
  const { mean, se, n } = meanSe(sample);
  return zClose(theory, mean, se, n, maxZ, o);
}

/** A failed verdict for a reason (e.g. the data needed was not produced). */
export function failed(reason: string, rule: Rule = { type: "equal" }): ClaimResult {
  return result(null, NaN, rule, null, false, {}, reason);
}
