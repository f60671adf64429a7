import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { noetherLearningDynamics as experiment } from "../src/symmetry/noether-learning-dynamics/experiment.js";
import { normalisedLinearLoss } from "../src/symmetry/noether-learning-dynamics/model.js";

const { equilibriumNormFourth } = S.symmetry;

async function rowsOf(over: Record<string, unknown>, seed = 0) {
  const cfg = experiment.schema.parse({ ...experiment.presets.quick, ...over });
  const setup = experiment.setup(cfg, { seed, rng: S.Rng.seed(seed).fork("setup") });
  return { cfg, q: new S.RowQuery(await S.collect(experiment.run(cfg, { seed, rng: S.Rng.seed(seed).fork("run") }, setup))) };
}

describe("noether-learning-dynamics", () => {
  it("schema rejects unknown keys and bad values (nested groups included)", () => {
    const q = experiment.presets.quick as Record<string, unknown> & { sgdWd: Record<string, unknown> };
    expect(() => experiment.schema.parse({ ...q, momentum: 0.9 })).toThrow();
    expect(() => experiment.schema.parse({ ...q, sgdWd: { ...q.sgdWd, wd: -1 } })).toThrow(/wd/);
    expect(() => experiment.schema.parse({ ...q, steps: 1.5 })).toThrow(/steps/);
    expect(() => experiment.schema.parse({ ...q, inputDim: 1e6 })).toThrow(/inputDim/);
  });

  it("the normalised classifier is scale invariant: L(c theta) = L(theta) and <g, theta> = 0", () => {
    const rng = S.Rng.seed(2);
    const data = S.gaussianMixture(rng.fork("d"), { n: 40, d: 5, classes: 3, spread: 0.5 });
    const theta = S.normal(rng.fork("t"), [5, 3]);
    const loss = (t: S.Tensor) => normalisedLinearLoss(t, data.x, data.labels, 2);
    expect(Math.abs(loss(S.mul(theta, 3.7)).item() - loss(theta).item())).toBeLessThan(1e-14);
    const g = S.grad(loss)(theta);
    expect(Math.abs(S.sum(S.mul(g, theta)).item()) / Math.sqrt(S.sum(S.square(g)).item() * S.sum(S.square(theta)).item())).toBeLessThan(1e-14);
  });

  it("sombrero limits: GD and heavy ball keep L = 0; without noise Adam from an off-axis start breaks it", async () => {
    const { q } = await rowsOf({ steps: 20, sgdWd: { lr: 0.5, wd: 0.002, steps: 40, batch: 32 }, adaptive: { lr: 0.01, steps: 20 }, sombrero: { lr: 0.02, steps: 200, noise: 0 } });
    expect(q.max("angular", "relative", { run: "sombrero-gd" })).toBeLessThan(1e-12);
    expect(q.max("angular", "relative", { run: "sombrero-momentum" })).toBeLessThan(1e-12);
    expect(q.max("angular", "relative", { run: "sombrero-adam" })).toBeGreaterThan(0.1);
    expect(q.values("angular", "relative", { run: "sombrero-gd" }).length).toBe(200); // every step's velocity, none after the last
  });

  it("simulated classifier: the GD law holds, the charge moves by exactly the KSB term under RMSProp, the tracked sums resume", async () => {
    const { cfg, q } = await rowsOf({ steps: 60, sgdWd: { lr: 0.5, wd: 0.002, steps: 60, batch: 32 }, adaptive: { lr: 0.01, steps: 60 }, sombrero: { lr: 0.02, steps: 10, noise: 0.1 } });
    expect(q.max("law", "scale", { run: "gd" })).toBeLessThan(1e-12);
    const n0 = q.last("track", "n0", { run: "rmsprop" });
    const moved = q.last("scale", "normSq", { run: "rmsprop" }) - n0;
    const upd = q.last("track", "sumUpdSq", { run: "rmsprop" });
    expect(Math.abs(moved - upd) / upd).toBeGreaterThan(0.1); // the GD law fails under RMSProp ...
    expect(Math.abs(moved - upd - 2 * q.last("track", "sumThetaU", { run: "rmsprop" })) / upd).toBeLessThan(1e-10); // ... by the KSB term
    expect(q.last("track", "effLrMaxErr", { run: "gd" })).toBeLessThan(0.01);
    // Equilibrium theory: larger eta or smaller lambda gives a larger norm; eta lambda -> 0 recovers eta <|ghat|^2> / (2 lambda).
    expect(equilibriumNormFourth(0.5, 0.002, 0.3)).toBeGreaterThan(equilibriumNormFourth(0.5, 0.004, 0.3));
    expect(equilibriumNormFourth(1e-4, 1e-4, 0.3) / ((1e-4 * 0.3) / 2e-4)).toBeCloseTo(1, 7);
    expect(cfg.sgdWd.steps).toBe(60);
  });
});
