import { mseObjective } from "./objective.js";
import type { NeuronModel } from "./neuron-model.js";
import { type DiagonalData, checkDiagonalData } from "./diagonal-linear.js";

/**
 * A diagonal linear network f(x) = sum_i u_i v_i x_i as AGF neurons (arXiv 2506.06489): neuron i
 * has theta_i = (u_i, v_i) and output f_i = u_i v_i X[:, i] on the n samples (kappa = 2), with
 * the initialisation u_i = sqrt(2) alpha, v_i = 0 of the paper (norm sqrt(2) alpha). Utility
 * U_i = u v <X[:, i], r>, r = w (y - X beta).
 */
export function diagonalLinearNeurons(data: DiagonalData, alpha: number): NeuronModel {
  const { n, d } = checkDiagonalData(data);
  if (!(alpha > 0 && alpha < Math.SQRT1_2)) throw new RangeError(`alpha must be in (0, 1/sqrt(2)), got ${alpha}`);
  const flat: number[] = [];
  for (const row of data.x) for (let i = 0; i < d; i++) flat.push(row[i]);
  const column = (i: number) => Float64Array.from({ length: n }, (_, r) => data.x[r][i]);
  const cols = Array.from({ length: d }, (_, i) => column(i));
  const corr = (i: number, r: Float64Array) => {
    let c = 0;
    for (let s = 0; s < n; s++) c += cols[i][s] * r[s];
    return c;
  };
  return {
    count: d,
    dim: 2,
    kappa: 2,
    objective: mseObjective(data.y, n, 1, data.normalisation ?? "half-mean"),
    init: Array.from({ length: d }, () => Float64Array.from([Math.SQRT2 * alpha, 0])),
    forward(i, theta, out) {
      const b = theta[0] * theta[1];
      for (let s = 0; s < n; s++) out[s] = b * cols[i][s];
    },
    pullback(i, theta, cot, out) {
      const c = corr(i, cot);
      out[0] = theta[1] * c;
      out[1] = theta[0] * c;
    },
    utility(i, theta, r, grad) {
      const c = corr(i, r);
      grad[0] = theta[1] * c;
      grad[1] = theta[0] * c;
      return theta[0] * theta[1] * c;
    },
  };
}
