/**
 * In-context linear regression with an attention-only linear transformer (Alternating Gradient
 * Flows, arXiv 2506.06489, section 4.2). A prompt holds N pairs (x_n, y_n = w^T x_n) and a query
 * x_q, with x ~ N(0, Sigma), w ~ N(0, I_D). Head h outputs v_h (k_h^T z)(q_h^T x_q) with
 * z = sum_n y_n x_n, so the prediction is y_hat = z^T M x_q with M = sum_h v_h k_h q_h^T.
 * Loss: Saddle's MSE, 1/2 E (y_hat - y_q)^2.
 */

function checkSpectrum(lambda: readonly number[], N: number): void {
  if (lambda.length < 1) throw new RangeError("eigenvalues must hold at least one value");
  lambda.forEach((l, i) => {
    if (!(l > 0) || !Number.isFinite(l)) throw new RangeError(`eigenvalues[${i}] must be a finite number > 0, got ${l}`);
  });
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`context length N must be a positive integer, got ${N}`);
}

/**
 * The population loss as a quadratic in m = vec(M) (row-major, index i D + j) for a covariance
 * Sigma (D, D): L = 1/2 m^T G m - b^T m + c0 with [derived from the Wishart moment
 * E[W A W] = N(N+1) Sigma A Sigma + N tr(A Sigma) Sigma for W = sum_n x_n x_n^T, A symmetric]
 *   G_(ij),(lk) = N(N+1) (Sigma^2)_il Sigma_jk + N tr(Sigma) Sigma_il Sigma_jk
 *   b_(ij) = N (Sigma^2)_ji,   c0 = 1/2 tr Sigma,
 * i.e. L(M) = 1/2 [N(N+1) tr(Sigma M Sigma M^T Sigma) + N tr Sigma tr(M Sigma M^T Sigma)
 *               - 2 N tr(Sigma M Sigma) + tr Sigma].
 */
export function inContextRegressionLoss(sigma: ArrayLike<number>, D: number, N: number): { gram: Float64Array; linear: Float64Array; constant: number } {
  if (sigma.length !== D * D) throw new RangeError(`inContextRegressionLoss: sigma must be (D, D) = ${D * D} entries, got ${sigma.length}`);
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`context length N must be a positive integer, got ${N}`);
  const s2 = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let l = 0; l < D; l++) s2[i * D + j] += sigma[i * D + l] * sigma[l * D + j];
  let tr = 0;
  for (let i = 0; i < D; i++) tr += sigma[i * D + i];
  const size = D * D;
  const gram = new Float64Array(size * size);
  for (let i = 0; i < D; i++)
    for (let j = 0; j < D; j++)
      for (let l = 0; l < D; l++)
        for (let k = 0; k < D; k++) gram[(i * D + j) * size + l * D + k] = N * (N + 1) * s2[i * D + l] * sigma[j * D + k] + N * tr * sigma[i * D + l] * sigma[j * D + k];
  const linear = new Float64Array(size);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) linear[i * D + j] = N * s2[j * D + i];
  return { gram, linear, constant: 0.5 * tr };
}

/** Eigenvalues sorted in decreasing order (the order in which AGF learns principal components). */
export function learningOrder(lambda: readonly number[]): number[] {
  return lambda.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
}

/**
 * Plateau levels L_0..L_D of AGF (arXiv 2506.06489, section 4.2; authors' notebook): after the k
 * largest principal components are learned,
 *   L_k = 1/2 [tr Lambda - sum_{i<=k} lambda_i / (1 + (1 + tr Lambda / lambda_i) / N)]
 * [checked: the minimum of the population loss over M supported on those components].
 */
export function linearTransformerPlateaus(lambda: readonly number[], N: number): number[] {
  checkSpectrum(lambda, N);
  const tr = lambda.reduce((s, l) => s + l, 0);
  const levels = [0.5 * tr];
  let learned = 0;
  for (const i of learningOrder(lambda)) {
    learned += lambda[i] / (1 + (1 + tr / lambda[i]) / N);
    levels.push(0.5 * (tr - learned));
  }
  return levels;
}

/**
 * Learned singular values of M = sum_h v_h k_h q_h^T in the eigenbasis, in learning order:
 * m_k = 1 / (tr Lambda + (N + 1) lambda_k) (the minimiser of the population loss per component).
 */
export function linearTransformerSingularValues(lambda: readonly number[], N: number): number[] {
  checkSpectrum(lambda, N);
  const tr = lambda.reduce((s, l) => s + l, 0);
  return learningOrder(lambda).map((i) => 1 / (tr + (N + 1) * lambda[i]));
}

/**
 * Max utility of a unit-norm head (|v|^2 + |k|^2 + |q|^2 = 1) for component k while it is
 * unlearned: U* = N lambda_k^2 / (3 sqrt 3) [derived: U = v k^T (N Sigma^2) q on the unlearned
 * part, maximised by k, q along the eigenvector with v = |k| = |q| = 1/sqrt 3], in Saddle's
 * gradient-flow time of 1/2 E (y_hat - y_q)^2.
 */
export function linearTransformerMaxUtility(lambda: readonly number[], N: number): number[] {
  checkSpectrum(lambda, N);
  return learningOrder(lambda).map((i) => (N * lambda[i] * lambda[i]) / (3 * Math.sqrt(3)));
}

/**
 * AGF lower bound on the time head-component k can activate, for heads of initial norm at most
 * norm0 (kappa = 3): S <= 3 U*_k t and the threshold is 1/norm0 - 1, so t_k >= (1/norm0 - 1) / (3 U*_k).
 * For the first component this is the authors' sqrt(3) / (N lambda^2 |theta|) up to the -1.
 */
export function linearTransformerJumpBounds(lambda: readonly number[], N: number, norm0: number): number[] {
  if (!(norm0 > 0 && norm0 < 1)) throw new RangeError(`norm0 must be in (0, 1), got ${norm0}`);
  return linearTransformerMaxUtility(lambda, N).map((u) => (1 / norm0 - 1) / (3 * u));
}
