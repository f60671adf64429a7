import { Tensor, zeros } from "../tensor/tensor.js";
import { type Tree, flatten, unflatten } from "../tree.js";
import { add, div, mul, sqrt, square } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { eigh } from "../linalg/index.js";
import { noGrad } from "../autodiff/trace-state.js";
import type { GradientTransformation } from "./transform.js";

/** Per-leaf SOAP state: Adam moments, and for matrices the Shampoo factors and their eigenbases. */
export interface SoapLeafState {
  mu: Tensor;
  nu: Tensor;
  /** (m, m) and (n, n) Kronecker factors L = E[G G^T], R = E[G^T G] (matrices only). */
  left: Tensor | null;
  right: Tensor | null;
  /** Eigenvector bases of left/right, refreshed every `precondFrequency` steps. */
  qLeft: Tensor | null;
  qRight: Tensor | null;
}

export interface SoapState {
  count: number;
  leaves: SoapLeafState[];
}

/**
 * SOAP preconditioning (Vyas et al., arXiv 2409.11321): Adam run in the eigenbasis of Shampoo's
 * preconditioner. For a matrix gradient G (m, n): L <- b2s L + (1-b2s) G G^T,
 * R <- b2s R + (1-b2s) G^T G; every `precondFrequency` steps Q_L, Q_R = eigenvectors of L, R;
 * G' = Q_L^T G Q_R; second moments are kept in the rotated basis, first moments in the original
 * one (rotated each step); update = Q_L (m' / (sqrt(v) + eps)) Q_R^T with bias corrections.
 * Vectors and scalars use plain Adam. Returns the preconditioned direction (scale by -lr after).
 */
export function scaleBySoap({ b1 = 0.95, b2 = 0.95, shampooBeta = 0.95, eps = 1e-8, precondFrequency = 10 }: { b1?: number; b2?: number; shampooBeta?: number; eps?: number; precondFrequency?: number } = {}): GradientTransformation<SoapState> {
  return {
    init: (params) => ({
      count: 0,
      leaves: flatten(params).leaves.map((p) => {
        const isMat = p.rank === 2 && p.shape[0] > 1 && p.shape[1] > 1;
        return {
          mu: zeros(p.shape, p.dtype),
          nu: zeros(p.shape, p.dtype),
          left: isMat ? zeros([p.shape[0], p.shape[0]], p.dtype) : null,
          right: isMat ? zeros([p.shape[1], p.shape[1]], p.dtype) : null,
          qLeft: null,
          qRight: null,
        };
      }),
    }),
    update: (grads, state) =>
      noGrad(() => {
        const count = state.count + 1;
        const { leaves: gs, def } = flatten(grads);
        const c1 = 1 - b1 ** count;
        const c2 = 1 - b2 ** count;
        const updates: Tensor[] = [];
        const next = gs.map((g, i) => {
          const s = state.leaves[i];
          const mu = add(mul(s.mu, b1), mul(g, 1 - b1));
          if (s.left === null || s.right === null) {
            const nu = add(mul(s.nu, b2), mul(square(g), 1 - b2));
            updates.push(div(mul(mu, 1 / c1), add(sqrt(mul(nu, 1 / c2)), eps)));
            return { ...s, mu, nu };
          }
          const left = add(mul(s.left, shampooBeta), mul(mm(g, g, false, true), 1 - shampooBeta)); // (m, m)
          const right = add(mul(s.right, shampooBeta), mul(mm(g, g, true, false), 1 - shampooBeta)); // (n, n)
          let { qLeft, qRight } = s;
          if (qLeft === null || qRight === null || (count - 1) % precondFrequency === 0) {
            qLeft = eigh(left).vectors;
            qRight = eigh(right).vectors;
          }
          const rotate = (x: Tensor) => mm(mm(qLeft as Tensor, x, true, false), qRight as Tensor); // Q_L^T X Q_R
          const gRot = rotate(g);
          const mRot = rotate(mu);
          const nu = add(mul(s.nu, b2), mul(square(gRot), 1 - b2));
          const dirRot = div(mul(mRot, 1 / c1), add(sqrt(mul(nu, 1 / c2)), eps));
          updates.push(mm(mm(qLeft, dirRot), qRight, false, true)); // Q_L D Q_R^T
          return { mu, nu, left, right, qLeft, qRight };
        });
        return [unflatten(def, updates), { count, leaves: next }] as [Tree, SoapState];
      }),
  };
}
