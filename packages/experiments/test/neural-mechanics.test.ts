import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { neuralMechanics as experiment } from "../src/symmetry/neural-mechanics/experiment.js";
import { gaussianMixture, initMechanics, mechanicsLoss } from "../src/symmetry/neural-mechanics/model.js";
import { constraintResiduals } from "../src/symmetry/neural-mechanics/quantities.js";
import { simulateMechanics } from "../src/symmetry/neural-mechanics/simulate.js";
import { MomentumOscillatorPredictor, QuadraticContinuousPredictor, quadraticStep } from "../../core/src/theory/symmetry/index.js";

describe("neural-mechanics", () => {
  it("schema rejects unknown keys and bad values", () => {
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, learningRate: 0.1 })).toThrow();
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, momentumBeta: 1 })).toThrow(/momentumBeta/);
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, batch: 1 })).toThrow(/batch/);
  });

  it("the symmetries constrain the gradient of the network (and a generic direction is not constrained)", () => {
    const rng = S.Rng.seed(3);
    const { x, labels } = gaussianMixture(rng.fork("d"), 40, 6, 3, 1);
    const p = initMechanics(rng.fork("p"), 6, 8, 3);
    const [, g] = S.valueAndGrad((q: typeof p) => mechanicsLoss(q, x, labels))(p);
    const c = constraintResiduals(p, g);
    expect(Math.max(c.translation, c.scale, c.rescale)).toBeLessThan(1e-13);
    // The same residuals of a random "gradient" are O(1): the checks can fail.
    const fake = S.treeMap((t) => S.normal(rng.fork("fake"), t.shape), p);
    const f = constraintResiduals(p, fake);
    expect(Math.min(f.translation, f.scale, f.rescale)).toBeGreaterThan(1e-3);
  });

  it("limits of the theory: lambda -> 0 the continuous law is the exact one; beta -> 0 the oscillator is the e^{-2 lambda t} law", () => {
    const c = new QuadraticContinuousPredictor(3, 0.1, 0);
    let q = 3;
    for (const g2 of [0.5, 0.2, 1.1, 0.05]) {
      c.push(g2);
      q = quadraticStep(q, g2, 0.1, 0);
    }
    expect(c.value()).toBeCloseTo(q, 14);
    const m = new MomentumOscillatorPredictor(3, 1e-3, 0.01, 0, "quadratic");
    const cont = new QuadraticContinuousPredictor(3, 1e-3, 0.01);
    for (let k = 0; k < 5000; k++) {
      m.push(0);
      cont.push(0);
    }
    expect(m.value() / cont.value()).toBeCloseTo(1, 4);
  });

  it("simulated network: exact identities hold, the continuous law has a nonzero O(eta lambda) error, the oscillator tracks momentum", () => {
    const rng = S.Rng.seed(1);
    const data = gaussianMixture(rng.fork("d"), 100, 8, 3, 1);
    const params = initMechanics(rng.fork("p"), 8, 10, 3);
    const plain = simulateMechanics({ probe: "p", params, ...data, lr: 0.1, wd: 0.05, beta: 0, steps: 150, batch: 20, every: 50, rng: rng.fork("b1") });
    expect(Math.max(plain.exactStep.translation, plain.exactStep.scale, plain.exactStep.rescale)).toBeLessThan(1e-12);
    // (1 - eta lambda)^{2K} vs e^{-2 lambda t}: relative gap ~ eta lambda^2 t = 0.1 * 0.0025 * 15 ~ 4e-3 of the homogeneous part.
    expect(plain.continuousFinal.translation).toBeGreaterThan(1e-4);
    expect(plain.continuousFinal.translation).toBeLessThan(1e-2);
    const mom = simulateMechanics({ probe: "m", params, ...data, lr: 0.02, wd: 0.01, beta: 0.9, steps: 300, batch: 20, every: 50, rng: rng.fork("b2") });
    expect(Math.max(mom.exactStep.translation, mom.exactStep.scale, mom.exactStep.rescale)).toBeLessThan(1e-12);
    expect(mom.oscillatorMax.scale).toBeLessThan(0.01);
  });
});
