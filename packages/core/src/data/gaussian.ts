import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { mul } from "../ops/elementwise.js";
import { mm } from "../ops/matmul.js";
import { cholesky } from "../linalg/index.js";
import { requireInt } from "./validate.js";

/** The covariance of `gaussianInputs`: a diagonal given by its variances, or a full (d, d) matrix. */
export type GaussianCovariance = { spectrum: ArrayLike<number> } | { covariance: Tensor };

/**
 * n Gaussian inputs x ~ N(0, Sigma), rows of an (n, d) tensor. With `spectrum` the covariance is
 * diag(spectrum) and x_i = sqrt(lambda_i) z_i with z ~ N(0, I); with a full symmetric positive
 * definite `covariance` (d, d), x = z L^T where Sigma = L L^T is its Cholesky factorisation.
 */
export function gaussianInputs(rng: Rng, n: number, cov: GaussianCovariance): Tensor {
  requireInt("n", n);
  if ("spectrum" in cov) {
    const d = cov.spectrum.length;
    if (d === 0) throw new RangeError("spectrum must have at least one variance");
    const sd = Float64Array.from(cov.spectrum, (v, i) => {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`spectrum[${i}] must be a finite variance >= 0, got ${v}`);
      return Math.sqrt(v);
    });
    return mul(normal(rng, [n, d]), new Tensor(sd, [d])); // (n, d)
  }
  const c = cov.covariance;
  if (c.rank !== 2 || c.shape[0] !== c.shape[1] || c.shape[0] === 0) throw new RangeError(`covariance must be a square (d, d) matrix, got shape [${c.shape.join(", ")}]`);
  const d = c.shape[0];
  const l = cholesky(c); // (d, d) lower triangular
  return mm(normal(rng, [n, d]), l, false, true); // (n, d)
}

/**
 * n points uniform on the sphere of the given radius in R^d (normalised Gaussian vectors); the
 * inputs of the two-layer ReLU teacher-student setting of arXiv 2406.06158 (radius 1).
 */
export function sphereInputs(rng: Rng, n: number, d: number, radius = 1): Tensor {
  requireInt("n", n);
  requireInt("d", d);
  if (!(radius > 0) || !Number.isFinite(radius)) throw new RangeError(`radius must be a finite number > 0, got ${radius}`);
  const z = normal(rng, [n, d]); // (n, d)
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += z.data[i * d + j] ** 2;
    const scale = radius / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[i * d + j] = z.data[i * d + j] * scale;
  }
  return new Tensor(out, [n, d]);
}
