import type { Tensor } from "@saddle/core";
import type { MechanicsParams } from "./model.js";

// The symmetry quantities of the Neural Mechanics network (arXiv 2012.04728), from any tree shaped
// like the parameters (parameters, gradients or velocities), on the raw float64 arrays.

/** Sum of squares of a tensor. */
export function sumSq(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += v * v;
  return s;
}

/**
 * Translation: the class sums of the softmax head, one per input row of W3 plus the bias:
 * T = (sum_c W3[0, c], ..., sum_c W3[h-1, c], sum_c b3[c])  (h + 1,).
 */
export function translationVector(p: MechanicsParams): Float64Array {
  const [h, c] = p.w3.shape;
  const out = new Float64Array(h + 1);
  for (let i = 0; i < h; i++) for (let j = 0; j < c; j++) out[i] += p.w3.data[i * c + j];
  for (let j = 0; j < c; j++) out[h] += p.b3.data[j];
  return out;
}

/** Scale: |W1|_F^2 (the union of the per-unit scale symmetries of the batch-normalised layer). */
export function scaleQuantity(p: MechanicsParams): number {
  return sumSq(p.w1);
}

/**
 * Rescale, summed over the layer-2 ReLU units: D = |W3|^2 - |W2|^2 - |b2|^2 (outgoing minus incoming),
 * and the magnitude M = |W3|^2 + |W2|^2 + |b2|^2 used to normalise errors (D itself can be near 0).
 */
export function rescaleQuantity(p: MechanicsParams): { diff: number; mag: number } {
  const out = sumSq(p.w3);
  const inc = sumSq(p.w2) + sumSq(p.b2);
  return { diff: out - inc, mag: out + inc };
}

/**
 * The gradient constraints the symmetries imply, as relative residuals (0 in exact arithmetic):
 *   translation |sum_c g_W3[:, c], sum_c g_b3| / |g_head|,  scale |<g_W1, W1>| / (|g_W1| |W1|),
 *   rescale |<g_in, theta_in> - <g_out, theta_out>| / (|g_in| |theta_in| + |g_out| |theta_out|).
 */
export function constraintResiduals(p: MechanicsParams, g: MechanicsParams): { translation: number; scale: number; rescale: number } {
  const t = translationVector(g);
  const tNorm = Math.sqrt(t.reduce((a, v) => a + v * v, 0));
  const head = Math.sqrt(sumSq(g.w3) + sumSq(g.b3));
  const dot = (a: Tensor, b: Tensor): number => {
    let s = 0;
    for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
    return s;
  };
  const scale = Math.abs(dot(g.w1, p.w1)) / Math.sqrt(sumSq(g.w1) * sumSq(p.w1));
  const inDot = dot(g.w2, p.w2) + dot(g.b2, p.b2);
  const outDot = dot(g.w3, p.w3);
  const inMag = Math.sqrt((sumSq(g.w2) + sumSq(g.b2)) * (sumSq(p.w2) + sumSq(p.b2)));
  const outMag = Math.sqrt(sumSq(g.w3) * sumSq(p.w3));
  return { translation: tNorm / head, scale, rescale: Math.abs(inDot - outDot) / (inMag + outMag) };
}
