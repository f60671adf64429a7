/**
 * Limiting dynamics of SGD with heavy-ball momentum and weight decay near a quadratic minimum
 * (Kunin, Sagastuy-Brena, Gillespie, Margalit, Tanaka, Ganguli & Yamins, arXiv 2107.09133, "The
 * Limiting Dynamics of SGD"; constants as in the authors' `notebooks/3D Phase portraits.ipynb`).
 *
 * Update (PyTorch convention): v_{k+1} = beta v_k + g_k + lambda theta_k,
 * theta_{k+1} = theta_k - eta v_{k+1}, with minibatch gradient g = H theta + noise. Along a Hessian
 * eigendirection with eigenvalue h (h' = h + lambda) and per-step gradient-noise variance q (q =
 * sigma^2 h / S for label noise sigma^2 and batch size S), theta follows the AR(2) process
 *
 *   theta_{k+1} = (1 + beta - eta h') theta_k - beta theta_{k-1} - eta xi_k,   Var xi = q,
 *
 * whose continuous limit in time t = eta step is the underdamped Langevin equation
 * theta'' + 2 gamma theta' + omega^2 theta = noise, gamma = (1 - beta)/(eta (1 + beta)),
 * omega^2 = 2 h' / (eta (1 + beta)). Frequencies are per unit time t unless named "per step".
 */

/** Hyperparameters of one eigendirection. `q` is the per-step gradient-noise variance. */
export interface HeavyBallDirection {
  /** Hessian eigenvalue h (loss units per parameter^2). */
  h: number;
  /** Coupled weight decay lambda. */
  lambda: number;
  /** Learning rate eta. */
  eta: number;
  /** Heavy-ball coefficient beta in [0, 1). */
  beta: number;
  /** Per-step gradient-noise variance q along the direction. */
  q: number;
}

/** Label-noise gradient variance along a direction: q = sigma^2 h / S (batch size S). */
export function labelNoiseVariance(sigma2: number, h: number, batch: number): number {
  return (sigma2 * h) / batch;
}

/** Damping gamma = (1 - beta) / (eta (1 + beta)), per unit time t = eta step. */
export function damping(eta: number, beta: number): number {
  return (1 - beta) / (eta * (1 + beta));
}

/** Natural frequency omega = sqrt(2 (h + lambda) / (eta (1 + beta))), per unit time. */
export function naturalFrequency(h: number, lambda: number, eta: number, beta: number): number {
  return Math.sqrt((2 * (h + lambda)) / (eta * (1 + beta)));
}

/** Damped angular frequency sqrt(omega^2 - gamma^2) per unit time (NaN when overdamped). */
export function oscillationFrequency(h: number, lambda: number, eta: number, beta: number): number {
  const w = naturalFrequency(h, lambda, eta, beta);
  const g = damping(eta, beta);
  return w > g ? Math.sqrt(w * w - g * g) : NaN;
}

/** The continuous model's oscillation in cycles per step: eta sqrt(omega^2 - gamma^2) / (2 pi). */
export function oscillationCyclesPerStep(h: number, lambda: number, eta: number, beta: number): number {
  return (eta * oscillationFrequency(h, lambda, eta, beta)) / (2 * Math.PI);
}

/**
 * The exact discrete oscillation in cycles per step: the AR(2) roots are sqrt(beta) e^{+-i phi}
 * with cos phi = (1 + beta - eta h') / (2 sqrt(beta)); returns phi / (2 pi) (NaN if the roots are real).
 */
export function discreteOscillationCyclesPerStep(h: number, lambda: number, eta: number, beta: number): number {
  const c = (1 + beta - eta * (h + lambda)) / (2 * Math.sqrt(beta));
  return Math.abs(c) < 1 ? Math.acos(c) / (2 * Math.PI) : NaN;
}

/**
 * Continuous stationary position variance eta q / (2 (1 - beta) h'); with q = sigma^2 h / S this is
 * the paper's eta sigma^2 / (2 S (1 - beta)) * h / (h + lambda).
 */
export function continuousPositionVariance(d: HeavyBallDirection): number {
  return (d.eta * d.q) / (2 * (1 - d.beta) * (d.h + d.lambda));
}

/** Continuous stationary velocity variance q / (1 - beta^2) (= sigma^2 h / (S (1 - beta^2))). */
export function continuousVelocityVariance(d: HeavyBallDirection): number {
  return d.q / (1 - d.beta * d.beta);
}

/**
 * Finite-step correction 1 / (1 - eta h' / (2 (1 + beta))) shared by the exact discrete position and
 * velocity variances (derived from the AR(2) Yule-Walker equations; checked by simulation in the
 * tests). Stable iff 0 < eta h' < 2 (1 + beta); NaN outside.
 */
export function discreteCorrection(h: number, lambda: number, eta: number, beta: number): number {
  const x = (eta * (h + lambda)) / (2 * (1 + beta));
  return x > 0 && x < 1 ? 1 / (1 - x) : NaN;
}

/** Exact stationary variance of the AR(2) position: continuous value times `discreteCorrection`. */
export function discretePositionVariance(d: HeavyBallDirection): number {
  return continuousPositionVariance(d) * discreteCorrection(d.h, d.lambda, d.eta, d.beta);
}

/** Exact stationary variance of the velocity v = (theta_{k-1} - theta_k)/eta. */
export function discreteVelocityVariance(d: HeavyBallDirection): number {
  return continuousVelocityVariance(d) * discreteCorrection(d.h, d.lambda, d.eta, d.beta);
}

/**
 * Position autocorrelation rho_k of the stationary AR(2), k = 0..maxLag: rho_0 = 1,
 * rho_1 = a1 / (1 + beta), rho_k = a1 rho_{k-1} - beta rho_{k-2}, a1 = 1 + beta - eta h'.
 */
export function discreteAutocorrelation(h: number, lambda: number, eta: number, beta: number, maxLag: number): Float64Array {
  const a1 = 1 + beta - eta * (h + lambda);
  const rho = new Float64Array(maxLag + 1);
  rho[0] = 1;
  if (maxLag >= 1) rho[1] = a1 / (1 + beta);
  for (let k = 2; k <= maxLag; k++) rho[k] = a1 * rho[k - 1] - beta * rho[k - 2];
  return rho;
}

/**
 * Continuous position autocorrelation at time lag t (t = eta * steps):
 * e^{-gamma t} (cos W t + gamma/W sin W t), W = sqrt(omega^2 - gamma^2) (underdamped);
 * e^{-gamma t} (cosh W t + gamma/W sinh W t), W = sqrt(gamma^2 - omega^2) (overdamped).
 */
export function continuousAutocorrelation(h: number, lambda: number, eta: number, beta: number, t: number): number {
  const g = damping(eta, beta);
  const w = naturalFrequency(h, lambda, eta, beta);
  const e = Math.exp(-g * t);
  if (Math.abs(w - g) < 1e-12 * w) return e * (1 + g * t);
  if (w > g) {
    const W = Math.sqrt(w * w - g * g);
    return e * (Math.cos(W * t) + (g / W) * Math.sin(W * t));
  }
  const W = Math.sqrt(g * g - w * w);
  return 0.5 * ((1 + g / W) * Math.exp((W - g) * t) + (1 - g / W) * Math.exp(-(W + g) * t));
}

/**
 * sum over all lags k in Z of rho_k^2 (truncated when the tail is below 1e-16): the factor in the
 * Monte-Carlo variance of a time-averaged variance estimate of a Gaussian process,
 * Var(hat Var) / Var^2 = 2 sum_k rho_k^2 / T for T samples (T >> correlation time).
 */
export function squaredAutocorrelationSum(h: number, lambda: number, eta: number, beta: number): number {
  const a1 = 1 + beta - eta * (h + lambda);
  let r0 = 1;
  let r1 = a1 / (1 + beta);
  let sum = 1 + 2 * r1 * r1;
  let quiet = 0;
  for (let k = 2; k < 100_000_000 && quiet < 1000; k++) {
    const r2 = a1 * r1 - beta * r0;
    sum += 2 * r2 * r2;
    quiet = r2 * r2 < 1e-16 ? quiet + 1 : 0;
    r0 = r1;
    r1 = r2;
  }
  return sum;
}

/**
 * Ornstein-Uhlenbeck mean squared displacement from stationarity, E|theta_{k0+k} - theta_{k0}|^2 =
 * sum_i 2 Var_i (1 - rho_i(k)), for each lag k in `lags` (steps), using the exact discrete
 * autocorrelation of each direction; `variances[i]` defaults to the exact discrete variance.
 * Ballistic (~ k^2) at lags far below the damping time, saturating at 2 sum_i Var_i.
 */
export function ouMeanSquaredDisplacement(dirs: readonly HeavyBallDirection[], lags: readonly number[], variances?: readonly number[]): Float64Array {
  const maxLag = Math.max(0, ...lags);
  const out = new Float64Array(lags.length);
  dirs.forEach((d, i) => {
    const rho = discreteAutocorrelation(d.h, d.lambda, d.eta, d.beta, maxLag);
    const v = variances ? variances[i] : discretePositionVariance(d);
    lags.forEach((k, j) => {
      out[j] += 2 * v * (1 - rho[k]);
    });
  });
  return out;
}

/** Hyperparameters (batch S, momentum beta, learning rate eta). */
export interface HeavyBallHyper {
  batch: number;
  beta: number;
  eta: number;
}

/**
 * The paper's `anneal()` strategy 1 (authors' `mini/train.py`): S' = S / a,
 * beta' = sqrt(1 - a (1 - beta^2)), eta' = eta (1 + beta) / (1 + beta'). Keeps eta / (S (1 - beta))
 * (position variance) and 1 / (S (1 - beta^2)) (velocity variance) fixed; only the damping changes.
 * Needs a (1 - beta^2) < 1.
 */
export function anneal(p: HeavyBallHyper, factor: number): HeavyBallHyper {
  const b2 = 1 - factor * (1 - p.beta * p.beta);
  if (!(b2 >= 0 && b2 < 1)) throw new RangeError(`anneal: factor ${factor} gives beta'^2 = ${b2}, outside [0, 1)`);
  const beta = Math.sqrt(b2);
  return { batch: p.batch / factor, beta, eta: (p.eta * (1 + p.beta)) / (1 + beta) };
}

/** The two anneal invariants: [eta / (S (1 - beta)), 1 / (S (1 - beta^2))]. */
export function annealInvariants(p: HeavyBallHyper): [number, number] {
  return [p.eta / (p.batch * (1 - p.beta)), 1 / (p.batch * (1 - p.beta * p.beta))];
}
