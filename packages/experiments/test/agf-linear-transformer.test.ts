import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { agfLinearTransformer as experiment } from "../src/saddle-to-saddle/agf-linear-transformer/experiment.js";

describe("agf-linear-transformer", () => {
  it("the AGF staircase learns one head per eigenvalue at the closed-form plateaus; the schema wants decreasing eigenvalues", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const rows = experiment.theory(cfg).filter((r) => r.key === "loss");
    const levels = [...new Set(rows.map((r) => r.value))];
    const expected = S.agf.linearTransformerPlateaus(cfg.eigenvalues, cfg.N);
    expect(levels.length).toBe(expected.length);
    expected.forEach((l, k) => expect(Math.abs(levels[k] - l) / l).toBeLessThan(1e-6));
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, eigenvalues: [0.2, 0.5] })).toThrow(/decreasing/);
  });
});
