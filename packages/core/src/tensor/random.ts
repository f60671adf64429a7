import { Tensor } from "./tensor.js";
import { type DType, DEFAULT_DTYPE, allocate } from "./dtype.js";
import { type Shape, checkShape, sizeOf } from "./shape.js";
import type { Rng } from "./rng.js";

/** Tensor of i.i.d. uniform draws in [low, high). */
export function uniform(rng: Rng, shape: Shape, { low = 0, high = 1, dtype = DEFAULT_DTYPE }: { low?: number; high?: number; dtype?: DType } = {}): Tensor {
  checkShape(shape);
  const data = allocate(dtype, sizeOf(shape));
  rng.fillUniform(data, low, high);
  return new Tensor(data, shape);
}

/** Tensor of i.i.d. normal draws N(mean, std^2). */
export function normal(rng: Rng, shape: Shape, { mean = 0, std = 1, dtype = DEFAULT_DTYPE }: { mean?: number; std?: number; dtype?: DType } = {}): Tensor {
  checkShape(shape);
  const data = allocate(dtype, sizeOf(shape));
  rng.fillNormal(data, mean, std);
  return new Tensor(data, shape);
}

/** Tensor of i.i.d. Bernoulli(p) draws as 0/1. */
export function bernoulli(rng: Rng, shape: Shape, p: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  checkShape(shape);
  const bits = rng.bernoulli(p, sizeOf(shape));
  const data = allocate(dtype, bits.length);
  for (let i = 0; i < bits.length; i++) data[i] = bits[i];
  return new Tensor(data, shape);
}
