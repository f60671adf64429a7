import { Tensor, stopGradient } from "../tensor/tensor.js";
import {
  abs, add, div, erf, exp, log, log1p, lt, maximum, mul, neg, sqrt, sub, tanh, where,
} from "./elementwise.js";
import { max, mean, sum, variance } from "./reduce.js";
import { mm } from "./matmul.js";
import { oneHot, squeeze } from "./movement.js";
import { normalizeAxis } from "../tensor/shape.js";

/**
 * Composite neural-network functions. None of these has a VJP rule: their gradients come from the
 * primitives they are built from. Each is written to be numerically safe at edge values
 * (softplus(1000) = 1000, logsumexp of -1e308 = -1e308 + log n, softmax of large logits).
 */

/** max(x, 0); the gradient at 0 is 0 (as in PyTorch). */
export function relu(x: Tensor): Tensor {
  return mul(x, lt(0, x));
}

/** 1 / (1 + exp(-x)), computed as (1 + tanh(x/2)) / 2 (no overflow). */
export function sigmoid(x: Tensor): Tensor {
  return mul(add(tanh(mul(x, 0.5)), 1), 0.5);
}

/** log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)) (no overflow, accurate for large |x|). */
export function softplus(x: Tensor): Tensor {
  return add(maximum(x, 0), log1p(exp(neg(abs(x)))));
}

/** x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/** Exact GELU: x * Phi(x) = x (1 + erf(x / sqrt 2)) / 2. */
export function gelu(x: Tensor): Tensor {
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** The shift used by logsumexp: the (constant) max, replaced by 0 where it is not finite. */
function safeMax(x: Tensor, axis: number): Tensor {
  const m = stopGradient(max(x, axis, true));
  const data = m.data.slice();
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) data[i] = 0;
  return new Tensor(data, m.shape);
}

/** log sum exp(x) along `axis`, shifted by the max (safe for -1e308 and +-inf entries). */
export function logsumexp(x: Tensor, axis = -1, keepdims = false): Tensor {
  const a = normalizeAxis(axis, x.rank);
  const m = safeMax(x, a);
  const s = add(log(sum(exp(sub(x, m)), a, true)), m);
  return keepdims ? s : squeeze(s, a);
}

/** log softmax along `axis`. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, axis, true));
}

/** softmax along `axis`. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/**
 * Mean softmax cross-entropy of `logits` (n, C) against integer labels (length n) or targets
 * (n, C) (one-hot or probabilities): mean_i -sum_c t_ic log softmax(logits_i)_c.
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number> | Tensor): Tensor {
  if (logits.rank !== 2) throw new RangeError(`crossEntropy expects logits of shape (n, classes), got [${logits.shape.join(", ")}]`);
  const targets = labels instanceof Tensor ? labels : oneHot(labels, logits.shape[1], logits.dtype);
  return neg(mean(sum(mul(targets, logSoftmax(logits, 1)), 1)));
}

/**
 * Saddle's MSE convention: L = 1/2 * mean over every entry of (pred - target)^2 (samples and
 * outputs). Theory modules state this convention and convert through conventions, never ad hoc.
 */
export function mse(pred: Tensor, target: Tensor): Tensor {
  const d = sub(pred, target);
  return mul(mean(mul(d, d)), 0.5);
}

/** Logistic loss mean log(1 + exp(-y f)) for labels y in {-1, +1}. */
export function logisticLoss(f: Tensor, y: Tensor): Tensor {
  return mean(softplus(neg(mul(y, f))));
}

/** Exponential loss mean exp(-y f) for labels y in {-1, +1}. */
export function exponentialLoss(f: Tensor, y: Tensor): Tensor {
  return mean(exp(neg(mul(y, f))));
}

/** Layer normalisation over `axis` without affine parameters: (x - mean) / sqrt(var + eps). */
export function layerNorm(x: Tensor, axis = -1, eps = 1e-5): Tensor {
  const mu = mean(x, axis, true);
  const v = variance(x, axis, true);
  return div(sub(x, mu), sqrt(add(v, eps)));
}

/**
 * Scaled dot-product attention softmax(q k^T / sqrt(d) + mask) v.
 * Shapes: q (..., t, d), k (..., s, d), v (..., s, dv) -> (..., t, dv). `causal` masks s > t
 * (requires t == s).
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, { causal = false, scale }: { causal?: boolean; scale?: number } = {}): Tensor {
  const d = q.shape[q.rank - 1];
  let scores = mul(mm(q, k, false, true), scale ?? 1 / Math.sqrt(d)); // (..., t, s)
  if (causal) {
    const t = scores.shape[scores.rank - 2];
    const s = scores.shape[scores.rank - 1];
    const maskData = new Float64Array(t * s);
    for (let i = 0; i < t; i++) for (let j = 0; j < s; j++) maskData[i * s + j] = j <= i ? 1 : 0;
    const mask = new Tensor(q.dtype === "f64" ? maskData : Float32Array.from(maskData), [t, s]);
    scores = where(mask, scores, -Infinity);
  }
  return mm(softmax(scores, -1), v);
}
