import { describe, it, expect } from "vitest";
import { agfDiagonalLinear as experiment } from "../src/saddle-to-saddle/agf-diagonal-linear/experiment.js";

describe("agf-diagonal-linear", () => {
  it("draws the closed-form staircase at the preset alpha and rejects inconsistent data", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const drops = experiment.theory(cfg).filter((r) => r.key === "jump");
    // Pesme-Flammarion times (0.193042, 0.600220, 3.457363) x log(1/alpha), coordinates 0, 1, 0.
    expect(drops.map((r) => r.value)).toEqual([0, 1, 0]);
    [0.193042, 0.60022, 3.457363].forEach((tau, k) => expect(drops[k].t / Math.log(1 / cfg.alpha)).toBeCloseTo(tau, 5));
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, beta_star: [1, 2, 3] })).toThrow(/beta_star/);
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, sweep: [1e-6, 1e-3] })).toThrow(/decreasing/);
  });
});
