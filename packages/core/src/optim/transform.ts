import type { Tree } from "../tree.js";
import { flat, fresh, rebuild } from "./leafwise.js";

/**
 * An optimizer is a pure gradient transformation (optax's design, DESIGN.md principle 6): `init`
 * builds the state from the parameters; `update` maps gradients (and, for blocks that need them,
 * the current parameters and the loss value) to updates and a new state. States are plain data
 * (numbers, arrays of numbers, trees of tensors), so probes can inspect them and `encodeState`
 * (train/serialize.ts) can checkpoint them. Updates are *added* to the parameters
 * (`applyUpdates`), so a descent step ends with a negative learning-rate scale. `update` never
 * mutates its inputs: the old state stays valid.
 */
export interface GradientTransformation<S = unknown> {
  init(params: Tree): S;
  update(grads: Tree, state: S, params?: Tree, info?: UpdateInfo): [updates: Tree, state: S];
}

/** Extra facts some transformations need (ECD needs the loss value). */
export interface UpdateInfo {
  loss?: number;
}

/**
 * theta + u, leafwise (fresh tensors; dtypes follow the parameters). Computed on the typed arrays,
 * so it records no autodiff graph: differentiate through training with core ops instead.
 */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  const p = flat(params);
  const u = flat(updates, p, "updates");
  const out = p.leaves.map((leaf, k) => {
    const a = leaf.data;
    const b = u.leaves[k].data;
    const o = fresh(leaf);
    for (let i = 0; i < o.length; i++) o[i] = a[i] + b[i];
    return o;
  });
  return rebuild<T>(p.def, p.leaves, out);
}

/** The transformation that returns gradients unchanged. */
export function identity(): GradientTransformation<null> {
  return { init: () => null, update: (g, s) => [g, s] };
}

/**
 * Applies transformations in sequence, each to the previous one's output; the state is the list
 * of their states (so `state[i]` is the i-th block's state, e.g. Adam's moments).
 */
export function chain(...ts: GradientTransformation<unknown>[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => ts.map((t) => t.init(params)),
    update: (grads, state, params, info) => {
      if (!Array.isArray(state) || state.length !== ts.length) {
        throw new TypeError(`chain: state must be an array of ${ts.length} block states, got ${Array.isArray(state) ? `${state.length}` : typeof state}`);
      }
      let u = grads;
      const next = new Array<unknown>(ts.length);
      for (let i = 0; i < ts.length; i++) {
        const [nu, ns] = ts[i].update(u, state[i], params, info);
        u = nu;
        next[i] = ns;
      }
      return [u, next];
    },
  };
}
