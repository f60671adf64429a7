/**
 * Shapes, sizes and numpy-style broadcasting. Shapes are plain readonly arrays of non-negative
 * integers; a scalar has shape []. Everything is row-major and contiguous.
 */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar, 0 if any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous array of this shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a clear error unless `shape` is a list of non-negative integers. */
export function checkShape(shape: Shape, what = "shape"): void {
  if (!Array.isArray(shape)) throw new TypeError(`${what} must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what} [${shape.join(", ")}] has dimension ${d}; dimensions must be non-negative integers`);
    }
  }
}

/**
 * The numpy broadcast of two shapes: align on the right; each pair of dimensions must be equal or
 * one of them 1. Throws naming both shapes otherwise.
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new RangeError(`shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast (dimension ${i}: ${da} vs ${db})`);
  }
  return out;
}

/** Normalises a possibly negative axis against `rank`; throws naming the allowed range. */
export function normalizeAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new RangeError(`axis ${axis} is out of range for a tensor of rank ${rank} (allowed ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalised, sorted, de-duplicated axes; `undefined` means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank)))];
  return out.sort((x, y) => x - y);
}

/**
 * For a contiguous array of `shape` broadcast to `target`, the stride of each target dimension in
 * the source (0 where the source is broadcast).
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : strides[i];
  return out;
}
