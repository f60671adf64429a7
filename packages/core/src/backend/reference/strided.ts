import type { Shape } from "../../tensor/shape.js";

/**
 * Walks every index of `shape` in row-major order, keeping one running offset per operand (each
 * with its own strides, 0 on broadcast dimensions). Calls `inner(offsets, count, innerStrides)`
 * once per run of the last dimension, so kernels keep a tight inner loop.
 */
export function forEachRun(
  shape: Shape,
  strides: readonly (readonly number[])[],
  inner: (offsets: readonly number[], count: number, innerStrides: readonly number[]) => void,
): void {
  const rank = shape.length;
  const nOps = strides.length;
  for (const d of shape) if (d === 0) return;
  if (rank === 0) {
    inner(new Array(nOps).fill(0), 1, new Array(nOps).fill(0));
    return;
  }
  const last = rank - 1;
  const count = shape[last];
  const innerStrides = strides.map((s) => s[last]);
  const offsets = new Array<number>(nOps).fill(0);
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    inner(offsets, count, innerStrides);
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let o = 0; o < nOps; o++) offsets[o] += strides[o][d];
      if (idx[d] < shape[d]) break;
      for (let o = 0; o < nOps; o++) offsets[o] -= strides[o][d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
