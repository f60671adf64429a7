/**
 * Analytic infinite-width kernels of fully connected networks, composed layer by layer in the
 * style of neural-tangents' stax (Novak et al., arXiv 1912.02803): each layer is a rule mapping
 * the kernel state of its inputs to that of its outputs, so a new layer is one rule.
 *
 * For inputs X1 (n1, d) and X2 (n2, d) the state holds, as plain row-major Float64Arrays, the
 * cross NNGP and NTK matrices (n1, n2) and the same two kernels on the diagonal of each input set
 * (n1) and (n2); nonlinearities need the diagonals to normalise the correlation. `width` is the
 * nominal number of channels of the current layer (d at the input); only the standard
 * parametrization's NTK depends on it.
 */
export interface KernelState {
  n1: number;
  n2: number;
  /** Cross NNGP (n1, n2): E[z(x1_i) z(x2_j)] for one channel z of the current layer. */
  nngp: Float64Array;
  /** Cross NTK (n1, n2). */
  ntk: Float64Array;
  /** NNGP diagonals: the variances q(x1_i) (n1) and q(x2_j) (n2). */
  var1: Float64Array;
  var2: Float64Array;
  /** NTK diagonals (n1) and (n2). */
  ntk1: Float64Array;
  ntk2: Float64Array;
  /** Nominal channel count of the current layer. */
  width: number;
}

/** A layer's kernel rule. */
export type KernelLayer = (s: KernelState) => KernelState;

/** Serial composition: the kernel rule of layers applied in order. */
export function serial(...layers: KernelLayer[]): KernelLayer {
  return (s) => layers.reduce((acc, layer) => layer(acc), s);
}

/** Row-major matrix-like input: a Tensor or any {data, shape} pair. */
export interface MatrixLike {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/**
 * The kernel state of the raw inputs x1 (n1, d), x2 (n2, d): nngp = x1 x2^T / d (the 1/d that
 * the first Dense layer's 1/sqrt(fan_in) brings), ntk = 0, width = d.
 */
export function inputState(x1: MatrixLike, x2: MatrixLike = x1): KernelState {
  if (x1.shape.length !== 2 || x2.shape.length !== 2) {
    throw new RangeError(`kernel inputs must be matrices (n, d); got shapes [${x1.shape.join(", ")}] and [${x2.shape.join(", ")}]`);
  }
  const [n1, d] = x1.shape;
  const n2 = x2.shape[0];
  if (x2.shape[1] !== d) throw new RangeError(`kernel inputs have ${d} and ${x2.shape[1]} features; they must match`);
  if (!(d >= 1)) throw new RangeError(`kernel inputs need at least one feature, got d = ${d}`);
  const dot = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
    return s / d;
  };
  const nngp = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) nngp[i * n2 + j] = dot(x1.data, i, x2.data, j);
  const var1 = Float64Array.from({ length: n1 }, (_, i) => dot(x1.data, i, x1.data, i));
  const var2 = Float64Array.from({ length: n2 }, (_, j) => dot(x2.data, j, x2.data, j));
  return { n1, n2, nngp, ntk: new Float64Array(n1 * n2), var1, var2, ntk1: new Float64Array(n1), ntk2: new Float64Array(n2), width: d };
}

/**
 * Evaluates a composed kernel rule on inputs x1 (n1, d) and x2 (n2, d) (x2 defaults to x1).
 * Returns the (n1, n2) NNGP and NTK matrices, row-major. For a network whose last layer is a
 * Dense readout these are the output GP covariance and the infinite-width NTK.
 */
export function kernelFn(layer: KernelLayer, x1: MatrixLike, x2: MatrixLike = x1): { nngp: Float64Array; ntk: Float64Array } {
  const out = layer(inputState(x1, x2));
  return { nngp: out.nngp, ntk: out.ntk };
}
