import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { agfDiagonalLinear as experiment } from "../src/saddle-to-saddle/agf-diagonal-linear/experiment.js";

describe("agf-diagonal-linear", () => {
  const cfg = experiment.schema.parse(experiment.presets.quick);
  const setup = experiment.setup(cfg, { seed: 0, rng: S.Rng.seed(0) });

  it("the generic AGF engine reproduces the closed form and the Pesme-Flammarion path at the preset", () => {
    // Pesme-Flammarion times (0.193042, 0.600220, 3.457363) x log(1/alpha), coordinates 0, 1, 0.
    expect(setup.engine.jumps.map((j) => j.neuron)).toEqual([0, 1, 0]);
    [0.193042, 0.60022, 3.457363].forEach((tau, k) => expect(setup.times[k]).toBeCloseTo(tau, 5));
    const closed = S.agf.diagonalLinearAgf(setup.data, cfg.alpha);
    [2.311099, 1.11465, 0.07].forEach((l, k) => {
      expect(setup.levels[k]).toBeCloseTo(l, 5);
      expect(Math.abs(setup.levels[k + 1] - closed.levels[k + 1])).toBeLessThan(1e-9 * closed.levels[0]);
    });
    expect(closed.coordinates).toEqual(setup.path.coordinates);
  });

  it("generates one drop claim per predicted jump and one plateau claim per plateau between drops", () => {
    const ids = experiment.claims(cfg, setup).map((c) => c.id);
    expect(ids.filter((id) => /^drop-\d-time$/.test(id))).toEqual(["drop-1-time", "drop-2-time", "drop-3-time"]);
    expect(ids.filter((id) => /^plateau-\d$/.test(id))).toEqual(["plateau-1", "plateau-2"]);
    // A one-coordinate problem has one drop and no plateau between drops.
    const one = experiment.schema.parse({ ...experiment.presets.quick, x: [[1], [2]], beta_star: [1.5] });
    const ids1 = experiment.claims(one, experiment.setup(one, { seed: 0, rng: S.Rng.seed(0) })).map((c) => c.id);
    expect(ids1.filter((id) => id.startsWith("drop-"))).toEqual(["drop-1-time"]);
    expect(ids1.some((id) => id.startsWith("plateau-"))).toBe(false);
  });

  it("draws the engine's staircase and rejects inconsistent data", () => {
    const drops = experiment.theory(cfg, { seed: 0, rng: S.Rng.seed(0) }, setup).filter((r) => r.key === "jump");
    expect(drops.map((r) => r.value)).toEqual([0, 1, 0]);
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, beta_star: [1, 2, 3] })).toThrow(/beta_star/);
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, sweep: [1e-6, 1e-3] })).toThrow(/decreasing/);
  });
});
