import { type DType, type TypedArray, DEFAULT_DTYPE, allocate, dtypeOf } from "./dtype.js";
import { type Shape, checkShape, sizeOf, stridesOf } from "./shape.js";
import type { Prim } from "../prim/primitives.js";

/**
 * A node of the autodiff graph: the primitive that produced a tensor, its inputs and parameters.
 * `prim === null` marks a differentiation leaf (an input of `vjp`), whose single input, if any,
 * is the outer-level tensor it stands for (identity), so nested differentiation flows through.
 * `id` increases with creation order; a backward pass prunes nodes older than its leaves.
 */
export interface Node {
  readonly id: number;
  readonly prim: Prim | null;
  readonly inputs: readonly Tensor[];
  readonly params: unknown;
}

let nextNodeId = 1;
/** A fresh, increasing node id. */
export function newNodeId(): number {
  return nextNodeId++;
}

export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array: a shape, a dtype and a contiguous, row-major, GC-owned typed array.
 * Tensors are immutable by convention: operations return new tensors. `node` links a tensor to the
 * autodiff graph while it is being differentiated.
 */
export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: TypedArray;
  node: Node | null;

  /**
   * `trusted` (internal) skips validation and takes ownership of `shape` without copying; used by
   * `bind`, whose shapes come from the shape rules.
   */
  constructor(data: TypedArray, shape: Shape, node: Node | null = null, trusted = false) {
    if (!trusted) {
      checkShape(shape);
      if (data.length !== sizeOf(shape)) {
        throw new RangeError(`data has ${data.length} elements but shape [${shape.join(", ")}] needs ${sizeOf(shape)}`);
      }
      shape = [...shape];
    }
    this.data = data;
    this.shape = Object.freeze(shape as number[]);
    this.dtype = dtypeOf(data);
    this.node = node;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item() needs a tensor with one element, got shape [${this.shape.join(", ")}]`);
    return this.data[0];
  }

  /** The element at a multi-index. */
  get(...index: number[]): number {
    if (index.length !== this.rank) throw new RangeError(`get() needs ${this.rank} indices, got ${index.length}`);
    const strides = stridesOf(this.shape);
    let off = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new RangeError(`index ${k} out of range for dimension ${i} of size ${this.shape[i]}`);
      }
      off += k * strides[i];
    }
    return this.data[off];
  }

  /** The values as nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const rec = (dim: number, off: number): NestedArray => {
      if (dim === this.rank) return this.data[off];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => rec(dim + 1, off + i * stride));
    };
    return rec(0, 0);
  }

  /** A plain copy of the values as a Float64Array. */
  toFloat64Array(): Float64Array {
    return Float64Array.from(this.data);
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(", ")}])`;
  }
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/**
 * A tensor from nested arrays, a number, or a flat typed/plain array with a `shape`.
 * `tensor([[1, 2], [3, 4]])`, `tensor(3)`, `tensor(new Float64Array(6), [2, 3])`.
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: Shape, dtype: DType = DEFAULT_DTYPE): Tensor {
  if (typeof values === "number") {
    const data = allocate(dtype, 1);
    data[0] = values;
    return new Tensor(data, shape ?? []);
  }
  if (shape !== undefined && !Array.isArray(values)) {
    const src = values as ArrayLike<number>;
    const data = allocate(dtype, src.length);
    for (let i = 0; i < src.length; i++) data[i] = src[i];
    return new Tensor(data, shape);
  }
  if (!Array.isArray(values)) {
    const src = values as ArrayLike<number>;
    return tensor(src, [src.length], dtype);
  }
  const inferred = shape ?? inferShape(values as NestedArray);
  const flat: unknown[] = [];
  const collect = (v: NestedArray): void => {
    if (Array.isArray(v)) for (const c of v) collect(c);
    else flat.push(v);
  };
  collect(values as NestedArray);
  const data = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const x = flat[i];
    if (typeof x !== "number") throw new TypeError(`tensor() values must be numbers; element ${i} is ${typeof x}`);
    data[i] = x;
  }
  if (data.length !== sizeOf(inferred)) {
    throw new RangeError(`ragged nested array: ${data.length} numbers do not fill shape [${inferred.join(", ")}]`);
  }
  return new Tensor(data, inferred);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = DEFAULT_DTYPE): Tensor {
  checkShape(shape);
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  checkShape(shape);
  const data = allocate(dtype, sizeOf(shape));
  data.fill(value);
  return new Tensor(data, shape);
}

export function ones(shape: Shape, dtype: DType = DEFAULT_DTYPE): Tensor {
  return full(shape, 1, dtype);
}

/** A scalar tensor. */
export function scalar(value: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  return full([], value, dtype);
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m: number = n, dtype: DType = DEFAULT_DTYPE): Tensor {
  const t = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** start, start + step, ... below stop (numpy arange). */
export function arange(start: number, stop?: number, step = 1, dtype: DType = DEFAULT_DTYPE): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0) throw new RangeError("arange step must be non-zero");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  const data = allocate(dtype, num);
  for (let i = 0; i < num; i++) data[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  return new Tensor(data, [num]);
}

/** `num` values evenly spaced in log10 from 10^a to 10^b. */
export function logspace(a: number, b: number, num: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  const t = linspace(a, b, num, dtype);
  for (let i = 0; i < num; i++) t.data[i] = 10 ** t.data[i];
  return t;
}

/** The same values with no autodiff history (gradients do not flow through it). */
export function stopGradient(x: Tensor): Tensor {
  return x.node === null ? x : new Tensor(x.data, x.shape);
}

/** A deep copy with a fresh buffer and no history. */
export function clone(x: Tensor): Tensor {
  return new Tensor(x.data.slice(), x.shape);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
