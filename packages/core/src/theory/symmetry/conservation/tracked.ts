import type { Tree } from "../../../tree.js";
import type { GradientTransformation } from "../../../optim/transform.js";

/**
 * Path-dependent predictions carried in the optimizer state. The continuous laws of Neural
 * Mechanics (arXiv 2012.04728) and the implicit-RMSProp law of Noether's Learning Dynamics (arXiv
 * 2105.02716) integrate measured gradients along the trajectory (the reference code keeps these
 * "integral buffers" in its optimizer, `optimizers/custom_sgd.py`). Kept here as plain data beside
 * the optimizer's own state, they are checkpointed with it, so a resumed run continues them bit
 * for bit; a probe reads them with `trackOf(ctx.optState)`.
 */
export interface TrackedState<T> {
  /** The wrapped optimizer's state. */
  inner: unknown;
  /** The tracked predictions after the steps taken so far (plain data: numbers, arrays, objects). */
  track: T;
}

/** What one step shows the tracker: the parameters, gradient and update of step k (theta_{k+1} = params + updates). */
export interface TrackedStep {
  params: Tree;
  grads: Tree;
  updates: Tree;
  loss?: number;
}

/**
 * `inner` unchanged, plus `track`: `init(params)` at the start and `step(track, {params, grads,
 * updates})` after every update. Updates are exactly the inner optimizer's.
 */
export function tracked<T>(inner: GradientTransformation<unknown>, init: (params: Tree) => T, step: (track: T, s: TrackedStep) => T): GradientTransformation<TrackedState<T>> {
  return {
    init: (params) => ({ inner: inner.init(params), track: init(params) }),
    update: (grads, state, params, info) => {
      if (params === undefined) throw new TypeError("tracked: the update needs the parameters");
      const [updates, next] = inner.update(grads, state.inner, params, info);
      return [updates, { inner: next, track: step(state.track, { params, grads, updates, loss: info?.loss }) }];
    },
  };
}

/** The tracked predictions of a `tracked` optimizer's state. */
export function trackOf<T>(optState: unknown): T {
  const s = optState as Partial<TrackedState<T>> | null;
  if (s === null || typeof s !== "object" || !("track" in s)) throw new TypeError("trackOf: not the state of a tracked optimizer");
  return s.track as T;
}

/** The wrapped optimizer's own state inside a `tracked` state. */
export function innerStateOf(optState: unknown): unknown {
  const s = optState as Partial<TrackedState<unknown>> | null;
  if (s === null || typeof s !== "object" || !("inner" in s)) throw new TypeError("innerStateOf: not the state of a tracked optimizer");
  return s.inner;
}
