import { Tensor, zeros } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { type Tree, flatten, unflatten } from "../tree.js";
import { add, mul } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { eigh } from "../linalg/index.js";
import { noGrad } from "../autodiff/trace-state.js";
import type { GradientTransformation } from "./transform.js";
import { fresh, wrap } from "./leafwise.js";

/** Per-leaf SOAP state: Adam moments, and for matrices the Shampoo factors and their eigenbases. */
export interface SoapLeafState {
  /** First moment, in the parameters' own basis. */
  mu: Tensor;
  /** Second moment, in the rotated (eigen)basis for matrices. */
  nu: Tensor;
  /** (m, m) and (n, n) Kronecker factors L = E[G G^T], R = E[G^T G]; null = that side not rotated. */
  left: Tensor | null;
  right: Tensor | null;
  /** Eigenvector bases (columns) of left/right, refreshed every `precondFrequency` steps. */
  qLeft: Tensor | null;
  qRight: Tensor | null;
}

export interface SoapState {
  count: number;
  leaves: SoapLeafState[];
}

export interface SoapOptions {
  /** Adam's first-moment decay. Default 0.95. */
  b1?: number;
  /** Adam's second-moment decay. Default 0.95. */
  b2?: number;
  /** Decay of the Shampoo factors L and R. Default b2. */
  shampooBeta?: number;
  eps?: number;
  /** Steps between eigenbasis refreshes (the first step always computes one). Default 10. */
  precondFrequency?: number;
  /** A side longer than this is not rotated (its factor would cost dim^2 memory). Default 10000. */
  maxPrecondDim?: number;
}

/** Adam's second-moment update and bias-corrected direction in a fixed basis: [direction, new nu]. */
function adamDirection(mHat: TypedArray, g: TypedArray, nu: TypedArray, b2: number, c1: number, c2: number, eps: number, like: Tensor): [TypedArray, Tensor] {
  const nv = fresh(like);
  const u = fresh(like);
  for (let i = 0; i < u.length; i++) {
    const vi = b2 * nu[i] + (1 - b2) * g[i] * g[i];
    nv[i] = vi;
    u[i] = (mHat[i] * c1) / (Math.sqrt(vi * c2) + eps);
  }
  return [u, wrap(nv, like)];
}

/**
 * SOAP preconditioning (Vyas et al., arXiv 2409.11321): Adam run in the eigenbasis of Shampoo's
 * preconditioner. For a matrix gradient G (m, n):
 *   L <- bs L + (1 - bs) G G^T,  R <- bs R + (1 - bs) G^T G;
 *   every `precondFrequency` steps Q_L, Q_R = eigenvectors of L, R (linalg.eigh);
 *   M <- b1 M + (1 - b1) G (kept in the original basis); G' = Q_L^T G Q_R, M' = Q_L^T M Q_R;
 *   V <- b2 V + (1 - b2) G'^2 (kept in the rotated basis, not re-rotated on refresh, as in the paper);
 *   update Q_L (M'/(1 - b1^k)) / (sqrt(V/(1 - b2^k)) + eps) Q_R^T.
 * Vectors, scalars and one-row/one-column matrices use plain Adam. Dimensionless: scale by -lr
 * afterwards (the `soap` alias). Differences from the authors' implementation: the factors are
 * updated with the current gradient before rotating (theirs rotate with the previous step's basis
 * and skip the very first update), and eigenbases come from a full eigh instead of one
 * power-iteration + QR step.
 */
export function scaleBySoap(opts: SoapOptions = {}): GradientTransformation<SoapState> {
  const { b1 = 0.95, b2 = 0.95, eps = 1e-8, precondFrequency = 10, maxPrecondDim = 10000 } = opts;
  const shampooBeta = opts.shampooBeta ?? b2;
  for (const [name, v] of [["b1", b1], ["b2", b2], ["shampooBeta", shampooBeta]] as const) {
    if (!(v >= 0 && v < 1)) throw new RangeError(`soap ${name} must be in [0, 1), got ${v}`);
  }
  if (!(Number.isInteger(precondFrequency) && precondFrequency >= 1)) throw new RangeError(`soap precondFrequency must be a positive integer, got ${precondFrequency}`);
  if (!(eps >= 0)) throw new RangeError(`soap eps must be >= 0, got ${eps}`);
  const rotated = (dim: number, other: number) => dim > 1 && other > 1 && dim <= maxPrecondDim;
  return {
    init: (params) => ({
      count: 0,
      leaves: flatten(params).leaves.map((p) => {
        const isMat = p.rank === 2;
        const [m, n] = isMat ? p.shape : [0, 0];
        const hasL = isMat && rotated(m, n);
        const hasR = isMat && rotated(n, m);
        return {
          mu: zeros(p.shape, p.dtype),
          nu: zeros(p.shape, p.dtype),
          left: hasL ? zeros([m, m], p.dtype) : null,
          right: hasR ? zeros([n, n], p.dtype) : null,
          qLeft: null,
          qRight: null,
        };
      }),
    }),
    update: (grads, state) =>
      noGrad(() => {
        const count = state.count + 1;
        const { leaves: gs, def } = flatten(grads);
        if (gs.length !== state.leaves.length) throw new TypeError(`soap: state has ${state.leaves.length} leaves, gradients ${gs.length}`);
        const c1 = 1 / (1 - b1 ** count);
        const c2 = 1 / (1 - b2 ** count);
        const refresh = (count - 1) % precondFrequency === 0;
        const updates: Tensor[] = [];
        const next = gs.map((g, i): SoapLeafState => {
          const s = state.leaves[i];
          const muData = fresh(g);
          for (let j = 0; j < muData.length; j++) muData[j] = b1 * s.mu.data[j] + (1 - b1) * g.data[j];
          const mu = wrap(muData, g);
          if (s.left === null && s.right === null) {
            const [u, nu] = adamDirection(muData, g.data, s.nu.data, b2, c1, c2, eps, g);
            updates.push(wrap(u, g));
            return { ...s, mu, nu };
          }
          const left = s.left && add(mul(s.left, shampooBeta), mul(mm(g, g, false, true), 1 - shampooBeta)); // (m, m)
          const right = s.right && add(mul(s.right, shampooBeta), mul(mm(g, g, true, false), 1 - shampooBeta)); // (n, n)
          const qLeft = left && (refresh || s.qLeft === null ? eigh(left).vectors : s.qLeft); // (m, m)
          const qRight = right && (refresh || s.qRight === null ? eigh(right).vectors : s.qRight); // (n, n)
          const rotate = (x: Tensor) => {
            const a = qLeft ? mm(qLeft, x, true, false) : x; // Q_L^T X
            return qRight ? mm(a, qRight) : a; // (m, n)
          };
          const unrotate = (x: Tensor) => {
            const a = qLeft ? mm(qLeft, x) : x; // Q_L X
            return qRight ? mm(a, qRight, false, true) : a; // (m, n)
          };
          const [dirRot, nu] = adamDirection(rotate(mu).data, rotate(g).data, s.nu.data, b2, c1, c2, eps, g);
          updates.push(unrotate(wrap(dirRot, g)));
          return { mu, nu, left, right, qLeft, qRight };
        });
        return [unflatten<Tree>(def, updates), { count, leaves: next }] as [Tree, SoapState];
      }),
  };
}
