/**
 * The damped-oscillator predictions of Neural Mechanics for heavy-ball momentum (Kunin et al.,
 * arXiv 2012.04728, section 5 and `optimizers/custom_momentum.py` of danielkunin/neural-mechanics).
 * Heavy ball with lr eta, momentum beta (dampening 0) and coupled weight decay lambda follows the
 * modified equation of motion (eta (1 + beta) / 2) theta'' + (1 - beta) theta' = -g - lambda theta,
 * with time t = eta * step (theta' = -v, v the momentum buffer). For the symmetry quantities this gives
 *   x'' + 2 gamma x' + omega^2 x = f(t),   gamma = (1 - beta) / (eta (1 + beta)),
 *   translation (x = S):            omega^2 = 2 lambda / (eta (1 + beta)), f = 0;
 *   scale / rescale (x = Q):         omega^2 = 4 lambda / (eta (1 + beta)), f = 2 |theta'|^2
 * (derived: dot the equation of motion with theta and use Q'' = 2|theta'|^2 + 2<theta, theta''>).
 * The drive is fed as impulses 2 eta V_{k+1} at t_k = eta k (V_{k+1} = |v_{k+1}|^2 after step k),
 * as the reference code's integral buffers do. Initial conditions x(0) = x_0, x'(0) = 0 (v_0 = 0).
 * The exact discrete counterpart is quadraticMomentumStep in discrete.ts.
 */

/** gamma = (1 - beta) / (eta (1 + beta)): the damping rate of the momentum equation of motion (per unit t = eta step). */
export function momentumDamping(lr: number, beta: number): number {
  return (1 - beta) / (lr * (1 + beta));
}

/** omega^2: 2 lambda / (eta (1 + beta)) for translation, 4 lambda / (eta (1 + beta)) for scale / rescale. */
export function momentumOmegaSq(lr: number, wd: number, beta: number, kind: "translation" | "quadratic"): number {
  return ((kind === "translation" ? 2 : 4) * wd) / (lr * (1 + beta));
}

/** The state of a MomentumOscillatorPredictor: steps fed and its two decayed buffers. */
export interface OscillatorState {
  steps: number;
  b1: number;
  b2: number;
}

type Regime = "over" | "critical" | "under";

/**
 * Accumulates the damped-oscillator prediction x(t) = x_0 phi(t) + sum_k 2 eta V_{k+1} G(t - t_k),
 * G the impulse response (e^{r+ tau} - e^{r- tau}) / (r+ - r-), r+- = -gamma +- sqrt(gamma^2 - omega^2)
 * (over-damped; sin / tau-e^{-gamma tau} forms in the other regimes), phi the homogeneous solution
 * with x'(0) = 0. The buffers are kept decayed to the current time (no e^{gamma t} overflow).
 */
export class MomentumOscillatorPredictor {
  readonly gamma: number;
  readonly omegaSq: number;
  readonly regime: Regime;
  /** sqrt(|gamma^2 - omega^2|). */
  readonly root: number;
  private steps = 0;
  private b1 = 0; // over: sum c e^{r+ tau}; under: Re sum c e^{(-gamma + i root) tau}; critical: sum c e^{-gamma tau}
  private b2 = 0; // over: sum c e^{r- tau}; under: Im of the same; critical: sum c tau e^{-gamma tau}

  /** `state` restores a predictor saved with `state()` (plain data, so it can live in a checkpoint). */
  constructor(readonly x0: number, readonly lr: number, readonly wd: number, readonly beta: number, readonly kind: "translation" | "quadratic", state?: OscillatorState) {
    if (state) [this.steps, this.b1, this.b2] = [state.steps, state.b1, state.b2];
    this.gamma = momentumDamping(lr, beta);
    this.omegaSq = momentumOmegaSq(lr, wd, beta, kind);
    const disc = this.gamma ** 2 - this.omegaSq;
    this.regime = Math.abs(disc) <= 1e-12 * this.gamma ** 2 ? "critical" : disc > 0 ? "over" : "under";
    this.root = Math.sqrt(Math.abs(disc));
  }

  /** The buffers as plain data. */
  state(): OscillatorState {
    return { steps: this.steps, b1: this.b1, b2: this.b2 };
  }

  /** Feed V_{k+1} (|v|^2 of the block, or out minus in) after step k; ignored for translation. */
  push(velSqNext = 0): void {
    const c = this.kind === "translation" ? 0 : 2 * this.lr * velSqNext;
    const dt = this.lr;
    const { gamma, root } = this;
    if (this.regime === "over") {
      this.b1 = (this.b1 + c) * Math.exp((-gamma + root) * dt);
      this.b2 = (this.b2 + c) * Math.exp((-gamma - root) * dt);
    } else if (this.regime === "under") {
      const re = this.b1 + c;
      const im = this.b2;
      const decay = Math.exp(-gamma * dt);
      this.b1 = decay * (re * Math.cos(root * dt) - im * Math.sin(root * dt));
      this.b2 = decay * (re * Math.sin(root * dt) + im * Math.cos(root * dt));
    } else {
      const b0 = this.b1 + c;
      const decay = Math.exp(-gamma * dt);
      this.b2 = decay * (this.b2 + dt * b0);
      this.b1 = decay * b0;
    }
    this.steps++;
  }

  /** The homogeneous solution with x(0) = 1, x'(0) = 0 at time t. */
  homogeneous(t: number): number {
    const { gamma, root } = this;
    if (this.regime === "over") {
      const rp = -gamma + root;
      const rm = -gamma - root;
      return (rp * Math.exp(rm * t) - rm * Math.exp(rp * t)) / (rp - rm);
    }
    if (this.regime === "under") return Math.exp(-gamma * t) * (Math.cos(root * t) + (gamma / root) * Math.sin(root * t));
    return Math.exp(-gamma * t) * (1 + gamma * t);
  }

  /** Prediction after the pushed steps, at t = eta * steps. */
  value(): number {
    const t = this.lr * this.steps;
    const driven = this.regime === "over" ? (this.b1 - this.b2) / (2 * this.root) : this.regime === "under" ? this.b2 / this.root : this.b2;
    return this.x0 * this.homogeneous(t) + driven;
  }
}
