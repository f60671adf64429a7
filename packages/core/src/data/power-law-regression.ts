import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import type { Dataset } from "./dataset.js";
import { powerLawSpectrum } from "./spectrum.js";
import { gaussianInputs } from "./gaussian.js";
import { linearTeacher } from "./teacher-student.js";
import { requireFinite, requireInt } from "./validate.js";

/** How the target's power law is specified (the two papers' conventions describe the same object). */
export type PowerLawTargetExponent =
  /** Simon et al. (arXiv 2110.03922, 2311.14646): eigencoefficient power v_i^2 = i^(-beta). */
  | { beta: number }
  /** Bordelon et al. (arXiv 2409.17858) source exponent: lambda_i w*_i^2 = i^(-(alpha * source + 1)). */
  | { source: number };

/** A linear target on a power-law Gaussian design. */
export interface PowerLawProblem {
  /** lambda_i = i^(-alpha) (optionally rescaled to a trace), the input covariance's diagonal. */
  eigenvalues: Float64Array;
  /** (d, 1) teacher weights w*_i = +-sqrt(v_i^2 / lambda_i), random signs. */
  weights: Tensor;
  /** v_i^2 = lambda_i w*_i^2, the target power in eigenmode i. */
  targetPower: Float64Array;
}

/**
 * The power-law regression problem of the eigenlearning and scaling-law papers: inputs
 * x = Lambda^(1/2) z with z ~ N(0, I_d) (the linear kernel x.x' has eigenvalues lambda_i), target
 * f(x) = w* . x = sum_i v_i z_i with v_i^2 = i^(-beta) (Simon) or i^(-(alpha*source + 1))
 * (Bordelon-Pehlevan's source exponent; v_i^2 = lambda_i w*_i^2). Signs of w* are random.
 */
export function powerLawProblem(rng: Rng, cfg: { d: number; alpha: number; trace?: number } & PowerLawTargetExponent): PowerLawProblem {
  requireInt("d", cfg.d);
  const eigenvalues = powerLawSpectrum(cfg.d, cfg.alpha, { trace: cfg.trace });
  const exponent = "beta" in cfg ? cfg.beta : cfg.alpha * cfg.source + 1;
  requireFinite("beta" in cfg ? "beta" : "source", "beta" in cfg ? cfg.beta : cfg.source);
  const targetPower = Float64Array.from({ length: cfg.d }, (_, i) => (i + 1) ** -exponent);
  const w = Float64Array.from(targetPower, (v, i) => Math.sqrt(v / eigenvalues[i]) * (rng.nextFloat() < 0.5 ? -1 : 1));
  return { eigenvalues, weights: new Tensor(w, [cfg.d, 1]), targetPower };
}

/**
 * n samples of a power-law regression problem: x (n, d) ~ N(0, diag(lambda)), y = x w* + noise * eps
 * (n, 1). Pass `problem` to draw more samples (a test set) of the same target.
 */
export function powerLawRegression(rng: Rng, cfg: { n: number; noise?: number; problem: PowerLawProblem }): Dataset & PowerLawProblem {
  const { n, noise = 0, problem } = cfg;
  const d = problem.eigenvalues.length;
  const x = gaussianInputs(rng, n, { spectrum: problem.eigenvalues }); // (n, d)
  const data = linearTeacher(rng, { n, d, noise, x, beta: problem.weights });
  return { x: data.x, y: data.y, ...problem, meta: { task: "power-law-regression", n, d, noise } };
}
