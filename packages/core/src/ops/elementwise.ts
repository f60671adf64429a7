import { Tensor, full } from "../tensor/tensor.js";
import { bind } from "../prim/bind.js";
import type { DType } from "../tensor/dtype.js";

/** A tensor or a plain number (promoted to a scalar tensor of the other operand's dtype). */
export type TensorLike = Tensor | number;

function lift(x: TensorLike, dtype: DType): Tensor {
  return typeof x === "number" ? full([], x, dtype) : x;
}

function dtypeOfPair(a: TensorLike, b: TensorLike): DType {
  if (typeof a !== "number") return a.dtype;
  if (typeof b !== "number") return b.dtype;
  return "f64";
}

const E = {} as const;

// Unary primitives.
export const neg = (x: Tensor): Tensor => bind("neg", [x], E);
/** 1 / x */
export const recip = (x: Tensor): Tensor => bind("recip", [x], E);
export const exp = (x: Tensor): Tensor => bind("exp", [x], E);
/** exp(x) - 1, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => bind("expm1", [x], E);
export const log = (x: Tensor): Tensor => bind("log", [x], E);
/** log(1 + x), accurate near 0. */
export const log1p = (x: Tensor): Tensor => bind("log1p", [x], E);
export const sqrt = (x: Tensor): Tensor => bind("sqrt", [x], E);
export const tanh = (x: Tensor): Tensor => bind("tanh", [x], E);
export const sin = (x: Tensor): Tensor => bind("sin", [x], E);
export const cos = (x: Tensor): Tensor => bind("cos", [x], E);
export const abs = (x: Tensor): Tensor => bind("abs", [x], E);
/** -1, 0 or 1 (NaN for NaN); zero gradient. */
export const sign = (x: Tensor): Tensor => bind("sign", [x], E);
/** The error function erf(x) = (2/sqrt(pi)) int_0^x exp(-t^2) dt. */
export const erf = (x: Tensor): Tensor => bind("erf", [x], E);

// Binary primitives (numpy broadcasting; numbers are promoted).
function binary(p: "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "cmplt" | "cmpeq") {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const dt = dtypeOfPair(a, b);
    return bind(p, [lift(a, dt), lift(b, dt)], E);
  };
}
export const add = binary("add");
export const sub = binary("sub");
export const mul = binary("mul");
export const div = binary("div");
/** a ** b elementwise. */
export const pow = binary("pow");
/** Elementwise maximum; at ties the gradient is split equally (as in JAX). */
export const maximum = binary("maximum");
/** 1 where a < b, else 0 (no gradient). */
export const lt = binary("cmplt");
/** 1 where a == b, else 0 (no gradient). */
export const eq = binary("cmpeq");

/** 1 where a > b. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => lt(b, a);
/** 1 where a <= b. */
export const le = (a: TensorLike, b: TensorLike): Tensor => sub(1, lt(b, a));
/** 1 where a >= b. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => sub(1, lt(a, b));
/** Elementwise minimum, as -max(-a, -b). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => {
  const dt = dtypeOfPair(a, b);
  return neg(maximum(neg(lift(a, dt)), neg(lift(b, dt))));
};

/** cond ? a : b elementwise (cond nonzero means true), broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const dt = typeof a !== "number" ? a.dtype : typeof b !== "number" ? b.dtype : cond.dtype;
  return bind("where", [cond, lift(a, dt), lift(b, dt)], E);
}

/** x * x */
export const square = (x: Tensor): Tensor => mul(x, x);
/** Clamp to [lo, hi]. */
export const clip = (x: Tensor, lo: number, hi: number): Tensor => minimum(maximum(x, lo), hi);

/** Converts to another dtype (the gradient is cast back). */
export const cast = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : bind("cast", [x], { dtype }));
