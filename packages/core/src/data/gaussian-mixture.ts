import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import type { Dataset } from "./dataset.js";
import { requireInt } from "./validate.js";

/** A Gaussian-mixture classification set: the Dataset plus the class means. */
export interface GaussianMixture extends Dataset {
  labels: Int32Array;
  /** (classes, d) class means. */
  means: Tensor;
}

/**
 * A balanced Gaussian mixture for classification (the synthetic task of Neural Mechanics, Kunin et
 * al. arXiv 2012.04728, and of the scale-invariant classifier of Noether's Learning Dynamics,
 * Tanaka & Kunin arXiv 2105.02716): class means mu_c ~ N(0, spread^2 I_d), c < classes, then
 * point i has label i mod classes and x_i = mu_{label} + N(0, I_d). x is (n, d), y the one-hot
 * labels (n, classes). Draws the means first, then the noise, from `rng`.
 */
export function gaussianMixture(rng: Rng, { n, d, classes, spread }: { n: number; d: number; classes: number; spread: number }): GaussianMixture {
  requireInt("n", n);
  requireInt("d", d);
  requireInt("classes", classes);
  if (classes < 2) throw new RangeError(`gaussianMixture: needs at least 2 classes, got ${classes}`);
  if (!(spread >= 0) || !Number.isFinite(spread)) throw new RangeError(`gaussianMixture: spread must be a finite std >= 0, got ${spread}`);
  const means = new Float64Array(classes * d); // (classes, d)
  rng.fillNormal(means, 0, spread);
  const x = new Float64Array(n * d); // (n, d)
  rng.fillNormal(x);
  const labels = new Int32Array(n);
  const y = new Float64Array(n * classes); // (n, classes) one-hot
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    y[i * classes + c] = 1;
    for (let j = 0; j < d; j++) x[i * d + j] += means[c * d + j];
  }
  return { x: new Tensor(x, [n, d]), y: new Tensor(y, [n, classes]), labels, means: new Tensor(means, [classes, d]), meta: { task: "gaussian-mixture", n, d, classes, spread } };
}
