import type { Rng } from "@saddle/core";

/**
 * The sombrero toy of arXiv 2601.22257 (repo notebook `Somprero_illustration_angular_momentum`):
 *   f(x, y) = (x^2 + y^2 - 1 + z)^2,  z ~ N(0, noise^2) drawn afresh each step,
 * a rotation-invariant (SO(2)) loss whose gradient 4 (r^2 - 1 + z) (x, y) is radial. Under heavy-ball
 * SGD from zero velocity every velocity and every step is parallel to the start point, so the polar
 * angle atan2(y, x) and the angular momentum x p_y - y p_x (p = momentum buffer) stay at their
 * start values up to round-off. Adam's per-coordinate normalisation is not rotation covariant
 * ("kinetic symmetry breaking", Tanaka & Kunin, arXiv 2105.02716), so the angle drifts.
 */
export interface SombreroResult {
  /** |atan2(y, x) - atan2(y0, x0)| at the end, radians. */
  angleDrift: number;
  /** max over steps of the angle drift, radians. */
  maxAngleDrift: number;
  /** Final angular momentum x p_y - y p_x, with p the optimiser's first moment / velocity. */
  angularMomentum: number;
  /** Final radius sqrt(x^2 + y^2) (the valley is r = 1). */
  radius: number;
}

export interface SombreroOptions {
  optimizer: "sgdm" | "adam";
  lr: number;
  steps: number;
  /** Heavy-ball beta (sgdm) or Adam's b1. */
  beta: number;
  /** Adam's b2. Default 0.999. */
  beta2?: number;
  /** Std of the per-step shift z. */
  noise: number;
  start: readonly [number, number];
}

/** Gradient of f at (x, y) for a given z: 4 (x^2 + y^2 - 1 + z) (x, y). */
export function sombreroGradient(x: number, y: number, z: number): [number, number] {
  const c = 4 * (x * x + y * y - 1 + z);
  return [c * x, c * y];
}

/** Angle difference wrapped to [0, pi]. */
function angleGap(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

/**
 * Runs SGDM (v <- beta v + g, theta <- theta - lr v, v_0 = 0) or Adam (bias-corrected, eps 1e-8)
 * on the sombrero with a seeded noise sequence; plain numbers in float64.
 */
export function runSombrero(opts: SombreroOptions, rng: Rng): SombreroResult {
  const { lr, steps, beta, beta2 = 0.999, noise } = opts;
  let [x, y] = opts.start;
  const angle0 = Math.atan2(y, x);
  let px = 0;
  let py = 0; // velocity (sgdm) or first moment (adam)
  let sx = 0;
  let sy = 0; // adam's second moment
  let maxDrift = 0;
  for (let k = 1; k <= steps; k++) {
    const [gx, gy] = sombreroGradient(x, y, noise * rng.nextNormal());
    if (opts.optimizer === "sgdm") {
      px = beta * px + gx;
      py = beta * py + gy;
      x -= lr * px;
      y -= lr * py;
    } else {
      px = beta * px + (1 - beta) * gx;
      py = beta * py + (1 - beta) * gy;
      sx = beta2 * sx + (1 - beta2) * gx * gx;
      sy = beta2 * sy + (1 - beta2) * gy * gy;
      const c1 = 1 - beta ** k;
      const c2 = 1 - beta2 ** k;
      x -= (lr * (px / c1)) / (Math.sqrt(sx / c2) + 1e-8);
      y -= (lr * (py / c1)) / (Math.sqrt(sy / c2) + 1e-8);
    }
    maxDrift = Math.max(maxDrift, angleGap(Math.atan2(y, x), angle0));
  }
  return { angleDrift: angleGap(Math.atan2(y, x), angle0), maxAngleDrift: maxDrift, angularMomentum: x * py - y * px, radius: Math.hypot(x, y) };
}
