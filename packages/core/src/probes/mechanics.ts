import type { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { type GradientTransformation, applyUpdates } from "../optim/transform.js";
import { quadraticHeavyBallStep, quadraticStep, translationHeavyBallStep, translationStep } from "../theory/symmetry/conservation/discrete.js";
import { type Probe, type ProbeContext, probe } from "./probe.js";

/**
 * The symmetry groups of Neural Mechanics (Kunin et al., arXiv 2012.04728, section 3) as selectors
 * of leaves, applied to any tree shaped like the parameters (parameters, gradients, velocities):
 * - translation (softmax head): tensors whose last axis is the class axis, e.g. W (h, C) and b (C);
 *   T = the class sums of their rows (h + 1 entries for that pair);
 * - scale (weights feeding a normalisation): Q = |theta_A|^2;
 * - rescale (homogeneous units): D = |theta_out|^2 - |theta_in|^2, summed over the units.
 */
export interface SymmetryGroups<P> {
  translation?: (t: P) => readonly Tensor[];
  scale?: (t: P) => readonly Tensor[];
  rescale?: (t: P) => { incoming: readonly Tensor[]; outgoing: readonly Tensor[] };
}

export type SymmetryName = "translation" | "scale" | "rescale";

/** Sum of squares over tensors. */
export function sumSquares(ts: readonly Tensor[]): number {
  let s = 0;
  for (const t of ts) for (const v of t.data) s += v * v;
  return s;
}

/** Euclidean inner product of two tensor lists of the same shapes. */
export function dotTensors(as: readonly Tensor[], bs: readonly Tensor[]): number {
  if (as.length !== bs.length) throw new RangeError(`dotTensors: ${as.length} against ${bs.length} tensors`);
  let s = 0;
  as.forEach((a, k) => {
    const b = bs[k].data;
    if (b.length !== a.data.length) throw new RangeError(`dotTensors: tensor ${k} has ${a.data.length} against ${b.length} entries`);
    for (let i = 0; i < b.length; i++) s += a.data[i] * b[i];
  });
  return s;
}

/** Class sums: for each tensor, the sums over its last axis, concatenated (a 1-D tensor gives one entry). */
export function classSums(ts: readonly Tensor[]): Float64Array {
  const out: number[] = [];
  for (const t of ts) {
    const c = t.shape[t.shape.length - 1] ?? 1;
    const rows = t.data.length / c;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += t.data[r * c + j];
      out.push(s);
    }
  }
  return Float64Array.from(out);
}

const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
};

/** The quantities of a tree: T (class sums), Q = |theta_A|^2, D = |out|^2 - |in|^2 and M = |out|^2 + |in|^2. */
export function symmetryQuantities<P>(sym: SymmetryGroups<P>, t: P): { translation?: Float64Array; scale?: number; rescale?: number; rescaleMagnitude?: number } {
  const out: { translation?: Float64Array; scale?: number; rescale?: number; rescaleMagnitude?: number } = {};
  if (sym.translation) out.translation = classSums(sym.translation(t));
  if (sym.scale) out.scale = sumSquares(sym.scale(t));
  if (sym.rescale) {
    const r = sym.rescale(t);
    const o = sumSquares(r.outgoing);
    const i = sumSquares(r.incoming);
    out.rescale = o - i;
    out.rescaleMagnitude = o + i;
  }
  return out;
}

/**
 * The gradient constraints the symmetries imply (arXiv 2012.04728, section 3), as relative
 * residuals (0 in exact arithmetic, round-off in float64):
 *   translation |T(g)| / |g_head|,  scale |<g_A, theta_A>| / (|g_A| |theta_A|),
 *   rescale |<g_in, theta_in> - <g_out, theta_out>| / (|g_in| |theta_in| + |g_out| |theta_out|).
 */
export function symmetryConstraintResiduals<P>(sym: SymmetryGroups<P>, params: P, grads: P): Partial<Record<SymmetryName, number>> {
  const out: Partial<Record<SymmetryName, number>> = {};
  if (sym.translation) {
    const g = sym.translation(grads);
    out.translation = norm(classSums(g)) / Math.max(Math.sqrt(sumSquares(g)), 1e-300);
  }
  if (sym.scale) {
    const p = sym.scale(params);
    const g = sym.scale(grads);
    out.scale = Math.abs(dotTensors(g, p)) / Math.max(Math.sqrt(sumSquares(g) * sumSquares(p)), 1e-300);
  }
  if (sym.rescale) {
    const p = sym.rescale(params);
    const g = sym.rescale(grads);
    const inMag = Math.sqrt(sumSquares(g.incoming) * sumSquares(p.incoming));
    const outMag = Math.sqrt(sumSquares(g.outgoing) * sumSquares(p.outgoing));
    out.rescale = Math.abs(dotTensors(g.incoming, p.incoming) - dotTensors(g.outgoing, p.outgoing)) / Math.max(inMag + outMag, 1e-300);
  }
  return out;
}

/**
 * A probe of the symmetry quantities at the measured steps: keys "translation" (|T|), "scale" (Q),
 * "rescale" (D) and "rescaleMagnitude" (M), for the groups given.
 */
export function symmetryQuantityProbe<P extends Tree>(sym: SymmetryGroups<P>, name = "quantity"): Probe<P> {
  return probe(name, ({ params }) => {
    const q = symmetryQuantities(sym, params);
    const out: Record<string, number> = {};
    if (q.translation) out.translation = norm(q.translation);
    if (q.scale !== undefined) out.scale = q.scale;
    if (q.rescale !== undefined) [out.rescale, out.rescaleMagnitude] = [q.rescale, q.rescaleMagnitude!];
    return out;
  });
}

/** A probe of the gradient-constraint residuals (symmetryConstraintResiduals) on this step's gradient. */
export function symmetryConstraintProbe<P extends Tree>(sym: SymmetryGroups<P>, name = "constraint"): Probe<P> {
  return probe(name, ({ params, grads }) => {
    if (!grads) throw new Error(`${name}: the probe needs the step's gradient (ctx.grads)`);
    return symmetryConstraintResiduals(sym, params, grads) as Record<string, number>;
  });
}

/**
 * The update the training loop is about to apply at this step, computed with the same optimizer:
 * optimizers are pure (`update` never mutates its inputs), so this is exactly the step train()
 * takes next, and the next parameters and state. Per-step laws measured this way need nothing but
 * the step's own state, so they survive a checkpoint and resume (ctx.prev is absent right after a
 * resume).
 */
export function lookAhead<P extends Tree>(optimizer: GradientTransformation<unknown>, ctx: ProbeContext<P>): { updates: P; params: P; optState: unknown } {
  if (!ctx.grads) throw new Error("lookAhead: needs the step's gradient (ctx.grads)");
  const [updates, optState] = optimizer.update(ctx.grads, ctx.optState, ctx.params, { loss: ctx.loss });
  return { updates: updates as P, params: applyUpdates(ctx.params, updates), optState };
}

/** How the optimizer of a step-law probe updates: SGD with coupled weight decay and heavy-ball momentum beta. */
export interface StepLawOptions<P> {
  /** The optimizer train() runs (its update is recomputed, see lookAhead). */
  optimizer: GradientTransformation<unknown>;
  lr: number;
  wd?: number;
  beta?: number;
  /** The heavy-ball velocity v_k in the optimizer state (needed when beta > 0). */
  velocity?: (optState: unknown) => P;
  /** The run's last step: no update follows it, so nothing is measured there. */
  steps?: number;
}

/**
 * The exact one-step laws of the symmetry quantities under SGD with coupled weight decay lambda and
 * heavy-ball momentum beta (theory/symmetry/discrete.ts; v_{k+1} = beta v_k + g_k + lambda theta_k,
 * theta_{k+1} = theta_k - eta v_{k+1}), for the transition k -> k + 1 of this step (lookAhead):
 *   plain (beta = 0):  T' = (1 - eta lambda) T,  Q' = (1 - eta lambda)^2 Q + eta^2 G,
 *                      G = |g_A|^2 (scale) or |g_out|^2 - |g_in|^2 (rescale);
 *   heavy ball:        T' = (1 - eta lambda) T - eta beta T(v_k),
 *                      Q' = (1 - 2 eta lambda) Q - 2 eta beta <theta_k, v_k> + eta^2 |v_{k+1}|^2.
 * Keys (relative errors, 0 in exact arithmetic): "translation" |T' - law| / |T'|, "scale"
 * |Q' - law| / Q', "rescale" |D' - law| / M' (M = |out|^2 + |in|^2: D itself may cross zero).
 */
export function symmetryStepLawProbe<P extends Tree>(sym: SymmetryGroups<P>, o: StepLawOptions<P>, name = "law"): Probe<P> {
  const { lr, wd = 0, beta = 0 } = o;
  if (beta > 0 && !o.velocity) throw new TypeError(`${name}: heavy ball (beta > 0) needs the velocity accessor`);
  return probe(name, (ctx) => {
    if (o.steps !== undefined && ctx.step >= o.steps) return {};
    const next = lookAhead(o.optimizer, ctx);
    const now = symmetryQuantities(sym, ctx.params);
    const after = symmetryQuantities(sym, next.params);
    const out: Record<string, number> = {};
    const v = beta > 0 ? o.velocity!(ctx.optState) : undefined; // v_k
    const vNext = next.updates; // -eta v_{k+1}
    const velSq = (sel: (t: P) => readonly Tensor[]) => sumSquares(sel(vNext)) / (lr * lr);
    if (sym.translation) {
      const tv = v ? classSums(sym.translation(v)) : undefined;
      const law = now.translation!.map((x, i) => (tv ? translationHeavyBallStep(x, tv[i], lr, wd, beta) : translationStep(x, lr, wd)));
      out.translation = norm(after.translation!.map((x, i) => x - law[i])) / Math.max(norm(after.translation!), 1e-300);
    }
    if (sym.scale) {
      const law = v
        ? quadraticHeavyBallStep(now.scale!, dotTensors(sym.scale(ctx.params), sym.scale(v)), velSq(sym.scale), lr, wd, beta)
        : quadraticStep(now.scale!, sumSquares(sym.scale(ctx.grads!)), lr, wd);
      out.scale = Math.abs(after.scale! - law) / after.scale!;
    }
    if (sym.rescale) {
      const r = sym.rescale;
      let law: number;
      if (v) {
        const p = r(ctx.params);
        const rv = r(v);
        const dotPV = dotTensors(p.outgoing, rv.outgoing) - dotTensors(p.incoming, rv.incoming);
        const vn = r(vNext);
        const vSq = (sumSquares(vn.outgoing) - sumSquares(vn.incoming)) / (lr * lr);
        law = quadraticHeavyBallStep(now.rescale!, dotPV, vSq, lr, wd, beta);
      } else {
        const g = r(ctx.grads!);
        law = quadraticStep(now.rescale!, sumSquares(g.outgoing) - sumSquares(g.incoming), lr, wd);
      }
      out.rescale = Math.abs(after.rescale! - law) / after.rescaleMagnitude!;
    }
    return out;
  });
}
