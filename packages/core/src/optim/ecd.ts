import { Tensor } from "../tensor/tensor.js";
import { Rng } from "../tensor/rng.js";
import { type Tree, treeToVector, vectorToTree } from "../tree.js";
import type { GradientTransformation } from "./transform.js";

export interface EcdOptions {
  /** Learning rate; the time step is lr / sqrt(eta). */
  lr: number;
  /** eta: the power that sets how strongly the kinetic term responds to F - F0. */
  eta?: number;
  /** F0: the target loss level, below every loss value reached (F - F0 must stay > 0). */
  f0?: number;
  /** nu: strength of the norm-preserving random bounce (0 = deterministic). */
  nu?: number;
  /** L2 coefficient included in F = loss + wd/2 |theta|^2. */
  wd?: number;
  /** Renormalise |p| = 1 at the start of each step (energy conservation). */
  conserveEnergy?: boolean;
  /** Seed of the bounce noise. */
  seed?: number;
}

export interface EcdState {
  count: number;
  /** Velocity, flattened over all parameters (length d); empty before the first step. */
  p: Float64Array;
  rng: number[];
}

/**
 * Energy Conserving Descent, the q = 1 scheme used in the symmetry-breaking-attention study
 * (arXiv 2601.22257; ECD: De Luca & Silverstein, arXiv 2201.11137). With F = loss + wd/2|theta|^2,
 * g = grad F, d parameters, dt = lr / sqrt(eta), nu_eff = nu / sqrt(d):
 *   p_0 = -g/|g|;  (optionally) p <- p/|p|;
 *   p <- p - [dt eta d / (2 (d - 1))] / (F - F0) * (g - p (p.g));
 *   theta <- theta + dt p;   p <- |p| (p/|p| + nu_eff z)/|p/|p| + nu_eff z|, z ~ N(0, I).
 * The bounce rescales to the previous |p| exactly, and with `conserveEnergy` every step starts at
 * |p| = 1: the speed is what the discrete scheme conserves exactly (|theta_{t+1} - theta_t| = dt
 * at the start of each step). The update needs the loss value: pass `{ loss }` as `update`'s
 * fourth argument (the training loop does).
 */
export function ecd(opts: EcdOptions): GradientTransformation<EcdState> {
  const { lr, eta = 100, f0 = 0, nu = 0, wd = 0, conserveEnergy = true, seed = 0 } = opts;
  if (!(lr > 0)) throw new RangeError(`ecd lr must be > 0, got ${lr}`);
  if (!(eta > 0)) throw new RangeError(`ecd eta must be > 0, got ${eta}`);
  const dt = lr / Math.sqrt(eta);
  return {
    init: () => ({ count: 0, p: new Float64Array(0), rng: Rng.seed(seed).state() }),
    update: (grads, state, params, info) => {
      if (info?.loss === undefined) throw new Error("ecd needs the loss value: update(grads, state, params, { loss })");
      const g = treeToVector(grads);
      const d = g.length;
      const theta = params ? treeToVector(params) : null;
      let F = info.loss;
      if (wd !== 0) {
        if (!theta) throw new Error("ecd with wd needs the parameters");
        let t2 = 0;
        for (let i = 0; i < d; i++) {
          t2 += theta[i] * theta[i];
          g[i] += wd * theta[i];
        }
        F += 0.5 * wd * t2;
      }
      if (!(F - f0 > 0)) throw new RangeError(`ecd: F - F0 = ${F - f0} must be > 0; lower f0 (now ${f0}) below the loss`);
      let p: Float64Array;
      if (state.count === 0 || state.p.length !== d) {
        const gn = Math.hypot(...g) || 1;
        p = g.map((x) => -x / gn);
      } else p = Float64Array.from(state.p);
      if (conserveEnergy) {
        const pn = Math.sqrt(dotv(p, p));
        if (pn > 0) for (let i = 0; i < d; i++) p[i] /= pn;
      }
      const pg = dotv(p, g);
      const c = (dt * eta * d) / (2 * Math.max(d - 1, 1)) / (F - f0);
      for (let i = 0; i < d; i++) p[i] -= c * (g[i] - p[i] * pg);
      const step = new Float64Array(d);
      for (let i = 0; i < d; i++) step[i] = dt * p[i];
      const rng = Rng.fromState(state.rng);
      if (nu > 0) {
        const pn = Math.sqrt(dotv(p, p));
        const nuEff = nu / Math.sqrt(d);
        const q = new Float64Array(d);
        for (let i = 0; i < d; i++) q[i] = p[i] / pn + nuEff * rng.nextNormal();
        const qn = Math.sqrt(dotv(q, q));
        for (let i = 0; i < d; i++) p[i] = (pn * q[i]) / qn;
      }
      const updates = vectorToTree(step, grads as Tree) as Tree;
      return [updates, { count: state.count + 1, p, rng: rng.state() }];
    },
  };
}

function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export type { Tensor };
