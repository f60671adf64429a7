import type { TypedArray } from "../tensor/dtype.js";
import type { Tree } from "../tree.js";
import type { GradientTransformation } from "./transform.js";
import { type Schedule, asSchedule } from "./schedules.js";
import { flat, fresh, rebuild, zerosTree } from "./leafwise.js";

// The building blocks of the optimizers (optax's names and semantics). Each is a
// GradientTransformation whose state is plain data; arithmetic runs on typed arrays (leafwise.ts).

function finiteNumber(name: string, v: number, allowed: string, ok: (v: number) => boolean): void {
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) throw new RangeError(`${name} must be ${allowed}, got ${v}`);
}

/** Every update entry times c: u <- c u (fresh buffers). */
function scaleTree(g: Tree, c: number): Tree {
  const f = flat(g);
  return rebuild(f.def, f.leaves, f.leaves.map((t) => {
    const o = fresh(t);
    const a = t.data;
    for (let i = 0; i < o.length; i++) o[i] = c * a[i];
    return o;
  }));
}

/** Multiplies updates by a constant: u <- factor u. */
export function scale(factor: number): GradientTransformation<null> {
  finiteNumber("scale factor", factor, "a finite number", () => true);
  return { init: () => null, update: (g, s) => [scaleTree(g, factor), s] };
}

/** The state of step-counting blocks: the number of updates done so far. */
export interface CountState {
  count: number;
}

/** Multiplies updates by schedule(count) (count = updates done before this one, from 0). */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<CountState> {
  return {
    init: () => ({ count: 0 }),
    update: (g, s) => [scaleTree(g, schedule(s.count)), { count: s.count + 1 }],
  };
}

/**
 * A descent step: u <- -lr(count) u, lr a number (constant) or a schedule of the step count.
 * GD with rate lr advances gradient-flow time by lr per step (conventions.ts).
 */
export function scaleByLearningRate(lr: number | Schedule): GradientTransformation<CountState> {
  if (typeof lr === "number") finiteNumber("learning rate", lr, "a finite number >= 0", (v) => v >= 0);
  const sched = asSchedule(lr);
  return {
    init: () => ({ count: 0 }),
    update: (g, s) => [scaleTree(g, -sched(s.count)), { count: s.count + 1 }],
  };
}

/** Momentum state: the velocity tree v (same structure as the parameters). */
export interface TraceState {
  velocity: Tree;
}

/**
 * Heavy-ball momentum (Polyak 1964): v <- decay v + g, update v. With `nesterov`
 * (Sutskever et al. 2013, optax's form): update g + decay v (with the new v). Under heavy-ball
 * the gradient-flow time is t = lr step / (1 - decay) (conventions.ts `momentumTime`).
 * `initialVelocity` (a tree shaped like the parameters) replaces the zero start.
 */
export function trace({ decay, nesterov = false, initialVelocity }: { decay: number; nesterov?: boolean; initialVelocity?: Tree }): GradientTransformation<TraceState> {
  finiteNumber("momentum decay", decay, "in [0, 1)", (v) => v >= 0 && v < 1);
  return {
    init: (p) => ({ velocity: initialVelocity ?? zerosTree(p) }),
    update: (grads, s) => {
      const g = flat(grads);
      const v = flat(s.velocity, g, "momentum velocity");
      const vs: TypedArray[] = [];
      const us: TypedArray[] = [];
      g.leaves.forEach((gl, k) => {
        const gd = gl.data;
        const vd = v.leaves[k].data;
        const nv = fresh(gl);
        for (let i = 0; i < nv.length; i++) nv[i] = decay * vd[i] + gd[i];
        vs.push(nv);
        if (nesterov) {
          const u = fresh(gl);
          for (let i = 0; i < u.length; i++) u[i] = gd[i] + decay * nv[i];
          us.push(u);
        } else us.push(nv);
      });
      return [rebuild(g.def, g.leaves, us), { velocity: rebuild(g.def, g.leaves, vs) }];
    },
  };
}

/** Adam's state: the step count and the first and second moment trees. */
export interface AdamState {
  count: number;
  mu: Tree;
  nu: Tree;
}

/**
 * Adam's preconditioning (Kingma & Ba, arXiv 1412.6980): m <- b1 m + (1 - b1) g,
 * v <- b2 v + (1 - b2) g^2, update m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - b1^k),
 * v_hat = v / (1 - b2^k) at step k = count + 1. Dimensionless: scale by -lr afterwards.
 */
export function scaleByAdam({ b1 = 0.9, b2 = 0.999, eps = 1e-8 } = {}): GradientTransformation<AdamState> {
  finiteNumber("adam b1", b1, "in [0, 1)", (v) => v >= 0 && v < 1);
  finiteNumber("adam b2", b2, "in [0, 1)", (v) => v >= 0 && v < 1);
  finiteNumber("adam eps", eps, "a finite number >= 0", (v) => v >= 0);
  return {
    init: (p) => ({ count: 0, mu: zerosTree(p), nu: zerosTree(p) }),
    update: (grads, s) => {
      const count = s.count + 1;
      const g = flat(grads);
      const m = flat(s.mu, g, "adam mu");
      const v = flat(s.nu, g, "adam nu");
      const c1 = 1 / (1 - b1 ** count);
      const c2 = 1 / (1 - b2 ** count);
      const ms: TypedArray[] = [];
      const vs: TypedArray[] = [];
      const us: TypedArray[] = [];
      g.leaves.forEach((gl, k) => {
        const gd = gl.data;
        const md = m.leaves[k].data;
        const vd = v.leaves[k].data;
        const nm = fresh(gl);
        const nv = fresh(gl);
        const u = fresh(gl);
        for (let i = 0; i < u.length; i++) {
          const gi = gd[i];
          const mi = b1 * md[i] + (1 - b1) * gi;
          const vi = b2 * vd[i] + (1 - b2) * gi * gi;
          nm[i] = mi;
          nv[i] = vi;
          u[i] = (mi * c1) / (Math.sqrt(vi * c2) + eps);
        }
        ms.push(nm);
        vs.push(nv);
        us.push(u);
      });
      return [rebuild(g.def, g.leaves, us), { count, mu: rebuild(g.def, g.leaves, ms), nu: rebuild(g.def, g.leaves, vs) }];
    },
  };
}

/** RMSProp's state: the running mean of squared gradients. */
export interface RmsState {
  nu: Tree;
}

/**
 * RMSProp preconditioning (Tieleman & Hinton 2012, lecture 6.5): v <- decay v + (1 - decay) g^2,
 * update g / (sqrt(v) + eps) (no bias correction, as in the original and in optax).
 */
export function scaleByRms({ decay = 0.9, eps = 1e-8 } = {}): GradientTransformation<RmsState> {
  finiteNumber("rmsprop decay", decay, "in [0, 1)", (v) => v >= 0 && v < 1);
  finiteNumber("rmsprop eps", eps, "a finite number >= 0", (v) => v >= 0);
  return {
    init: (p) => ({ nu: zerosTree(p) }),
    update: (grads, s) => {
      const g = flat(grads);
      const v = flat(s.nu, g, "rmsprop nu");
      const vs: TypedArray[] = [];
      const us: TypedArray[] = [];
      g.leaves.forEach((gl, k) => {
        const gd = gl.data;
        const vd = v.leaves[k].data;
        const nv = fresh(gl);
        const u = fresh(gl);
        for (let i = 0; i < u.length; i++) {
          const vi = decay * vd[i] + (1 - decay) * gd[i] * gd[i];
          nv[i] = vi;
          u[i] = gd[i] / (Math.sqrt(vi) + eps);
        }
        vs.push(nv);
        us.push(u);
      });
      return [rebuild(g.def, g.leaves, us), { nu: rebuild(g.def, g.leaves, vs) }];
    },
  };
}

/**
 * Adds wd * theta to the updates. Placed before a preconditioner it is coupled L2 regularisation
 * (the gradient of wd/2 |theta|^2 joins the gradient); placed after it (AdamW, Loshchilov &
 * Hutter, arXiv 1711.05101) it is decoupled weight decay, theta <- theta - lr (u + wd theta).
 */
export function addDecayedWeights(wd: number): GradientTransformation<null> {
  finiteNumber("weight decay", wd, "a finite number >= 0", (v) => v >= 0);
  return {
    init: () => null,
    update: (grads, s, params) => {
      if (wd === 0) return [grads, s];
      if (params === undefined) throw new TypeError("addDecayedWeights needs the parameters: call update(grads, state, params)");
      const g = flat(grads);
      const p = flat(params, g, "params");
      return [rebuild(g.def, g.leaves, g.leaves.map((gl, k) => {
        const o = fresh(gl);
        const gd = gl.data;
        const pd = p.leaves[k].data;
        for (let i = 0; i < o.length; i++) o[i] = gd[i] + wd * pd[i];
        return o;
      })), s];
    },
  };
}

/** Global Euclidean norm over all leaves of a tree. */
function globalNorm(leaves: readonly { data: TypedArray }[]): number {
  let s = 0;
  for (const t of leaves) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  }
  return Math.sqrt(s);
}

/** Rescales updates so their global norm is at most `maxNorm`: u <- u min(1, maxNorm / |u|). */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  finiteNumber("maxNorm", maxNorm, "> 0", (v) => v > 0);
  return {
    init: () => null,
    update: (g, s) => {
      const n = globalNorm(flat(g).leaves);
      return [n > maxNorm ? scaleTree(g, maxNorm / n) : g, s];
    },
  };
}

/** Clips every update entry to [-limit, limit]. */
export function clipByValue(limit: number): GradientTransformation<null> {
  finiteNumber("clip limit", limit, "> 0", (v) => v > 0);
  return {
    init: () => null,
    update: (grads, s) => {
      const g = flat(grads);
      return [rebuild(g.def, g.leaves, g.leaves.map((t) => {
        const o = fresh(t);
        const a = t.data;
        for (let i = 0; i < o.length; i++) o[i] = a[i] > limit ? limit : a[i] < -limit ? -limit : a[i];
        return o;
      })), s];
    },
  };
}
