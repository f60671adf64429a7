/**
 * Label-noise collapse of a diagonal (spectral) linear network (Chen, Kunin, Yamamura & Ganguli,
 * arXiv 2306.04251; the authors' `run/run_teacher_student_diagonal.py`). In the singular basis of
 * X^T Y the student is W = V diag(u .* v) U^T and each mode k follows
 *
 *   u <- u - (eta/N) (u v - s_k + sigma xi) v,   v <- v - (eta/N) (u v - s_k + sigma xi) u,
 *
 * with xi ~ N(0, 1) label noise of scale sigma, N samples and s_k the k-th singular value of X^T Y.
 * Near u = v = 0 the sum u + v is multiplied each step by 1 + eps (s_k - sigma xi), eps = eta/N,
 * so E log|.| grows per step by eps s_k - eps^2 sigma^2 / 2 + O(eps^3): the mode collapses to 0
 * iff s_k < eps sigma^2 / 2.
 */

/** Per-mode collapse threshold s* = eta sigma^2 / (2 N): modes with s_k below it collapse. */
export function labelNoiseModeThreshold(eta: number, sigma: number, samples: number): number {
  return (eta * sigma * sigma) / (2 * samples);
}

/** Number of modes predicted to survive (s_k > s*) at long times. */
export function survivingModes(singularValues: ArrayLike<number>, eta: number, sigma: number, samples: number): number {
  const s = labelNoiseModeThreshold(eta, sigma, samples);
  let k = 0;
  for (let i = 0; i < singularValues.length; i++) if (singularValues[i] > s) k++;
  return k;
}
