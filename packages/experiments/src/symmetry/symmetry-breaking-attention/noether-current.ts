import type { TransformerBlock } from "@saddle/core";
import { augmentedHead, headDim, type HeadLayout } from "./attention-symmetry.js";

/**
 * Noether current of the Q-K rotation symmetry (Silverstein, Kunin, Shyam, arXiv 2601.22257):
 * per head,
 *   J_QK = antisym(W~_Q^T P_Q + W~_K^T P_K),  antisym(M) = (M - M^T) / 2,  (dh, dh),
 * where W~ = [W; b] (d + 1, dh) are the augmented query/key weights and P the matching slices of
 * the optimiser's velocity (momentum buffer). Units: parameter x velocity units.
 *
 * Why it is the current (derived here): if L(W~_Q R, W~_K R) = L for all R in O(dh), then with
 * R = exp(eps A), A antisymmetric, 0 = dL/d eps = <W~_Q^T G_Q + W~_K^T G_K, A>, so
 * antisym(W~_Q^T G_Q + W~_K^T G_K) = 0 for the gradients G.
 *
 * Heavy ball (v_{k+1} = beta v_k + g_k, theta_{k+1} = theta_k - lr v_{k+1}; derived here, exact):
 *   theta_{k+1}^T v_{k+1} = beta theta_k^T v_k + theta_k^T g_k - lr v_{k+1}^T v_{k+1},
 * and the last term is symmetric, so J_{k+1} = beta J_k + antisym(theta_k^T g_k) with no O(lr)
 * remainder. For a symmetric loss the source vanishes: J_k = beta^k J_0, and J_0 = 0 for zero
 * initial velocity. With a per-batch query bias, q = x W_Q + b_Q + beta_Q, the loss is invariant
 * only if beta_Q also rotates (beta_Q -> beta_Q R), which gives the source (derived here)
 *   antisym(W~_Q^T G_Q + W~_K^T G_K) = -antisym(beta_Q (x) g_bQ),  g_bQ = dL/db_Q of the head,
 * because beta_Q enters the head exactly where b_Q does. `qkSource` returns this prediction.
 */
export interface QkCurrent {
  /** J (dh, dh), row-major, antisymmetric. */
  j: Float64Array;
  /** ||J||_F. */
  norm: number;
  /** ||W~_Q||_F ||P_Q||_F, the natural size of the current (units of J). */
  scale: number;
  /** ||J||_F / scale: 0 for a conserved zero current; O(1) when the current is as large as it can be. */
  relative: number;
}

/** antisym(M) = (M - M^T) / 2 for (n, n) row-major M. */
export function antisym(m: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (m[i * n + j] - m[j * n + i]);
  return out;
}

/** A^T B for row-major A, B (m, n): (n, n). */
export function gram(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) {
      const ai = a[r * n + i];
      for (let j = 0; j < n; j++) out[i * n + j] += ai * b[r * n + j];
    }
  }
  return out;
}

/** Frobenius norm. */
export function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

type AttentionLeaves = Pick<TransformerBlock, "wqkv" | "bqkv">;

/** J_QK of one head from a block's parameters and the same block's velocity (both trees shaped like a block). */
export function qkCurrent(block: AttentionLeaves, velocity: AttentionLeaves, head: number, layout: HeadLayout): QkCurrent {
  const d = layout.dModel;
  const dh = headDim(layout);
  const wq = augmentedHead(block, "query", head, layout); // (d + 1, dh)
  const wk = augmentedHead(block, "key", head, layout);
  const pq = augmentedHead(velocity, "query", head, layout);
  const pk = augmentedHead(velocity, "key", head, layout);
  const mq = gram(wq, pq, d + 1, dh);
  const mk = gram(wk, pk, d + 1, dh);
  for (let i = 0; i < mq.length; i++) mq[i] += mk[i];
  const j = antisym(mq, dh);
  const norm = frobenius(j);
  const scale = frobenius(wq) * frobenius(pq);
  return { j, norm, scale, relative: scale > 0 ? norm / scale : 0 };
}

/**
 * The predicted Noether source of one head under a per-batch query bias: -antisym(beta_Q (x) g_bQ)
 * (dh, dh), where g_bQ is the gradient of the loss with respect to the head's query bias (the last
 * row of its augmented query gradient). Zero when beta_Q is absent.
 */
export function qkSource(grads: AttentionLeaves, betaQ: ArrayLike<number> | undefined, head: number, layout: HeadLayout): Float64Array {
  const dh = headDim(layout);
  if (betaQ === undefined) return new Float64Array(dh * dh);
  const gq = augmentedHead(grads, "query", head, layout);
  const gb = gq.subarray(layout.dModel * dh); // (dh)
  const outer = new Float64Array(dh * dh);
  for (let i = 0; i < dh; i++) for (let k = 0; k < dh; k++) outer[i * dh + k] = -betaQ[i] * gb[k];
  return antisym(outer, dh);
}

/** antisym(W~_Q^T G_Q + W~_K^T G_K) of one head: the symmetry's violation by a gradient (0 for an invariant loss). */
export function qkGradientTorque(block: AttentionLeaves, grads: AttentionLeaves, head: number, layout: HeadLayout): Float64Array {
  return qkCurrent(block, grads, head, layout).j;
}
