// Argument checks shared by the data generators: each error names the field, the value and what
// is allowed.

/** Throws unless `value` is an integer >= `min` (default 1). */
export function requireInt(field: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${field} must be an integer >= ${min}, got ${value}`);
}

/** Throws unless `value` is a finite number (optionally > 0 or >= 0). */
export function requireFinite(field: string, value: number, sign: "any" | "positive" | "non-negative" = "any"): void {
  const ok = Number.isFinite(value) && (sign === "any" || (sign === "positive" ? value > 0 : value >= 0));
  if (!ok) throw new RangeError(`${field} must be a finite${sign === "any" ? "" : ` ${sign}`} number, got ${value}`);
}

/** Throws unless `value` is in the interval (lo, hi] (exclusive lower, inclusive upper end). */
export function requireFraction(field: string, value: number): void {
  if (!(value > 0 && value <= 1)) throw new RangeError(`${field} must be in (0, 1], got ${value}`);
}
