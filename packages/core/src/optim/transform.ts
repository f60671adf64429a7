import type { Tensor } from "../tensor/tensor.js";
import { type Tree, treeMap } from "../tree.js";
import { add } from "../ops/elementwise.js";
import { noGrad } from "../autodiff/trace-state.js";

/**
 * An optimizer is a pure gradient transformation (optax's design): `init` builds the state from
 * the parameters; `update` maps gradients (and optionally the current parameters) to updates and
 * a new state. States are plain data (numbers and trees of tensors), so they can be inspected by
 * probes and checkpointed. Updates are *added* to parameters (`applyUpdates`), so a descent step
 * ends with a negative learning-rate scale.
 */
export interface GradientTransformation<S = unknown> {
  init(params: Tree): S;
  update(grads: Tree, state: S, params?: Tree, info?: UpdateInfo): [updates: Tree, state: S];
}

/** Extra facts some optimizers need (ECD needs the loss value). */
export interface UpdateInfo {
  loss?: number;
}

/** params + updates, leafwise. */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  return noGrad(() => treeMap((p: Tensor, u: Tensor) => add(p, u), params, updates));
}

/** The transformation that returns gradients unchanged. */
export function identity(): GradientTransformation<null> {
  return { init: () => null, update: (g, s) => [g, s] };
}

/** Applies transformations in sequence; the state is the list of their states. */
export function chain(...ts: GradientTransformation<unknown>[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => ts.map((t) => t.init(params)),
    update: (grads, state, params, info) => {
      let u = grads;
      const next = ts.map((t, i) => {
        const [nu, ns] = t.update(u, state[i], params, info);
        u = nu;
        return ns;
      });
      return [u, next];
    },
  };
}
