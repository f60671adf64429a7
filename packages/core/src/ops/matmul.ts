import { Tensor } from "../tensor/tensor.js";
import { bind } from "../prim/bind.js";
import { reshape } from "./movement.js";
import { mul } from "./elementwise.js";
import { sum } from "./reduce.js";

/**
 * op(a) @ op(b) on rank >= 2 operands (batch dimensions broadcast), where op transposes the last
 * two dimensions when its flag is set. The transposes are free: backends read them as flags.
 */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  return bind("matmul", [a, b], { transA, transB });
}

/**
 * numpy matmul: 1-D operands are promoted (a vector on the left is a row, on the right a column)
 * and the promoted dimension removed from the result.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) throw new RangeError("matmul does not take scalars; use mul");
  const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  let out = mm(a2, b2);
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]]);
  else if (b.rank === 1) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

/** Inner product of two tensors of the same shape (sum of the elementwise product). */
export function dot(a: Tensor, b: Tensor): Tensor {
  return sum(mul(a, b));
}

/** Outer product of two vectors: (m) x (n) -> (m, n). */
export function outer(a: Tensor, b: Tensor): Tensor {
  return mm(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
