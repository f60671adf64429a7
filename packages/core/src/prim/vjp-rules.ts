import type { Tensor } from "../tensor/tensor.js";
import type { Prim, PrimParams } from "./primitives.js";
import {
  add, cast, cos, div, eq, exp, lt, mul, neg, sign, sin, sub, where, log, square,
} from "../ops/elementwise.js";
import { sumTo, unreduce } from "../ops/reduce.js";
import { mm } from "../ops/matmul.js";
import { pad, reshape, scatterAdd, slice, take, transpose } from "../ops/movement.js";
import { bind } from "./bind.js";

/**
 * A VJP rule maps the output cotangent `g` to one cotangent per input (null where an input needs
 * none, or gets zero). `needs[i]` says whether input i's cotangent is wanted. Rules are written
 * in differentiable ops, so differentiating a gradient (HVP, Hessians) works.
 */
export type VjpRule<P extends Prim> = (
  g: Tensor, inputs: readonly Tensor[], out: Tensor, params: PrimParams[P], needs: readonly boolean[],
) => (Tensor | null)[];

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const vjpRules: { [P in Prim]: VjpRule<P> } = {
  neg: (g) => [neg(g)],
  recip: (g, _x, out) => [neg(mul(g, square(out)))],
  exp: (g, _x, out) => [mul(g, out)],
  expm1: (g, _x, out) => [mul(g, add(out, 1))],
  log: (g, [x]) => [div(g, x)],
  log1p: (g, [x]) => [div(g, add(x, 1))],
  sqrt: (g, _x, out) => [div(g, mul(out, 2))],
  tanh: (g, _x, out) => [mul(g, sub(1, square(out)))],
  sin: (g, [x]) => [mul(g, cos(x))],
  cos: (g, [x]) => [neg(mul(g, sin(x)))],
  abs: (g, [x]) => [mul(g, sign(x))],
  sign: () => [null],
  erf: (g, [x]) => [mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))],

  add: (g, [a, b], _o, _p, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? sumTo(g, b.shape) : null],
  sub: (g, [a, b], _o, _p, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? sumTo(neg(g), b.shape) : null],
  mul: (g, [a, b], _o, _p, n) => [n[0] ? sumTo(mul(g, b), a.shape) : null, n[1] ? sumTo(mul(g, a), b.shape) : null],
  div: (g, [a, b], out, _p, n) => [
    n[0] ? sumTo(div(g, b), a.shape) : null,
    n[1] ? sumTo(neg(div(mul(g, out), b)), b.shape) : null,
  ],
  pow: (g, [a, b], out, _p, n) => {
    // d/da a^b = b a^(b-1); d/db a^b = a^b log a, taken as 0 where a <= 0 (where it is undefined or the limit is 0).
    const da = n[0] ? sumTo(mul(g, mul(b, bind("pow", [a, sub(b, 1)], {}))), a.shape) : null;
    let db: Tensor | null = null;
    if (n[1]) {
      const pos = lt(0, a);
      const safeLog = log(where(pos, a, 1));
      db = sumTo(where(pos, mul(g, mul(out, safeLog)), 0), b.shape);
    }
    return [da, db];
  },
  maximum: (g, [a, b], _o, _p, n) => {
    // Ties share the gradient equally.
    const wa = add(lt(b, a), mul(eq(a, b), 0.5));
    const wb = sub(1, wa);
    return [n[0] ? sumTo(mul(g, wa), a.shape) : null, n[1] ? sumTo(mul(g, wb), b.shape) : null];
  },
  cmplt: () => [null, null],
  cmpeq: () => [null, null],
  where: (g, [c, a, b], _o, _p, n) => [
    null,
    n[1] ? sumTo(where(c, g, 0), a.shape) : null,
    n[2] ? sumTo(where(c, 0, g), b.shape) : null,
  ],

  sum: (g, [x], _o, p) => [unreduce(g, x.shape, p.axes)],
  max: (g, [x], out, p) => {
    const mask = eq(x, unreduce(out, x.shape, p.axes));
    const count = bind("sum", [mask], { axes: p.axes });
    return [mul(mask, unreduce(div(g, count), x.shape, p.axes))];
  },

  reshape: (g, [x]) => [reshape(g, x.shape)],
  transpose: (g, _x, _o, p) => {
    const inv = new Array<number>(p.perm.length);
    p.perm.forEach((a, i) => (inv[a] = i));
    return [transpose(g, inv)];
  },
  broadcast: (g, [x]) => [sumTo(g, x.shape)],
  slice: (g, [x], _o, p) => {
    // Stepped axes scatter into place; unit-step axes are zero-padded.
    let r = g;
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < x.rank; i++) {
      if (p.step[i] !== 1) {
        const idx = Array.from({ length: p.size[i] }, (_, j) => p.start[i] + j * p.step[i]);
        r = scatterAdd(r, idx, i, x.shape[i]);
        before.push(0);
        after.push(0);
      } else {
        before.push(p.start[i]);
        after.push(x.shape[i] - p.start[i] - p.size[i]);
      }
    }
    return [pad(r, before, after)];
  },
  pad: (g, [x], _o, p) => [slice(g, x.shape.map((d, i) => [p.before[i], p.before[i] + d] as const))],
  concat: (g, xs, _o, p, n) => {
    let off = 0;
    return xs.map((x, i) => {
      const lo = off;
      off += x.shape[p.axis];
      if (!n[i]) return null;
      return slice(g, x.shape.map((d, a) => (a === p.axis ? ([lo, lo + d] as const) : null)));
    });
  },
  gather: (g, [x], _o, p) => [scatterAdd(g, p.indices, p.axis, x.shape[p.axis], p.indexShape)],
  scatterAdd: (g, _x, _o, p) => [take(g, p.indices, p.axis, p.indexShape)],

  matmul: (g, [a, b], _o, { transA, transB }, n) => {
    // C = op(A) op(B): d op(A) = G op(B)^T, d op(B) = op(A)^T G; transposed back where flagged.
    const da = n[0] ? sumTo(transA ? mm(b, g, transB, true) : mm(g, b, false, !transB), a.shape) : null;
    const db = n[1] ? sumTo(transB ? mm(g, a, true, transA) : mm(a, g, !transA, false), b.shape) : null;
    return [da, db];
  },
  cast: (g, [x]) => [cast(g, x.dtype)],
};
