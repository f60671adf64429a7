import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { prepare } from "../src/kit/index.js";
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

  it("the setup's closed form at the quick preset: order 1, 3; levels (1/p) sum_unlearned P_k halved; bounds from the largest initial norm", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const { setup } = prepare(experiment, cfg, 0);
    const { p } = cfg;
    expect(setup.closed.order).toEqual([1, 3]);
    const P = cfg.mags.map((m) => (2 * m * m) / p);
    const levels = [0.5 * (P[0] + P[1]) / p, (0.5 * P[1]) / p, 0];
    setup.closed.levels.forEach((l, k) => expect(l).toBeCloseTo(levels[k], 12));
    const n0 = Math.max(...setup.init.map((t) => Math.hypot(...t)));
    expect(setup.closed.lowerBounds[0]).toBeCloseTo((1 / n0 - 1) / (3 * setup.closed.maxUtility[0]), 8);
    // --seed changes the initial neurons.
    expect(prepare(experiment, cfg, 1).setup.init[0][0]).not.toBe(setup.init[0][0]);
  });

  it("the output Fourier probe reads 1 on a network that outputs the target, and the initial network carries almost none of it", async () => {
    const cfg = experiment.schema.parse({ ...experiment.presets.quick, epochs: 1, every: 1 });
    const { setup } = prepare(experiment, cfg, 0);
    const { p } = cfg;
    const target = new Float64Array(p * p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let j = 0; j < p; j++) target[(a * p + b) * p + j] = setup.x[(((j - a - b) % p) + 2 * p) % p];
    const pr = S.outputFourierProbe((q: { f: S.Tensor }) => q.f.data, { p, freqs: setup.closed.order, reference: setup.closed.magnitudes });
    const full = pr.measure({ step: 0, t: 0, params: { f: S.tensor(Array.from(target)) }, loss: 0, optState: null });
    for (const k of setup.closed.order) expect(full[`f${k}`]).toBeCloseTo(1, 10);
    const rows = await S.collect(experiment.run(cfg, { seed: 0, rng: S.Rng.seed(0) }, setup));
    for (const k of setup.closed.order) expect(rows.find((r) => r.probe === "fourier" && r.key === `f${k}`)!.value).toBeLessThan(1e-3);
  });
});
