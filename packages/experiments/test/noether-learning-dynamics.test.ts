import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { noetherLearningDynamics as experiment } from "../src/symmetry/noether-learning-dynamics/experiment.js";
import { gaussianMixture } from "../src/symmetry/neural-mechanics/model.js";
import { simulateScaleInvariant } from "../src/symmetry/noether-learning-dynamics/scale-invariant-run.js";
import { runSombrero } from "../src/symmetry/noether-learning-dynamics/sombrero.js";
import { equilibriumNormFourth } from "../../core/src/theory/symmetry/index.js";

describe("noether-learning-dynamics", () => {
  it("schema rejects unknown keys and bad values", () => {
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, momentum: 0.9 })).toThrow();
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, wd: -1 })).toThrow(/wd/);
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, steps: 1.5 })).toThrow(/steps/);
  });

  it("sombrero limits: no noise / on-axis start leave Adam's angular momentum at zero; off-axis Adam breaks it", () => {
    const base = { lr: 0.02, steps: 200, noise: 0.1 };
    // On a coordinate axis the diagonal preconditioner maps the ray to itself: no breaking.
    expect(runSombrero("adam", { ...base, x0: 0, y0: 1.2 }, S.Rng.seed(0)).maxRelAngularMomentum).toBe(0);
    // Diagonal start (x = y): Adam's per-coordinate scaling is symmetric too.
    expect(runSombrero("adam", { ...base, x0: 0.7, y0: 0.7 }, S.Rng.seed(0)).maxRelAngularMomentum).toBeLessThan(1e-12);
    expect(runSombrero("adam", { ...base, x0: 0.3, y0: 1.2 }, S.Rng.seed(0)).maxRelAngularMomentum).toBeGreaterThan(0.1);
    expect(runSombrero("momentum", { ...base, noise: 0, x0: 0.3, y0: 1.2 }, S.Rng.seed(0)).maxRelAngularMomentum).toBeLessThan(1e-12);
  });

  it("simulated normalised classifier: the GD law holds for GD and fails for RMSProp; the equilibrium theory is consistent", () => {
    const rng = S.Rng.seed(2);
    const data = gaussianMixture(rng.fork("d"), 80, 5, 3, 0.5);
    const theta = S.normal(rng.fork("t"), [5, 3]);
    const common = { probe: "x", theta, ...data, logitScale: 2, wd: 0, steps: 100, batch: 80, every: 50, rng: rng.fork("b") };
    const gd = simulateScaleInvariant({ ...common, optimizer: "gd", lr: 0.5 });
    expect(gd.recursionMax).toBeLessThan(1e-12);
    expect(Math.abs(gd.normFourthChange - gd.adagradChange) / gd.normFourthChange).toBeLessThan(0.01);
    const rms = simulateScaleInvariant({ ...common, optimizer: "rmsprop", lr: 0.01 });
    expect(rms.recursionMax).toBeGreaterThan(1e-4);
    // Equilibrium: larger eta or smaller lambda gives a larger norm; eta lambda -> 0 recovers eta <|ghat|^2> / (2 lambda).
    expect(equilibriumNormFourth(0.5, 0.002, 0.3)).toBeGreaterThan(equilibriumNormFourth(0.5, 0.004, 0.3));
    expect(equilibriumNormFourth(1e-4, 1e-4, 0.3) / ((1e-4 * 0.3) / 2e-4)).toBeCloseTo(1, 7);
  });
});
