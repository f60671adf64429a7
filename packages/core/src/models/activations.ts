import type { Tensor } from "../tensor/tensor.js";
import { erf, mul, tanh, add, pow } from "../ops/elementwise.js";
import { relu, sigmoid, gelu } from "../ops/nn.js";

/** Activation functions by name (models take names so configs stay plain data). */
export const ACTIVATIONS = {
  linear: (x: Tensor) => x,
  relu,
  tanh,
  erf,
  sigmoid,
  gelu,
  /** x^2: the quadratic network of AGF's modular-addition setting (arXiv 2506.06489). */
  quadratic: (x: Tensor) => mul(x, x),
  /** x + x^2/2: a generic polynomial activation. */
  polynomial: (x: Tensor) => add(x, mul(pow(x, 2), 0.5)),
} as const;

export type ActivationName = keyof typeof ACTIVATIONS;

/** The activation function called `name` (one of ACTIVATIONS); throws a RangeError naming the allowed ones. */
export function activation(name: string): (x: Tensor) => Tensor {
  const f = (ACTIVATIONS as Record<string, (x: Tensor) => Tensor>)[name];
  if (!f) throw new RangeError(`activation '${name}' is unknown; allowed: ${Object.keys(ACTIVATIONS).join(", ")}`);
  return f;
}
