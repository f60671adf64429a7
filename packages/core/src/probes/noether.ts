import type { Tree } from "../tree.js";
import type { GradientTransformation } from "../optim/transform.js";
import { type Probe, type ProbeContext, probe } from "./probe.js";
import { lookAhead } from "./mechanics.js";

/**
 * A rotation symmetry R in O(n) acting on the right of matrices that rotate together: for each of
 * its currents (e.g. one per attention head), `sectors(t)` returns the row-major (m_i, n) matrices
 * of a tree shaped like the parameters (parameters, gradients or velocities), e.g. the augmented
 * query and key matrices [W_Q; b_Q], [W_K; b_K] of a head (Silverstein, Kunin, Shyam, arXiv
 * 2601.22257). L(W_1 R, ..., W_r R) = L for every R is the symmetry.
 */
export interface RotationSymmetry<P> {
  /** n, the size of the rotated axis. */
  dim: number;
  sectors: (t: P) => readonly (readonly Float64Array[])[];
}

/**
 * The Noether current of a rotation symmetry, J = antisym(sum_i W_i^T P_i) (n, n) row-major,
 * antisym(M) = (M - M^T) / 2, with P_i the matching blocks of the velocity (Tanaka & Kunin, arXiv
 * 2105.02716; arXiv 2601.22257). Invariance under R = exp(eps A) gives antisym(sum_i W_i^T G_i) = 0
 * for the gradients G, so gradient flow and Hamiltonian dynamics conserve J.
 */
export function rotationCurrent(dim: number, ws: readonly Float64Array[], ps: readonly Float64Array[]): Float64Array {
  const m = new Float64Array(dim * dim);
  ws.forEach((w, b) => {
    const p = ps[b];
    const rows = w.length / dim;
    if (p.length !== w.length || !Number.isInteger(rows)) throw new RangeError(`rotationCurrent: block ${b} has ${w.length} weights and ${p.length} velocities for n = ${dim}`);
    for (let r = 0; r < rows; r++) for (let i = 0; i < dim; i++) {
      const wi = w[r * dim + i];
      for (let j = 0; j < dim; j++) m[i * dim + j] += wi * p[r * dim + j];
    }
  });
  const j = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) j[a * dim + b] = 0.5 * (m[a * dim + b] - m[b * dim + a]);
  return j;
}

const frob = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};
const blocksNorm = (bs: readonly Float64Array[]): number => Math.sqrt(bs.reduce((s, b) => s + frob(b) ** 2, 0));

export interface NoetherCurrentOptions<P extends Tree> {
  /** The optimizer's velocity (heavy-ball buffer, ECD's p, ...) as a tree shaped like the parameters. */
  velocity: (optState: unknown) => P;
  /**
   * Heavy ball (v_{k+1} = beta v_k + g_k, theta_{k+1} = theta_k - eta v_{k+1}): check the exact
   * one-step law J_{k+1} = beta J_k + S_k (derived: theta_{k+1}^T v_{k+1} = theta_k^T v_{k+1} -
   * eta v_{k+1}^T v_{k+1}, and the last term is symmetric), for the transition of this step
   * (lookAhead). S_k, the predicted source per current, is 0 for a symmetric loss; `source` gives
   * it when a term of the loss breaks the symmetry.
   */
  law?: { optimizer: GradientTransformation<unknown>; beta: number; source?: (ctx: ProbeContext<P>) => readonly Float64Array[]; steps?: number };
}

/**
 * A probe of the Noether current of a rotation symmetry. Keys: "relative", the largest
 * |J| / (|W| |P|) over the currents (|W|, |P| the Frobenius norms of the sector's blocks: 0 for a
 * conserved zero current, O(1) at most); "norm", the largest |J|. With `law`: "lawResidual", the
 * largest |J_{k+1} - beta J_k - S_k| / (|W_{k+1}| |P_{k+1}|), and, when `source` is given,
 * "sourceResidual", the largest |J_{k+1} - beta J_k - S_k| / |S_k|.
 */
export function noetherCurrentProbe<P extends Tree>(sym: RotationSymmetry<P>, o: NoetherCurrentOptions<P>, name = "noether"): Probe<P> {
  const currents = (params: P, velocity: P) => {
    const ws = sym.sectors(params);
    const ps = sym.sectors(velocity);
    return ws.map((w, c) => ({ j: rotationCurrent(sym.dim, w, ps[c]), scale: blocksNorm(w) * blocksNorm(ps[c]) }));
  };
  return probe(name, (ctx) => {
    const now = currents(ctx.params, o.velocity(ctx.optState));
    const out: Record<string, number> = {
      relative: Math.max(...now.map((c) => (c.scale > 0 ? frob(c.j) / c.scale : 0))),
      norm: Math.max(...now.map((c) => frob(c.j))),
    };
    const law = o.law;
    if (law && !(law.steps !== undefined && ctx.step >= law.steps)) {
      const next = lookAhead(law.optimizer, ctx);
      const after = currents(next.params, o.velocity(next.optState));
      const src = law.source?.(ctx);
      let res = 0;
      let ofSource = 0;
      after.forEach((c, i) => {
        const r = c.j.map((x, e) => x - law.beta * now[i].j[e] - (src ? src[i][e] : 0));
        res = Math.max(res, c.scale > 0 ? frob(r) / c.scale : frob(r));
        if (src) ofSource = Math.max(ofSource, frob(r) / frob(src[i]));
      });
      out.lawResidual = res;
      if (src) out.sourceResidual = ofSource;
    }
    return out;
  });
}
