import { Tensor } from "../tensor/tensor.js";
import { bind } from "../prim/bind.js";
import { type Shape, normalizeAxes, shapesEqual } from "../tensor/shape.js";
import { reshape, broadcastTo } from "./movement.js";
import { div, neg, sub, mul } from "./elementwise.js";

export type Axes = number | readonly number[] | undefined;

function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sum over `axes` (all by default); `keepdims` leaves reduced axes as length 1. */
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank);
  if (ax.length === 0) return x;
  const r = bind("sum", [x], { axes: ax });
  return keepdims ? reshape(r, keptShape(x.shape, ax)) : r;
}

/** Maximum over `axes`; gradient split equally among ties. */
export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank);
  if (ax.length === 0) return x;
  const r = bind("max", [x], { axes: ax });
  return keepdims ? reshape(r, keptShape(x.shape, ax)) : r;
}

/** Minimum over `axes`, as -max(-x). */
export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return neg(max(neg(x), axes, keepdims));
}

/** Arithmetic mean over `axes`. */
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank);
  let count = 1;
  for (const a of ax) count *= x.shape[a];
  return div(sum(x, ax, keepdims), count);
}

/** Population variance over `axes` (divides by the count). */
export function variance(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const d = sub(x, mean(x, axes, true));
  return mean(mul(d, d), axes, keepdims);
}

/**
 * Sums a broadcast result back to `shape` (the adjoint of broadcasting): sums leading extra
 * dimensions and dimensions where `shape` has length 1.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? bind("sum", [g], { axes }) : g;
  return reshape(s, shape);
}

/** The adjoint of a reduction: reshapes `g` to the kept-dims shape and broadcasts to `shape`. */
export function unreduce(g: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, keptShape(shape, axes)), shape);
}

/** Index of the maximum along `axis` (no gradient), as plain integers. */
export function argmax(x: Tensor, axis = -1): Int32Array {
  const a = normalizeAxes(axis, x.rank)[0];
  const n = x.shape[a];
  let inner = 1;
  for (let i = a + 1; i < x.rank; i++) inner *= x.shape[i];
  const outer = x.size / (n * inner || 1);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let arg = 0;
      for (let j = 0; j < n; j++) {
        const v = x.data[(o * n + j) * inner + i];
        if (v > best) {
          best = v;
          arg = j;
        }
      }
      out[o * inner + i] = arg;
    }
  }
  return out;
}
