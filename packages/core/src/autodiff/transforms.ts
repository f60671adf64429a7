import { Tensor, newNodeId, stopGradient, ones, zeros } from "../tensor/tensor.js";
import { shapesEqual } from "../tensor/shape.js";
import { type Tree, flatten, unflatten, treeMap } from "../tree.js";
import { backward, zerosLike } from "./backward.js";
import { inScope, isRecording } from "./trace-state.js";
import { add, mul } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { reshape, stack } from "../ops/movement.js";

/** A function from a parameter tree to a tree of tensors. */
export type TreeFn<I extends Tree, O extends Tree> = (x: I) => O;

function makeLeaf(x: Tensor): Tensor {
  return new Tensor(x.data, x.shape, { id: newNodeId(), prim: null, inputs: x.node !== null ? [x] : [], params: null });
}

/**
 * Reverse mode: evaluates f at `primals` and returns its value and the pullback
 * u -> J_f(primals)^T u, where u has the structure of the output. The pullback can be called many
 * times. Called inside another differentiation, the pullback itself is differentiable.
 */
export function vjp<I extends Tree, O extends Tree>(f: TreeFn<I, O>, primals: I): { out: O; pullback: (cotangent: O) => I } {
  const { leaves, def } = flatten(primals);
  const inner = leaves.map(makeLeaf);
  const out = inScope(() => f(unflatten<I>(def, inner)));
  const fo = flatten(out);
  const pullback = (cotangent: O): I => {
    const cl = flatten(cotangent).leaves;
    if (cl.length !== fo.leaves.length) throw new TypeError(`pullback: cotangent has ${cl.length} leaves, output has ${fo.leaves.length}`);
    cl.forEach((c, i) => {
      if (!shapesEqual(c.shape, fo.leaves[i].shape)) {
        throw new RangeError(`pullback: cotangent ${i} has shape [${c.shape.join(", ")}], output has [${fo.leaves[i].shape.join(", ")}]`);
      }
    });
    const gs = backward(fo.leaves, cl, inner);
    return unflatten<I>(def, gs.map((g, i) => g ?? zerosLike(leaves[i])));
  };
  // Outside any differentiation the returned value carries no graph (nothing to retain).
  const value = isRecording() ? out : unflatten<O>(fo.def, fo.leaves.map(stopGradient));
  return { out: value, pullback };
}

function checkScalar(y: Tensor, who: string): void {
  if (!(y instanceof Tensor) || y.size !== 1) {
    throw new TypeError(`${who}: the function must return a scalar tensor (one element), got ${y instanceof Tensor ? `shape [${y.shape.join(", ")}]` : typeof y}`);
  }
}

/** (x) -> [f(x), grad f(x)] for a scalar-valued f of a parameter tree. */
export function valueAndGrad<I extends Tree>(f: (x: I) => Tensor): (x: I) => [Tensor, I] {
  return (x: I) => {
    const { out, pullback } = vjp(f, x);
    checkScalar(out, "valueAndGrad");
    return [out, pullback(ones(out.shape, out.dtype))];
  };
}

/** Like valueAndGrad, for f returning [loss, aux]; aux is returned without a graph. */
export function valueAndGradWithAux<I extends Tree, A>(f: (x: I) => [Tensor, A]): (x: I) => [Tensor, I, A] {
  return (x: I) => {
    let aux: A | undefined;
    const { out, pullback } = vjp((p: I) => {
      const [loss, a] = f(p);
      aux = a;
      return loss;
    }, x);
    checkScalar(out, "valueAndGradWithAux");
    return [out, pullback(ones(out.shape, out.dtype)), aux as A];
  };
}

/** x -> grad f(x), same structure as x. */
export function grad<I extends Tree>(f: (x: I) => Tensor): (x: I) => I {
  const vg = valueAndGrad(f);
  return (x: I) => vg(x)[1];
}

/**
 * Forward mode: [f(primals), J_f(primals) tangents]. Computed as the transpose of the (linear)
 * pullback, i.e. the VJP of u -> J^T u, so it needs no separate forward rules.
 */
export function jvp<I extends Tree, O extends Tree>(f: TreeFn<I, O>, primals: I, tangents: I): [O, O] {
  return inScope(() => {
    const { out, pullback } = vjp(f, primals);
    const u0 = treeMap((t) => zerosLike(t), out);
    const { pullback: transposed } = vjp((u: O) => pullback(u), u0);
    const tangentOut = transposed(tangents);
    const fo = flatten(out);
    const ft = flatten(tangentOut);
    const strip = (l: Tensor[]) => l.map(stopGradient);
    return [unflatten<O>(fo.def, strip(fo.leaves)), unflatten<O>(ft.def, strip(ft.leaves))] as [O, O];
  });
}

/** sum over leaves of <a, b> as a differentiable scalar. */
export function treeVdot(a: Tree, b: Tree): Tensor {
  const fa = flatten(a).leaves;
  const fb = flatten(b).leaves;
  if (fa.length !== fb.length) throw new TypeError("treeVdot: trees have different numbers of leaves");
  let s: Tensor = zeros([], fa[0]?.dtype ?? "f64");
  fa.forEach((x, i) => (s = add(s, sum(mul(x, fb[i])))));
  return s;
}

/** Hessian-vector product H(x) v of a scalar f, by reverse-over-reverse: grad of <grad f, v>. */
export function hvp<I extends Tree>(f: (x: I) => Tensor, x: I, v: I): I {
  return grad((p: I) => treeVdot(grad(f)(p), v))(x);
}

/** The Jacobian of f: R^(x.shape) -> R^(y.shape) as a tensor of shape [...y.shape, ...x.shape]. */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const { out, pullback } = vjp(f, x);
  const rows: Tensor[] = [];
  for (let i = 0; i < out.size; i++) {
    const e = zeros(out.shape, out.dtype);
    e.data[i] = 1;
    rows.push(reshape(pullback(e), [x.size]));
  }
  if (rows.length === 0) return zeros([...out.shape, ...x.shape], x.dtype);
  return reshape(stack(rows, 0), [...out.shape, ...x.shape]);
}

/** The Hessian of a scalar f at a tensor x, shape [...x.shape, ...x.shape]. */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return jacobian((p) => grad(f)(p), x);
}
