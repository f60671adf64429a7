import { type LossNormalisation, lossScale } from "../../../conventions.js";

/**
 * The loss of a sum-of-neurons model as a function of its total output F (a flat vector: the
 * network's outputs on every sample and output coordinate, or any linear "feature" the loss
 * depends on). AGF needs the loss value and the residual r(F) = -dL/dF: the utility of a neuron is
 * U_i = <f_i, r> (Kunin et al., Alternating Gradient Flows, arXiv 2506.06489).
 */
export interface AgfObjective {
  /** Length of the output vector F. */
  size: number;
  /** L(F). */
  value(output: Float64Array): number;
  /** Writes r = -dL/dF at F into `out` (length `size`). */
  residual(output: Float64Array, out: Float64Array): void;
}

function requireLength(field: string, v: ArrayLike<number>, n: number): void {
  if (v.length !== n) throw new RangeError(`${field} must have length ${n}, got ${v.length}`);
}

/**
 * Squared error L(F) = (w / 2) sum_j (y_j - F_j)^2 over the flattened samples x outputs, with
 * r = w (y - F). The weight w comes from a named normalisation (conventions.ts):
 * w = 2 lossScale("sum", normalisation, n, k), e.g. w = 1 / (n k) for Saddle's 1/2-mean MSE and
 * w = 2 / (n k) for PyTorch's nn.MSELoss. `target` is (n, k) flattened row-major.
 */
export function mseObjective(target: ArrayLike<number>, samples: number, outputs = 1, normalisation: LossNormalisation = "half-mean"): AgfObjective {
  requireLength("mseObjective target", target, samples * outputs);
  const w = 2 * lossScale("sum", normalisation, samples, outputs);
  const y = Float64Array.from(target);
  const size = y.length;
  return {
    size,
    value(f) {
      let s = 0;
      for (let j = 0; j < size; j++) {
        const e = y[j] - f[j];
        s += e * e;
      }
      return 0.5 * w * s;
    },
    residual(f, out) {
      for (let j = 0; j < size; j++) out[j] = w * (y[j] - f[j]);
    },
  };
}

/**
 * A quadratic loss L(F) = 1/2 F^T G F - b^T F + c0 with G symmetric positive semi-definite
 * (size x size, row-major), so r = b - G F. Population losses of models linear in a feature
 * (e.g. a linear transformer's E (z^T M x_q - y_q)^2 as a function of vec M) take this form.
 */
export function quadraticObjective(gram: ArrayLike<number>, linear: ArrayLike<number>, constant: number): AgfObjective {
  const size = linear.length;
  requireLength("quadraticObjective gram", gram, size * size);
  if (!Number.isFinite(constant)) throw new RangeError(`quadraticObjective constant must be finite, got ${constant}`);
  const G = Float64Array.from(gram);
  const b = Float64Array.from(linear);
  const gf = new Float64Array(size);
  const apply = (f: Float64Array) => {
    for (let i = 0; i < size; i++) {
      let s = 0;
      for (let j = 0; j < size; j++) s += G[i * size + j] * f[j];
      gf[i] = s;
    }
  };
  return {
    size,
    value(f) {
      apply(f);
      let q = 0;
      let l = 0;
      for (let i = 0; i < size; i++) {
        q += f[i] * gf[i];
        l += b[i] * f[i];
      }
      return 0.5 * q - l + constant;
    },
    residual(f, out) {
      apply(f);
      for (let i = 0; i < size; i++) out[i] = b[i] - gf[i];
    },
  };
}
