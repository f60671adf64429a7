import { describe, it, expect } from "vitest";
import { agfLinearNetwork as experiment } from "../src/saddle-to-saddle/agf-linear-network/experiment.js";

describe("agf-linear-network", () => {
  it("the theory staircase has the conjectured levels in Saddle's units and the schema checks the spectra", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const rows = experiment.theory(cfg).filter((r) => r.key === "loss");
    const levels = [...new Set(rows.map((r) => r.value))];
    // 1/2 sum_{i>k} mu_i with mu = (4, 1.5, 1.125, 0.0625), divided by c = 4 outputs.
    [3.34375, 1.34375, 0.59375, 0.03125, 0].forEach((l, k) => expect(levels[k]).toBeCloseTo(l / 4, 12));
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, lambda: [1, 2] })).toThrow(/lambda/);
  });
});
