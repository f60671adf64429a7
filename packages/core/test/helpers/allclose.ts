import type { Tensor } from "@saddle/core";

/**
 * Elementwise closeness |a - b| <= atol + rtol |b|, with NaN matching NaN and infinities matching
 * infinities of the same sign. Returns the first mismatch as a message, or null.
 */
export function mismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): string | null {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return `element ${i}: ${x} vs ${y}`;
    }
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x === y) continue;
      return `element ${i}: ${x} vs ${y}`;
    }
    if (Math.abs(x - y) > atol + rtol * Math.abs(y)) return `element ${i}: ${x} vs ${y} (|diff| ${Math.abs(x - y)})`;
  }
  return null;
}

/** Throws with a readable message unless two tensors have equal shapes and close values. */
export function expectAllclose(actual: Tensor, expected: Tensor | ArrayLike<number>, { rtol = 1e-12, atol = 1e-14, what = "" } = {}): void {
  const exp = "data" in expected ? (expected as Tensor).data : (expected as ArrayLike<number>);
  if ("shape" in expected) {
    const e = expected as Tensor;
    if (actual.shape.join() !== e.shape.join()) throw new Error(`${what} shape [${actual.shape.join(", ")}] != [${e.shape.join(", ")}]`);
  }
  const m = mismatch(actual.data, exp, rtol, atol);
  if (m !== null) throw new Error(`${what} ${m}`);
}

/** Relative Frobenius error |a - b| / |b| of two equal-length arrays. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}
