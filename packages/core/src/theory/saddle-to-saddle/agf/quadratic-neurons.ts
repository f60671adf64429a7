import type { LossNormalisation } from "../../../conventions.js";
import { mseObjective } from "./objective.js";
import type { NeuronModel } from "./neuron-model.js";

/**
 * The quadratic network of AGF's modular-addition setting as neurons (kappa = 3; arXiv 2506.06489,
 * section 5): neuron h has theta_h = (u_h, v_h, w_h) in R^(3p) and outputs
 *   f_h(a, b) = w_h (u_h . roll(x, a) + v_h . roll(x, b))^2   (p outputs per pair),
 * over all p^2 pairs (row a p + b, roll(x, a)_j = x_((j - a) mod p)), with target
 * roll(x, (a + b) mod p) and a squared-error loss under `normalisation`. The circulant structure
 * makes a forward pass O(p^3) per neuron instead of a dense (p^2, 2p) product.
 */
export function quadraticModularNeurons(template: ArrayLike<number>, init: readonly Float64Array[], normalisation: LossNormalisation = "half-mean"): NeuronModel {
  const p = template.length;
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`template length p must be an integer >= 2, got ${p}`);
  init.forEach((t, i) => {
    if (t.length !== 3 * p) throw new RangeError(`quadraticModularNeurons: init[${i}] must have length 3p = ${3 * p}, got ${t.length}`);
  });
  const x = Float64Array.from(template);
  const n = p * p;
  const target = new Float64Array(n * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let j = 0; j < p; j++) target[(a * p + b) * p + j] = x[(((j - a - b) % p) + 2 * p) % p];
  const A = new Float64Array(p);
  const B = new Float64Array(p);
  const s = new Float64Array(n);
  const q = new Float64Array(n);
  // A_a = sum_j u_j x_((j - a) mod p): circular cross-correlation.
  const correlate = (u: Float64Array, out: Float64Array) => {
    for (let a = 0; a < p; a++) {
      let acc = 0;
      for (let j = 0; j < p; j++) acc += u[j] * x[(j - a + p) % p];
      out[a] = acc;
    }
  };
  const pre = (theta: Float64Array) => {
    correlate(theta.subarray(0, p), A);
    correlate(theta.subarray(p, 2 * p), B);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s[a * p + b] = A[a] + B[b];
  };
  // Given q_ab = sum_j w_j cot_abj, writes du, dv (chain rule through s^2) into out[0..2p).
  const back = (out: Float64Array) => {
    A.fill(0);
    B.fill(0);
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) {
        const g = 2 * s[a * p + b] * q[a * p + b];
        A[a] += g;
        B[b] += g;
      }
    for (let j = 0; j < p; j++) {
      let du = 0;
      let dv = 0;
      for (let a = 0; a < p; a++) {
        const xv = x[(j - a + p) % p];
        du += A[a] * xv;
        dv += B[a] * xv;
      }
      out[j] = du;
      out[p + j] = dv;
    }
  };
  const pullInto = (theta: Float64Array, cot: Float64Array, out: Float64Array) => {
    pre(theta);
    const w = theta.subarray(2 * p);
    for (let j = 0; j < p; j++) out[2 * p + j] = 0;
    for (let r = 0; r < n; r++) {
      const s2 = s[r] * s[r];
      let acc = 0;
      const off = r * p;
      for (let j = 0; j < p; j++) {
        acc += w[j] * cot[off + j];
        out[2 * p + j] += s2 * cot[off + j];
      }
      q[r] = acc;
    }
    back(out);
  };
  return {
    count: init.length,
    dim: 3 * p,
    kappa: 3,
    objective: mseObjective(target, n, p, normalisation),
    init,
    forward(_h, theta, out) {
      pre(theta);
      const w = theta.subarray(2 * p);
      for (let r = 0; r < n; r++) {
        const s2 = s[r] * s[r];
        const off = r * p;
        for (let j = 0; j < p; j++) out[off + j] = w[j] * s2;
      }
    },
    pullback(_h, theta, cot, out) {
      pullInto(theta, cot, out);
    },
    utility(_h, theta, r, grad) {
      pullInto(theta, r, grad);
      // U = <f, r> = sum_ab s_ab^2 q_ab (q from the pullback pass).
      let u = 0;
      for (let i = 0; i < n; i++) u += s[i] * s[i] * q[i];
      return u;
    },
  };
}
