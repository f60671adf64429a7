import { Tensor } from "../tensor/tensor.js";
import { bind } from "../prim/bind.js";
import { type Shape, normalizeAxis, shapesEqual, sizeOf } from "../tensor/shape.js";

/** Same data, new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const neg1 = shape.indexOf(-1);
  let target = [...shape];
  if (neg1 >= 0) {
    const rest = sizeOf(shape.filter((_, i) => i !== neg1));
    if (rest === 0 || x.size % rest !== 0) {
      throw new RangeError(`cannot reshape [${x.shape.join(", ")}] to [${shape.join(", ")}]`);
    }
    target[neg1] = x.size / rest;
  }
  target = target.map((d) => d);
  if (shapesEqual(target, x.shape)) return x;
  return bind("reshape", [x], { shape: target });
}

/** Permutes dimensions; the default reverses them. Output dimension i is input dimension perm[i]. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? perm.map((a) => normalizeAxis(a, x.rank)) : x.shape.map((_, i) => x.rank - 1 - i);
  if (p.every((a, i) => a === i)) return x;
  return bind("transpose", [x], { perm: p });
}

/** Swaps the last two dimensions (matrix transpose, batched). */
export function mT(x: Tensor): Tensor {
  if (x.rank < 2) throw new RangeError(`mT needs rank >= 2, got shape [${x.shape.join(", ")}]`);
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return transpose(x, perm);
}

/** numpy broadcast_to. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return bind("broadcast", [x], { shape: [...shape] });
}

/** Inserts a dimension of length 1 at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1);
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Removes dimensions of length 1 (all of them, or those named). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const list = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axes === "number" ? [axes] : axes).map((a) => normalizeAxis(a, x.rank));
  for (const a of list) if (x.shape[a] !== 1) throw new RangeError(`cannot squeeze axis ${a} of length ${x.shape[a]}`);
  return reshape(x, x.shape.filter((_, i) => !list.includes(i)));
}

/** Flattens to 1-D (numpy ravel). */
export const ravel = (x: Tensor): Tensor => reshape(x, [x.size]);

/**
 * A sub-block: per axis [start, stop) with optional step (numpy x[start:stop:step]); `null` or a
 * missing entry keeps the whole axis. Negative starts/stops count from the end.
 */
export function slice(x: Tensor, ranges: readonly (readonly [number, number?, number?] | null)[]): Tensor {
  const start: number[] = [];
  const size: number[] = [];
  const step: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const d = x.shape[i];
    const r = ranges[i];
    if (!r) {
      start.push(0);
      size.push(d);
      step.push(1);
      continue;
    }
    const st = r[2] ?? 1;
    if (!Number.isInteger(st) || st < 1) throw new RangeError(`slice step must be a positive integer, got ${st} on axis ${i}`);
    let a = r[0] < 0 ? r[0] + d : r[0];
    let b = r[1] === undefined ? d : r[1] < 0 ? r[1] + d : r[1];
    a = Math.min(Math.max(a, 0), d);
    b = Math.min(Math.max(b, a), d);
    start.push(a);
    size.push(Math.ceil((b - a) / st));
    step.push(st);
  }
  if (start.every((s) => s === 0) && step.every((s) => s === 1) && shapesEqual(size, x.shape)) return x;
  return bind("slice", [x], { start, size, step });
}

/** Zero padding with `before[i]`/`after[i]` entries on each axis. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.length !== x.rank || after.length !== x.rank) throw new RangeError(`pad needs ${x.rank} before and after widths`);
  for (const w of [...before, ...after]) if (!Number.isInteger(w) || w < 0) throw new RangeError(`pad widths must be non-negative integers, got ${w}`);
  if (before.every((b) => b === 0) && after.every((a) => a === 0)) return x;
  return bind("pad", [x], { before: [...before], after: [...after] });
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("concat needs at least one tensor");
  if (xs.length === 1) return xs[0];
  return bind("concat", xs, { axis: normalizeAxis(axis, xs[0].rank) });
}

/** Joins tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("stack needs at least one tensor");
  const a = normalizeAxis(axis, xs[0].rank + 1);
  return concat(xs.map((x) => expandDims(x, a)), a);
}

function toIndices(indices: ArrayLike<number>, n: number, axis: number): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    let k = indices[i];
    if (!Number.isInteger(k)) throw new RangeError(`index ${k} is not an integer`);
    if (k < 0) k += n;
    if (k < 0 || k >= n) throw new RangeError(`index ${indices[i]} out of range for axis ${axis} of length ${n}`);
    out[i] = k;
  }
  return out;
}

/**
 * Selects entries along `axis` (numpy take): integer `indices` of shape `indexShape` (default
 * 1-D) replace that dimension. Negative indices count from the end.
 */
export function take(x: Tensor, indices: ArrayLike<number>, axis = 0, indexShape?: Shape): Tensor {
  const a = normalizeAxis(axis, x.rank);
  const idx = toIndices(indices, x.shape[a], a);
  const ishape = indexShape ? [...indexShape] : [idx.length];
  if (sizeOf(ishape) !== idx.length) throw new RangeError(`indexShape [${ishape.join(", ")}] does not hold ${idx.length} indices`);
  return bind("gather", [x], { axis: a, indices: idx, indexShape: ishape });
}

/**
 * The adjoint of take: sums slices of `g` into a new dimension of length `size` at `axis`,
 * slice j going to position indices[j].
 */
export function scatterAdd(g: Tensor, indices: ArrayLike<number>, axis: number, size: number, indexShape?: Shape): Tensor {
  const idx = toIndices(indices, size, axis);
  const ishape = indexShape ? [...indexShape] : [idx.length];
  return bind("scatterAdd", [g], { axis, indices: idx, indexShape: ishape, size });
}

/** One-hot rows: out[i, labels[i]] = 1, shape (n, classes). */
export function oneHot(labels: ArrayLike<number>, classes: number, dtype: "f64" | "f32" = "f64"): Tensor {
  const data = dtype === "f64" ? new Float64Array(labels.length * classes) : new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (!Number.isInteger(k) || k < 0 || k >= classes) throw new RangeError(`label ${k} at position ${i} is outside 0..${classes - 1}`);
    data[i * classes + k] = 1;
  }
  return new Tensor(data, [labels.length, classes]);
}
