import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { agfModularAddition as experiment } from "../src/saddle-to-saddle/agf-modular-addition/experiment.js";

describe("agf-modular-addition", () => {
  it("the fused simulation gradient equals the neuron model's, and the schema rejects frequencies above p/2", () => {
    const x = S.cyclicTemplate(8, [{ frequency: 1, magnitude: 3 }, { frequency: 3, magnitude: 1 }]);
    const rng = S.Rng.seed(11);
    const thetas = Array.from({ length: 4 }, () => Float64Array.from({ length: 24 }, () => rng.nextNormal()));
    const grads = thetas.map(() => new Float64Array(24));
    const ref = S.agf.networkLossAndGrad(S.agf.quadraticModularNeurons(x, thetas), thetas, grads);
    const flat = new Float64Array(96);
    thetas.forEach((t, h) => flat.set(t, 24 * h));
    const g = new Float64Array(96);
    expect(S.agf.quadraticModularLossAndGrad(x, 4)(flat, g)).toBeCloseTo(ref, 10);
    grads.forEach((gr, h) => gr.forEach((v, j) => expect(g[24 * h + j]).toBeCloseTo(v, 9)));
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, freqs: [1, 11] })).toThrow(/p\/2/);
  });
});
