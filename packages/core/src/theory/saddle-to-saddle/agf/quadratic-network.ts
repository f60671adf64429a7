import { type LossNormalisation, lossScale } from "../../../conventions.js";

/**
 * Full-batch loss and gradient of the whole quadratic modular-addition network
 * f(a, b) = sum_h w_h (u_h . roll(x, a) + v_h . roll(x, b))^2 on all p^2 pairs, target
 * roll(x, a + b) (the model of quadratic-neurons.ts, evaluated in one fused pass for simulation).
 * Parameters are one flat array of H rows [u_h (p) | v_h (p) | w_h (p)]. With s_abh = A_ah + B_bh,
 * A_ah = u_h . roll(x, a): F = S2 W with S2_(ab)h = s_abh^2, L = (w/2) |Y - F|^2 and
 * dL/dW = -S2^T R, dL/ds_abh = -2 s_abh (R W^T)_(ab)h, R = w (Y - F). Cost O(p^3 H) per call.
 * Returns a function (theta, grad) -> loss that reuses its buffers.
 */
export function quadraticModularLossAndGrad(template: ArrayLike<number>, hidden: number, normalisation: LossNormalisation = "half-mean"): (theta: Float64Array, grad: Float64Array) => number {
  const p = template.length;
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`template length p must be an integer >= 2, got ${p}`);
  if (!Number.isInteger(hidden) || hidden < 1) throw new RangeError(`hidden must be a positive integer, got ${hidden}`);
  const H = hidden;
  const n = p * p;
  const x = Float64Array.from(template);
  const weight = 2 * lossScale("sum", normalisation, n, p);
  // roll table: X[a * p + j] = x_((j - a) mod p)
  const X = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let j = 0; j < p; j++) X[a * p + j] = x[(j - a + p) % p];
  const A = new Float64Array(p * H); // (a, h)
  const B = new Float64Array(p * H);
  const s = new Float64Array(n * H); // (ab, h)
  const s2 = new Float64Array(n * H);
  const W = new Float64Array(H * p); // (h, j)
  const R = new Float64Array(p); // residual row
  const F = new Float64Array(p); // output row
  const dS = new Float64Array(n * H);
  const dA = new Float64Array(p * H);
  const dB = new Float64Array(p * H);
  const size = 3 * p * H;
  return (theta, grad) => {
    if (theta.length !== size || grad.length !== size) throw new RangeError(`quadraticModularLossAndGrad: theta and grad must have length 3 p H = ${size}, got ${theta.length} and ${grad.length}`);
    for (let h = 0; h < H; h++) {
      const off = 3 * p * h;
      for (let j = 0; j < p; j++) W[h * p + j] = theta[off + 2 * p + j];
      for (let a = 0; a < p; a++) {
        let ua = 0;
        let vb = 0;
        for (let j = 0; j < p; j++) {
          ua += theta[off + j] * X[a * p + j];
          vb += theta[off + p + j] * X[a * p + j];
        }
        A[a * H + h] = ua;
        B[a * H + h] = vb;
      }
    }
    grad.fill(0);
    let loss = 0;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const r = a * p + b;
        const ro = r * H;
        for (let h = 0; h < H; h++) {
          const v = A[a * H + h] + B[b * H + h];
          s[ro + h] = v;
          s2[ro + h] = v * v;
        }
        // F row and residual R = w (y - F), y = roll(x, a + b) = row (a + b) mod p of X.
        const yo = ((a + b) % p) * p;
        F.fill(0);
        for (let h = 0; h < H; h++) {
          const sv = s2[ro + h];
          const wo = h * p;
          for (let j = 0; j < p; j++) F[j] += sv * W[wo + j];
        }
        for (let j = 0; j < p; j++) {
          const e = X[yo + j] - F[j];
          loss += e * e;
          R[j] = weight * e;
        }
        // dL/dW_hj -= s2 R_j ; dL/ds_h = -2 s_h (W R)_h
        for (let h = 0; h < H; h++) {
          const gw = 3 * p * h + 2 * p; // offset of w_h in grad
          let wr = 0;
          const sv = s2[ro + h];
          for (let j = 0; j < p; j++) {
            wr += W[h * p + j] * R[j];
            grad[gw + j] -= sv * R[j];
          }
          dS[ro + h] = -2 * s[ro + h] * wr;
        }
      }
    }
    dA.fill(0);
    dB.fill(0);
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) {
        const ro = (a * p + b) * H;
        for (let h = 0; h < H; h++) {
          dA[a * H + h] += dS[ro + h];
          dB[b * H + h] += dS[ro + h];
        }
      }
    for (let h = 0; h < H; h++) {
      const off = 3 * p * h;
      for (let a = 0; a < p; a++) {
        const ga = dA[a * H + h];
        const gb = dB[a * H + h];
        for (let j = 0; j < p; j++) {
          grad[off + j] += ga * X[a * p + j];
          grad[off + p + j] += gb * X[a * p + j];
        }
      }
    }
    return 0.5 * weight * loss;
  };
}
