import { lossScale } from "../../../conventions.js";
import { quadraticObjective } from "./objective.js";
import type { NeuronModel } from "./neuron-model.js";
import type { LinearNetworkMoments } from "./linear-network.js";

/**
 * A fully connected two-layer linear network f(x) = A W x = sum_i a_i (w_i^T x) as AGF neurons
 * (kappa = 2): neuron i has theta_i = (a_i in R^c, w_i in R^d) and contributes vec(a_i w_i^T) to
 * beta = A W. The population loss 1/2 E|y - beta x|^2 = 1/2 (tr Syy - 2 tr(beta Sxy) +
 * tr(beta Sxx beta^T)) is a quadratic in vec(beta) (row-major, index i d + j); `normalisation`
 * "half-mean" divides it by c (Saddle's MSE), "half-mean-samples" keeps the sum over outputs.
 */
export function linearNetworkNeurons(moments: LinearNetworkMoments, init: readonly Float64Array[], normalisation: "half-mean" | "half-mean-samples" = "half-mean"): NeuronModel {
  const { sxx, syx, d, c } = moments;
  const scale = lossScale("half-mean-samples", normalisation, 1, c);
  const size = c * d;
  const G = new Float64Array(size * size);
  for (let i = 0; i < c; i++) for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) G[(i * d + j) * size + i * d + l] = scale * sxx[j * d + l];
  const b = Float64Array.from(syx, (v) => scale * v);
  const { traceSyy } = moments;
  if (traceSyy === undefined) throw new RangeError("linearNetworkNeurons: moments.traceSyy is required (the loss's constant term)");
  const objective = quadraticObjective(G, b, 0.5 * scale * traceSyy);
  init.forEach((t, i) => {
    if (t.length !== c + d) throw new RangeError(`linearNetworkNeurons: init[${i}] must have length c + d = ${c + d}, got ${t.length}`);
  });
  return {
    count: init.length,
    dim: c + d,
    kappa: 2,
    objective,
    init,
    forward(_i, theta, out) {
      for (let a = 0; a < c; a++) for (let j = 0; j < d; j++) out[a * d + j] = theta[a] * theta[c + j];
    },
    pullback(_i, theta, cot, out) {
      for (let a = 0; a < c; a++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += cot[a * d + j] * theta[c + j];
        out[a] = s;
      }
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let a = 0; a < c; a++) s += cot[a * d + j] * theta[a];
        out[c + j] = s;
      }
    },
  };
}
