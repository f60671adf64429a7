/** Magnitudes between 2^-SAFE_EXPONENT and 2^SAFE_EXPONENT can be squared and summed safely. */
const SAFE_EXPONENT = 256;

/**
 * Exponent e such that amax * 2^-e lies in [0.5, 1), when the largest magnitude `amax` of a
 * matrix lies outside [2^-256, 2^256]; 0 otherwise (no scaling needed). A kernel scales its input
 * by 2^-e, works without overflow or underflow in sums of squares, and scales its eigen/singular
 * values back by 2^e. Powers of two scale exactly (away from the subnormal range).
 */
export function safeExponent(amax: number): number {
  if (amax === 0 || !Number.isFinite(amax) || (amax >= 2 ** -SAFE_EXPONENT && amax <= 2 ** SAFE_EXPONENT)) return 0;
  return Math.floor(Math.log2(amax)) + 1;
}

/** x <- x * 2^e in place, in two steps so that neither factor overflows (|e| up to ~2100). */
export function scaleByPowerOfTwo(x: Float64Array, e: number): void {
  if (e === 0) return;
  const half = Math.trunc(e / 2);
  const f1 = 2 ** half;
  const f2 = 2 ** (e - half);
  for (let i = 0; i < x.length; i++) x[i] = x[i] * f1 * f2;
}

/** Largest absolute value among the first `length` entries of x (0 when empty). */
export function maxAbs(x: Float64Array, length = x.length): number {
  let amax = 0;
  for (let i = 0; i < length; i++) {
    const v = Math.abs(x[i]);
    if (v > amax) amax = v;
  }
  return amax;
}
