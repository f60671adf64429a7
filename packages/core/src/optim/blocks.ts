import { Tensor, zeros } from "../tensor/tensor.js";
import { type Tree, treeMap, treeNorm, flatten, unflatten } from "../tree.js";
import { add, div, mul, sqrt, sub, square } from "../ops/elementwise.js";
import { noGrad } from "../autodiff/trace-state.js";
import type { GradientTransformation } from "./transform.js";
import { type Schedule, asSchedule } from "./schedules.js";

const zerosLike = (t: Tensor) => zeros(t.shape, t.dtype);
const map = <T extends Tree>(f: (...xs: Tensor[]) => Tensor, t: T, ...r: Tree[]) => noGrad(() => treeMap(f, t, ...r));

/** Multiplies updates by a constant. */
export function scale(factor: number): GradientTransformation<null> {
  return { init: () => null, update: (g, s) => [map((x) => mul(x, factor), g), s] };
}

/** Multiplies updates by -lr(step) (a descent step); the state counts steps. */
export function scaleByLearningRate(lr: number | Schedule): GradientTransformation<{ count: number }> {
  const sched = asSchedule(lr);
  return {
    init: () => ({ count: 0 }),
    update: (g, s) => [map((x) => mul(x, -sched(s.count)), g), { count: s.count + 1 }],
  };
}

/**
 * Heavy-ball momentum v <- decay v + g, update v; Nesterov: update g + decay v (optax's trace).
 * Under heavy-ball the gradient-flow time is t = lr * step / (1 - decay) (conventions.ts).
 */
export function trace({ decay, nesterov = false }: { decay: number; nesterov?: boolean }): GradientTransformation<{ velocity: Tree }> {
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`momentum decay must be in [0, 1), got ${decay}`);
  return {
    init: (p) => ({ velocity: map(zerosLike, p) }),
    update: (g, s) => {
      const v = map((vi, gi) => add(mul(vi, decay), gi), s.velocity, g);
      const u = nesterov ? map((gi, vi) => add(gi, mul(vi, decay)), g, v) : v;
      return [u, { velocity: v }];
    },
  };
}

export interface AdamState {
  count: number;
  mu: Tree;
  nu: Tree;
}

/**
 * Adam's preconditioning (Kingma & Ba, arXiv 1412.6980): m <- b1 m + (1-b1) g,
 * v <- b2 v + (1-b2) g^2, update m_hat / (sqrt(v_hat) + eps) with bias corrections.
 */
export function scaleByAdam({ b1 = 0.9, b2 = 0.999, eps = 1e-8 } = {}): GradientTransformation<AdamState> {
  return {
    init: (p) => ({ count: 0, mu: map(zerosLike, p), nu: map(zerosLike, p) }),
    update: (g, s) => {
      const count = s.count + 1;
      const mu = map((m, gi) => add(mul(m, b1), mul(gi, 1 - b1)), s.mu, g);
      const nu = map((v, gi) => add(mul(v, b2), mul(square(gi), 1 - b2)), s.nu, g);
      const c1 = 1 - b1 ** count;
      const c2 = 1 - b2 ** count;
      const u = map((m, v) => div(mul(m, 1 / c1), add(sqrt(mul(v, 1 / c2)), eps)), mu, nu);
      return [u, { count, mu, nu }];
    },
  };
}

/** RMSProp preconditioning (Tieleman & Hinton 2012): v <- decay v + (1-decay) g^2, update g / (sqrt(v) + eps). */
export function scaleByRms({ decay = 0.9, eps = 1e-8 } = {}): GradientTransformation<{ nu: Tree }> {
  return {
    init: (p) => ({ nu: map(zerosLike, p) }),
    update: (g, s) => {
      const nu = map((v, gi) => add(mul(v, decay), mul(square(gi), 1 - decay)), s.nu, g);
      return [map((gi, v) => div(gi, add(sqrt(v), eps)), g, nu), { nu }];
    },
  };
}

/**
 * Adds wd * params to the updates. Before the preconditioner it is coupled L2 regularisation
 * (the gradient of wd/2 |theta|^2); after it (AdamW, Loshchilov & Hutter, arXiv 1711.05101) it is
 * decoupled weight decay.
 */
export function addDecayedWeights(wd: number): GradientTransformation<null> {
  return {
    init: () => null,
    update: (g, s, params) => {
      if (wd === 0) return [g, s];
      if (params === undefined) throw new Error("addDecayedWeights needs the parameters: call update(grads, state, params)");
      return [map((gi, p) => add(gi, mul(p, wd)), g, params), s];
    },
  };
}

/** Rescales updates so their global norm is at most `maxNorm`. */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  if (!(maxNorm > 0)) throw new RangeError(`maxNorm must be > 0, got ${maxNorm}`);
  return {
    init: () => null,
    update: (g, s) => {
      const n = treeNorm(g);
      return [n > maxNorm ? map((x) => mul(x, maxNorm / n), g) : g, s];
    },
  };
}

/** Clips every update entry to [-limit, limit]. */
export function clipByValue(limit: number): GradientTransformation<null> {
  return {
    init: () => null,
    update: (g, s) => [map((x) => {
      const d = x.data.slice();
      for (let i = 0; i < d.length; i++) d[i] = Math.min(limit, Math.max(-limit, d[i]));
      return new Tensor(d, x.shape);
    }, g), s],
  };
}

/** Adds `sub(a, b)` helper for use by other modules (re-exported convenience). */
export const treeSub = <T extends Tree>(a: T, b: Tree): T => map((x, y) => sub(x, y), a, b);

/** Structure-preserving copy of a tree's leaves into fresh tensors. */
export const treeClone = <T extends Tree>(t: T): T => {
  const { leaves, def } = flatten(t);
  return unflatten<T>(def, leaves.map((x) => new Tensor(x.data.slice(), x.shape)));
};
