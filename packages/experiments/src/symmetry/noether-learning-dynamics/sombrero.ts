import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";

/**
 * The stochastic sombrero (Tanaka & Kunin, arXiv 2105.02716, kinetic symmetry breaking demo):
 *   f(x, y) = (x^2 + y^2 - 1 + z)^2, z ~ N(0, noise^2) drawn each step.
 * f is rotation invariant, so the gradient is radial: grad f = 4 (r^2 - 1 + z) (x, y). With GD or
 * heavy ball from rest, position and velocity stay on the initial ray and the angular momentum
 * L = x v_y - y v_x (v = (theta_{k+1} - theta_k)/eta) is zero to round-off; Adam's per-coordinate
 * preconditioner is not rotation invariant (the kinetic term breaks the symmetry), so L != 0.
 * The gradient is the closed form; the updates are Saddle's gd / momentum / adam.
 */
export type SombreroOptimizer = "gd" | "momentum" | "adam";

export interface SombreroResult {
  /** max_k |L_k| / (|theta_k| |v_k|): the sine of the angle between position and velocity. */
  maxRelAngularMomentum: number;
  /** max_k |L_k|. */
  maxAngularMomentum: number;
}

export function runSombrero(opt: SombreroOptimizer, { lr, steps, noise, x0, y0, beta = 0.9 }: { lr: number; steps: number; noise: number; x0: number; y0: number; beta?: number }, rng: Rng): SombreroResult {
  const optimizer = opt === "gd" ? S.gd(lr) : opt === "momentum" ? S.momentum(lr, beta) : S.adam(lr, { b1: beta });
  let params = { p: S.tensor([x0, y0]) }; // (2,)
  let state = optimizer.init(params);
  let maxRel = 0;
  let maxAbs = 0;
  for (let k = 0; k < steps; k++) {
    const [x, y] = params.p.data;
    const z = noise * rng.nextNormal();
    const c = 4 * (x * x + y * y - 1 + z); // grad f = c (x, y)
    const [u, s] = optimizer.update({ p: S.tensor([c * x, c * y]) }, state, params);
    state = s;
    params = S.applyUpdates(params, u);
    const [velX, velY] = Array.from((u as { p: Tensor }).p.data, (d) => d / lr); // v = (theta_{k+1} - theta_k) / eta
    const L = x * velY - y * velX;
    const scale = Math.hypot(x, y) * Math.hypot(velX, velY);
    maxAbs = Math.max(maxAbs, Math.abs(L));
    if (scale > 0) maxRel = Math.max(maxRel, Math.abs(L) / scale);
  }
  return { maxRelAngularMomentum: maxRel, maxAngularMomentum: maxAbs };
}
