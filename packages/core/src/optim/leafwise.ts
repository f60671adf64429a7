import { Tensor } from "../tensor/tensor.js";
import { type TypedArray, allocate } from "../tensor/dtype.js";
import { activeBackend } from "../backend/registry.js";
import { type Tree, type TreeDef, flatten, unflatten } from "../tree.js";

/**
 * Leafwise plumbing for the optimizer kernels. Optimizer arithmetic runs directly on typed arrays
 * (one allocation per output leaf, one loop per leaf) instead of through core ops: a tiny training
 * step must not pay a dozen primitive dispatches per leaf for Adam's moment updates. Updates are
 * therefore not differentiable (optimizers never are in Saddle). Inputs are never written to; every
 * output buffer is fresh.
 */
export interface FlatTree {
  leaves: Tensor[];
  def: TreeDef;
}

/** Leaves and structure of `tree`; when `like` is given, checks that the leaves line up with it. */
export function flat(tree: Tree, like?: FlatTree, what = "tree"): FlatTree {
  const f = flatten(tree);
  if (like !== undefined) {
    if (f.leaves.length !== like.leaves.length) {
      throw new TypeError(`${what} has ${f.leaves.length} leaves but the gradients have ${like.leaves.length}; was the state built for these parameters?`);
    }
    for (let i = 0; i < f.leaves.length; i++) {
      if (f.leaves[i].size !== like.leaves[i].size) {
        throw new RangeError(`${what} leaf ${i} has ${f.leaves[i].size} entries but the gradient leaf has ${like.leaves[i].size}`);
      }
    }
  }
  return f;
}

/**
 * A fresh output buffer with the dtype and length of `t`, from the active backend's allocator when
 * it has one (the native backend's is not zero-filled): every caller writes every element.
 */
export function fresh(t: Tensor): TypedArray {
  const backend = activeBackend();
  return backend.allocate !== undefined ? backend.allocate(t.dtype, t.size) : allocate(t.dtype, t.size);
}

/** A tensor over freshly allocated `data`, shaped like `like` (shapes are frozen, so shared safely). */
export function wrap(data: TypedArray, like: Tensor): Tensor {
  return new Tensor(data, like.shape, null, true);
}

/** Rebuilds a tree of structure `def` from per-leaf buffers shaped like `like`. */
export function rebuild<T extends Tree = Tree>(def: TreeDef, like: readonly Tensor[], data: readonly TypedArray[]): T {
  return unflatten<T>(def, data.map((d, i) => wrap(d, like[i])));
}

/** A tree of zeros shaped like `tree` (fresh zero-filled buffers). */
export function zerosTree<T extends Tree>(tree: T): T {
  const { leaves, def } = flatten(tree);
  return rebuild<T>(def, leaves, leaves.map((t) => allocate(t.dtype, t.size)));
}
