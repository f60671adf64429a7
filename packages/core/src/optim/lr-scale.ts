import { Tensor } from "../tensor/tensor.js";
import type { Tree } from "../tree.js";
import { svd } from "../linalg/index.js";
import type { GradientTransformation } from "./transform.js";
import { flat, fresh, rebuild } from "./leafwise.js";

/**
 * Per-layer learning rates from a parametrization (muP's MuSGD / MuAdam, Yang et al., arXiv
 * 2203.03466; the spectral condition, Yang, Simon & Bernstein, arXiv 2310.17813): every update
 * leaf is multiplied entrywise by its multiplier, u_leaf <- m_leaf * u_leaf. `multipliers` is a
 * tree with the parameters' structure whose leaves are tensors of the leaf's size (as
 * `lrScaleTree` or a model's `lrScales(params)` build from the parametrization table) or of size
 * 1 (one number for the whole leaf). The block is linear, so it composes with any optimizer by
 * `chain`: `chain(adam(lr), scaleByLrMultiplier(m))` is MuAdam; `chain(gd(lr),
 * scaleByLrMultiplier(m))` is GD with lr * lrScale_l on layer l. Place it after any normalising
 * block (Adam's, or scaleBySpectralNorm), which would otherwise undo it. Stateless.
 */
export function scaleByLrMultiplier(multipliers: Tree): GradientTransformation<null> {
  const m = flat(multipliers);
  for (const [k, leaf] of m.leaves.entries()) {
    for (const v of leaf.data) if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`scaleByLrMultiplier: multiplier leaf ${k} holds ${v}; multipliers must be finite and >= 0`);
  }
  return {
    init: () => null,
    update: (grads, s) => {
      const g = flat(grads);
      if (g.leaves.length !== m.leaves.length) {
        throw new TypeError(`scaleByLrMultiplier: the updates have ${g.leaves.length} leaves but the multipliers have ${m.leaves.length}; build them from these parameters`);
      }
      const out = g.leaves.map((leaf, k) => {
        const a = leaf.data;
        const c = m.leaves[k].data;
        if (c.length !== 1 && c.length !== a.length) throw new RangeError(`scaleByLrMultiplier: multiplier leaf ${k} has ${c.length} entries; the update leaf has ${a.length} (give ${a.length} or 1)`);
        const o = fresh(leaf);
        if (c.length === 1) for (let i = 0; i < o.length; i++) o[i] = c[0] * a[i];
        else for (let i = 0; i < o.length; i++) o[i] = c[i] * a[i];
        return o;
      });
      return [rebuild(g.def, g.leaves, out), s];
    },
  };
}

/**
 * The (fan_in, fan_out) of a leaf under Saddle's row convention y = x W (W of shape (fan_in,
 * fan_out)): a matrix (a, b) has fans (a, b); a tensor of rank > 2 is read as (prod of leading
 * dims, last dim); a vector of length n is a bias (a weight from a constant input): (1, n); a
 * scalar (1, 1).
 */
export function leafFans(shape: readonly number[]): [fanIn: number, fanOut: number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0]];
  const fanOut = shape[shape.length - 1];
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), fanOut];
}

/**
 * Spectral norm ||A||_* (largest singular value) of a leaf read as the (fan_in, fan_out) matrix of
 * `leafFans`, by the SVD (float64, exact to rounding; a vector's is its Euclidean norm).
 */
export function spectralNorm(t: Tensor): number {
  const [fanIn, fanOut] = leafFans(t.shape);
  if (fanIn === 1 || fanOut === 1) {
    let s = 0;
    for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
    return Math.sqrt(s);
  }
  const a = new Tensor(Float64Array.from(t.data), [fanIn, fanOut]);
  return Math.max(...svd(a).s.data);
}

/**
 * The spectral-norm-projected update of the spectral condition (Yang, Simon & Bernstein, arXiv
 * 2310.17813; normalised steepest descent under the spectral norm): every leaf G is
 * replaced by sqrt(fan_out/fan_in) G / ||G||_*, so each update has spectral norm exactly
 * sqrt(fan_out/fan_in) (fans from `leafFans`; a bias of length n gets sqrt(n) G/|G|_2). Then
 * `chain(scaleBySpectralNorm(), scaleByLearningRate(lr))` takes Delta W_l = -lr sqrt(fan_out/fan_in)
 * G_l/||G_l||_*, which meets ||Delta W_l||_* = Theta(sqrt(fan_out/fan_in)) at every width by
 * construction. A zero leaf stays zero. `target(shape)` replaces sqrt(fan_out/fan_in). Stateless.
 * The reference (shared/reference/simon-papers.md section 7) marks unverified whether the paper
 * gives exactly this form; it is checked here numerically instead: every leaf gets exactly the
 * target norm (test/parametrization.test.ts) and the coord check's hidden-feature change under it
 * is flat over widths 64..256 for SGD and Adam directions (test/coord-check.test.ts).
 */
export function scaleBySpectralNorm({ target }: { target?: (shape: readonly number[]) => number } = {}): GradientTransformation<null> {
  const targetOf = target ?? ((shape: readonly number[]) => {
    const [fanIn, fanOut] = leafFans(shape);
    return Math.sqrt(fanOut / fanIn);
  });
  return {
    init: () => null,
    update: (grads, s) => {
      const g = flat(grads);
      const out = g.leaves.map((leaf) => {
        const norm = spectralNorm(leaf);
        const c = norm > 0 ? targetOf(leaf.shape) / norm : 0;
        if (!Number.isFinite(c)) throw new RangeError(`scaleBySpectralNorm: the scale of a leaf of shape [${leaf.shape.join(", ")}] is ${c}`);
        const o = fresh(leaf);
        const a = leaf.data;
        for (let i = 0; i < o.length; i++) o[i] = c * a[i];
        return o;
      });
      return [rebuild(g.def, g.leaves, out), s];
    },
  };
}
