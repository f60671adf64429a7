import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import type { Dataset } from "./dataset.js";
import { requireFinite, requireInt } from "./validate.js";

/** A function on the circle f(theta) = sum_{k=1..K} c_k cos(k theta + phi_k). */
export interface CircleTarget {
  /** c_1..c_K (index k - 1). */
  coefficients: Float64Array;
  /** phi_1..phi_K in radians (index k - 1). */
  phases: Float64Array;
}

/**
 * A circle function with a power-law Fourier spectrum: c_k = amplitude * k^(-beta) for k = 1..K
 * and phases phi_k uniform in [0, 2 pi) (or all 0 with `phases: "zero"`). Bordelon et al.'s
 * nonlinear scaling-law check (arXiv 2409.17858) uses c_k^2 ~ k^-(alpha*source + 1), i.e.
 * beta = (alpha*source + 1)/2.
 */
export function powerLawCircleTarget(rng: Rng, cfg: { K: number; beta: number; amplitude?: number; phases?: "random" | "zero" }): CircleTarget {
  const { K, beta, amplitude = 1, phases = "random" } = cfg;
  requireInt("K", K);
  requireFinite("beta", beta);
  requireFinite("amplitude", amplitude);
  if (phases !== "random" && phases !== "zero") throw new RangeError(`phases must be "random" or "zero", got ${String(phases)}`);
  const coefficients = Float64Array.from({ length: K }, (_, i) => amplitude * (i + 1) ** -beta);
  const ph = Float64Array.from({ length: K }, () => (phases === "random" ? 2 * Math.PI * rng.nextFloat() : 0));
  return { coefficients, phases: ph };
}

/** f(theta) = sum_k c_k cos(k theta + phi_k) at each angle (radians). */
export function evaluateCircleTarget(target: CircleTarget, theta: ArrayLike<number>): Float64Array {
  const K = target.coefficients.length;
  return Float64Array.from(theta, (t) => {
    let f = 0;
    for (let k = 0; k < K; k++) f += target.coefficients[k] * Math.cos((k + 1) * t + target.phases[k]);
    return f;
  });
}

/**
 * Samples of a circle function: angles on the grid theta_i = 2 pi i / n (`sampling: "grid"`) or
 * uniform in [0, 2 pi) from `rng` (`"uniform"`, fresh draws for online training); inputs
 * x = (cos theta, sin theta) (n, 2), targets y = f(theta) (n, 1); the angles are returned too.
 */
export function circleDataset(rng: Rng, target: CircleTarget, cfg: { n: number; sampling?: "grid" | "uniform" }): Dataset & { theta: Float64Array } {
  const { n, sampling = "grid" } = cfg;
  requireInt("n", n);
  if (sampling !== "grid" && sampling !== "uniform") throw new RangeError(`sampling must be "grid" or "uniform", got ${String(sampling)}`);
  const theta = Float64Array.from({ length: n }, (_, i) => (sampling === "grid" ? (2 * Math.PI * i) / n : 2 * Math.PI * rng.nextFloat()));
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = Math.cos(theta[i]);
    x[2 * i + 1] = Math.sin(theta[i]);
  }
  const y = evaluateCircleTarget(target, theta);
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n, 1]), theta, meta: { task: "circle", n, K: target.coefficients.length, sampling } };
}
