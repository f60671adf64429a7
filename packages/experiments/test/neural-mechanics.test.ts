import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { neuralMechanics as experiment } from "../src/symmetry/neural-mechanics/experiment.js";
import { initMechanics, mechanicsLoss, MECHANICS_SYMMETRIES, type MechanicsParams } from "../src/symmetry/neural-mechanics/model.js";

const { MomentumOscillatorPredictor, QuadraticContinuousPredictor, quadraticStep } = S.symmetry;

describe("neural-mechanics", () => {
  it("schema rejects unknown keys and bad values (nested groups included)", () => {
    const q = experiment.presets.quick as Record<string, unknown> & { momentum: Record<string, unknown> };
    expect(() => experiment.schema.parse({ ...q, learningRate: 0.1 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, momentum: { ...q.momentum, beta: 1 } })).toThrow(/beta/);
    expect(() => experiment.schema.parse({ ...q, batch: 1 })).toThrow(/batch/);
    expect(() => experiment.schema.parse({ ...q, hidden: 1e6 })).toThrow(/hidden/);
  });

  it("the symmetries constrain the gradient of the network (and a generic direction is not constrained)", () => {
    const rng = S.Rng.seed(3);
    const { x, labels } = S.gaussianMixture(rng.fork("d"), { n: 40, d: 6, classes: 3, spread: 1 });
    const p = initMechanics(rng.fork("p"), 6, 8, 3);
    const [, g] = S.valueAndGrad((q: MechanicsParams) => mechanicsLoss(q, x, labels))(p);
    const c = S.symmetryConstraintResiduals(MECHANICS_SYMMETRIES, p, g);
    expect(Math.max(c.translation!, c.scale!, c.rescale!)).toBeLessThan(1e-13);
    // The same residuals of a random "gradient" are O(1): the checks can fail.
    const fake = S.treeMap((t) => S.normal(rng.fork("fake"), t.shape), p);
    const f = S.symmetryConstraintResiduals(MECHANICS_SYMMETRIES, p, fake);
    expect(Math.min(f.translation!, f.scale!, f.rescale!)).toBeGreaterThan(1e-3);
  });

  it("limits of the theory: lambda -> 0 the continuous law is the exact one; beta -> 0 the oscillator is the e^{-2 lambda t} law", () => {
    const c = new QuadraticContinuousPredictor(3, 0.1, 0);
    let q = 3;
    for (const g2 of [0.5, 0.2, 1.1, 0.05]) {
      c.push(g2);
      q = quadraticStep(q, g2, 0.1, 0);
    }
    expect(c.value()).toBeCloseTo(q, 14);
    // A predictor restored from its state continues identically (what a resumed run relies on).
    const again = new QuadraticContinuousPredictor(3, 0.1, 0, c.state());
    again.push(0.7);
    c.push(0.7);
    expect(again.value()).toBe(c.value());
    const m = new MomentumOscillatorPredictor(3, 1e-3, 0.01, 0, "quadratic");
    const cont = new QuadraticContinuousPredictor(3, 1e-3, 0.01);
    for (let k = 0; k < 5000; k++) {
      m.push(0);
      cont.push(0);
    }
    expect(m.value() / cont.value()).toBeCloseTo(1, 4);
  });

  it("simulated network: the run's per-step laws hold, and a wrong weight decay in the law is detected", async () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.quick, steps: 40, every: 10, momentum: { lr: 0.01, beta: 0.9, wd: 5e-4, steps: 40 }, flow: { hidden: 6, samples: 8, lrs: [0.1, 0.05], time: 0.2 } });
    const r = await S.collect(experiment.run(cfg, { seed: 0, rng: S.Rng.seed(0) }, experiment.setup(cfg, { seed: 0, rng: S.Rng.seed(1) })));
    const q = new S.RowQuery(r);
    for (const run of ["sgd", "sgd-wd", "momentum"]) for (const k of ["translation", "scale", "rescale"]) {
      expect(q.max("law", k, { run })).toBeLessThan(1e-12);
      expect(q.max("constraint", k, { run })).toBeLessThan(1e-12);
      expect(q.values("law", k, { run }).length).toBe(40); // every transition 0 -> 1 ... 39 -> 40
    }
    // The law probe can fail: the same probe told the wrong weight decay reports O(eta lambda) errors.
    const setup = experiment.setup(cfg, { seed: 0, rng: S.Rng.seed(1) });
    const optimizer = S.sgd(cfg.lr, { wd: cfg.wd });
    const wrong = S.symmetryStepLawProbe(MECHANICS_SYMMETRIES, { optimizer, lr: cfg.lr, wd: 0 });
    const [loss, grads] = S.valueAndGrad((p: MechanicsParams) => mechanicsLoss(p, setup.data.x, setup.data.labels))(setup.init);
    const bad = wrong.measure({ step: 0, t: 0, params: setup.init, loss: loss.item(), optState: optimizer.init(setup.init), grads });
    expect(bad.scale).toBeGreaterThan(0.1 * cfg.lr * cfg.wd);
  });
});
