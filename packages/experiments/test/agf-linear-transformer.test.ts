import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { prepare } from "../src/kit/index.js";
import { agfLinearTransformer as experiment, headsLossAndGrad } from "../src/saddle-to-saddle/agf-linear-transformer/experiment.js";

describe("agf-linear-transformer", () => {
  const cfg = experiment.schema.parse(experiment.presets.quick);
  const { setup, theory } = prepare(experiment, cfg, 0);

  it("the schema wants decreasing eigenvalues", () => {
    expect(() => experiment.schema.parse({ ...experiment.presets.quick, eigenvalues: [0.2, 0.5] })).toThrow(/decreasing/);
  });

  it("AGF on the sampled prompts learns one component per jump, its levels within 5% of the closed-form population plateaus (16384 prompts: measured <= 3.2%)", () => {
    const expected = S.agf.linearTransformerPlateaus(cfg.eigenvalues, cfg.N);
    expect(setup.agf.levels.length).toBe(expected.length);
    expected.forEach((l, k) => expect(Math.abs(setup.agf.levels[k] - l) / l).toBeLessThan(0.05));
    // Jumps in time order, one per component; the staircase drawn in the figure starts at the initial loss.
    setup.agf.times.forEach((t, i) => i > 0 && expect(t).toBeGreaterThan(setup.agf.times[i - 1]));
    expect(theory.find((r) => r.probe === "train" && r.key === "loss")?.value).toBeCloseTo(setup.agf.levels[0], 12);
  });

  it("the fused loss and gradient equal autodiff of 1/2 m^T G m - b^T m + c0 with M = sum_h v_h k_h q_h^T", () => {
    const D = setup.D;
    const H = cfg.heads;
    const rng = S.Rng.seed(5);
    const p = { v: S.normal(rng, [H], { std: 0.3 }), k: S.normal(rng, [H, D], { std: 0.3 }), q: S.normal(rng, [H, D], { std: 0.3 }) };
    const G = new S.Tensor(setup.loss.gram, [D * D, D * D]);
    const b = new S.Tensor(setup.loss.linear, [D * D]);
    const loss = (q: typeof p) => {
      const m = S.reshape(S.matmul(S.transpose(S.mul(q.k, S.expandDims(q.v, 1))), q.q), [D * D]);
      return S.add(S.sub(S.mul(S.dot(m, S.matmul(G, m)), 0.5), S.dot(b, m)), setup.loss.constant);
    };
    const [l, g] = S.valueAndGrad(loss)(p);
    const [fl, fg] = headsLossAndGrad(D, H, setup.loss)(p);
    expect(fl).toBeCloseTo(l.item(), 10);
    for (const leaf of ["v", "k", "q"] as const) fg[leaf].data.forEach((x, i) => expect(x).toBeCloseTo(g[leaf].data[i], 9));
  });

  it("the closed-form minimiser's loss and gradient on the sampled prompts: c0 at M = 0, and the full minimiser solves G m = b", () => {
    const size = setup.D * setup.D;
    const r = new Float64Array(size);
    for (let a = 0; a < size; a++) {
      let s = -setup.loss.linear[a];
      for (let c = 0; c < size; c++) s += setup.loss.gram[a * size + c] * setup.minimiser[c];
      r[a] = s;
    }
    expect(Math.max(...Array.from(r, Math.abs))).toBeLessThan(1e-10);
    let c0 = 0;
    setup.yq.forEach((y) => (c0 += 0.5 * y * y));
    expect(setup.loss.constant).toBeCloseTo(c0 / cfg.prompts, 12);
  });

  it("--seed changes the basis, the prompts and the heads", () => {
    const other = prepare(experiment, cfg, 1).setup;
    expect(other.Q[0]).not.toBe(setup.Q[0]);
    expect(other.yq[0]).not.toBe(setup.yq[0]);
    expect(other.heads[0][1]).not.toBe(setup.heads[0][1]);
  });
});
