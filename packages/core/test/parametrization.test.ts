import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

type Row = Pick<S.LayerScaling, "initStd" | "multiplier" | "lrScale" | "biasLrScale">;

describe("parametrize: the per-layer table for widths [4, 8, 8, 1]", () => {
  const widths = [4, 8, 8, 1];
  const r8 = Math.sqrt(8);
  // Rows: name, spec, expected {initStd, multiplier, lrScale, biasLrScale} per layer.
  const rows: [string, Omit<S.ParametrizationSpec, "widths">, Row[]][] = [
    ["sp, sigma_w = 2", { kind: "sp", sigmaW: 2 }, [
      { initStd: 1, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 2 / r8, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 2 / r8, multiplier: 1, lrScale: 1, biasLrScale: 1 },
    ]],
    ["ntk, sigma_w = 2", { kind: "ntk", sigmaW: 2 }, [
      { initStd: 1, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 1, multiplier: 2 / r8, lrScale: 1, biasLrScale: 1 },
      { initStd: 1, multiplier: 2 / r8, lrScale: 1, biasLrScale: 1 },
    ]],
    ["mup", { kind: "mup" }, [
      { initStd: 0.5, multiplier: 1, lrScale: 2, biasLrScale: 8 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1, biasLrScale: 8 },
      { initStd: 1 / 8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
    ]],
    ["meanfield, gamma0 = 2", { kind: "meanfield", gamma0: 2 }, [
      { initStd: 1, multiplier: 0.5, lrScale: 32, biasLrScale: 32 },
      { initStd: 1, multiplier: 1 / r8, lrScale: 32, biasLrScale: 32 },
      { initStd: 1, multiplier: 1 / 16, lrScale: 32, biasLrScale: 32 },
    ]],
    ["output-scale, gamma = 3", { kind: "output-scale", gamma: 3 }, [
      { initStd: 1, multiplier: 0.5, lrScale: 9, biasLrScale: 9 },
      { initStd: 1, multiplier: 1 / r8, lrScale: 9, biasLrScale: 9 },
      { initStd: 1, multiplier: 1 / (3 * r8), lrScale: 9, biasLrScale: 9 },
    ]],
    ["mup with small init 0.1 and layer scales [1, 2, 0]", { kind: "mup", initScale: 0.1, layerInitScales: [1, 2, 0] }, [
      { initStd: 0.05, multiplier: 1, lrScale: 2, biasLrScale: 8 },
      { initStd: 0.2 / r8, multiplier: 1, lrScale: 1, biasLrScale: 8 },
      { initStd: 0, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
    ]],
  ];
  it.each(rows)("%s", (_name, spec, expected) => {
    const table = S.parametrize({ ...spec, widths } as S.ParametrizationSpec);
    expect(table).toHaveLength(3);
    table.forEach((row, l) => {
      for (const key of ["initStd", "multiplier", "lrScale", "biasLrScale"] as const) expect(row[key]).toBeCloseTo(expected[l][key], 14);
    });
  });

  it("bad specs give clear errors", () => {
    expect(() => S.parametrize({ kind: "xyz" as never, widths })).toThrow(/parametrization 'xyz' is unknown; allowed: sp, ntk, mup/);
    expect(() => S.parametrize({ kind: "sp", widths: [2] })).toThrow(/widths must be at least two positive integers/);
    expect(() => S.parametrize({ kind: "meanfield", widths, gamma0: 0 })).toThrow(/gamma0 must be a finite number > 0, got 0/);
    expect(() => S.parametrize({ kind: "sp", widths, layerInitScales: [1, 1] })).toThrow(/layerInitScales has 2 entries; the network has 3 weight layers/);
    expect(() => S.parametrize({ kind: "ntk", widths, initScale: -1 })).toThrow(/initScale must be a finite number >= 0/);
  });

  it("init stds are realised by the MLP: empirical std of each layer within 5% of the table", () => {
    const model = S.mlp({ widths: [64, 256, 256, 1], parametrization: "mup" });
    const p = model.init(Rng.seed(1));
    model.scalings.slice(0, 2).forEach((s, l) => {
      const w = p.layers[l].w.data;
      let ss = 0;
      for (const v of w) ss += v * v;
      expect(Math.sqrt(ss / w.length) / s.initStd).toBeCloseTo(1, 1);
    });
  });

  it("lrScaleTree mirrors the parameter tree: weights get lrScale, biases biasLrScale", () => {
    const model = S.mlp({ widths: [3, 5, 2], parametrization: "mup", bias: true });
    const p = model.init(Rng.seed(2));
    const scales = S.lrScaleTree(p, model.scalings);
    expect(scales.layers[0].w.shape).toEqual([3, 5]);
    expect(Array.from(new Set(scales.layers[0].w.data))).toEqual([5 / 3]);
    expect(Array.from(new Set(scales.layers[0].b?.data ?? []))).toEqual([5]);
    expect(Array.from(new Set(scales.layers[1].w.data))).toEqual([2 / 5]);
    expect(() => S.lrScaleTree(p, model.scalings.slice(0, 1))).toThrow(/params have 2 layers but the parametrization has 1/);
  });
});

/** The learning-rate-weighted empirical NTK sum_leaves lrScale * J J^T (the function-space step of GD), (n, n). */
function scaledNtk(model: ReturnType<typeof S.mlp>, params: S.MlpParams, x: Tensor): Float64Array {
  const scales = S.treeToVector(S.lrScaleTree(params, model.scalings));
  const n = x.shape[0];
  const grads = Array.from({ length: n }, (_, i) => S.treeToVector(S.grad((p: S.MlpParams) => S.sum(model.apply(p, S.slice(x, [[i, i + 1]]))))(params)));
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < scales.length; q++) s += scales[q] * grads[i][q] * grads[j][q];
    k[i * n + j] = s;
  }
  return k;
}

describe("richness conventions: the function-space step at init does not depend on gamma", () => {
  const x = S.normal(Rng.seed(3), [5, 3]);
  const widths = [3, 64, 64, 1];
  const maxRel = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));

  it("output-scale: lr * gamma^2 cancels the 1/gamma output (gamma = 0.1, 1, 10) to 1e-12", () => {
    const kernels = [0.1, 1, 10].map((gamma) => {
      const model = S.mlp({ widths, parametrization: "output-scale", gamma, activation: "tanh" });
      return scaledNtk(model, model.init(Rng.seed(4)), x);
    });
    expect(maxRel(kernels[0], kernels[1])).toBeLessThan(1e-12);
    expect(maxRel(kernels[2], kernels[1])).toBeLessThan(1e-12);
  });

  it("mean-field: the lr * gamma0^2 N scaled NTK equals the NTK-parametrization NTK, for gamma0 = 0.1 and 5, to 1e-12", () => {
    const ntkModel = S.mlp({ widths, parametrization: "ntk", activation: "tanh" });
    const reference = scaledNtk(ntkModel, ntkModel.init(Rng.seed(4)), x);
    for (const gamma0 of [0.1, 5]) {
      const model = S.mlp({ widths, parametrization: "meanfield", gamma0, activation: "tanh" });
      expect(maxRel(scaledNtk(model, model.init(Rng.seed(4)), x), reference)).toBeLessThan(1e-12);
    }
  });
});

describe("coord check (muP vs SP)", () => {
  // Hidden-layer update size after 3 GD steps (the coordinate size a coord check plots), zero readout
  // at init (muP's usual choice; it also removes the O(1) random output that makes SP's residual noisy),
  // averaged over 2 seeds. Measured: muP max/min 1.06-1.22 over 5 seeds; SP grows 3.2-5.6x.
  const widths = [64, 128, 256, 512, 1024];
  const after3 = (kind: S.ParametrizationKind) =>
    S.coordCheck({ kind, widths, steps: 3, lr: 0.02, activation: "tanh", seeds: 2, layerInitScales: [1, 1, 0] }).filter((r) => r.step === 3);

  it("hidden update scale after 3 steps is flat across widths 64..1024 under muP (max/min < 1.5) and grows under SP", () => {
    const mup = after3("mup");
    const sp = after3("sp");
    const mupDelta = mup.map((r) => r.hiddenDelta);
    const spDelta = sp.map((r) => r.hiddenDelta);
    console.info(`hidden update RMS after 3 steps, widths ${widths.join("/")}: muP ${mupDelta.map((v) => v.toExponential(2)).join(" ")}; SP ${spDelta.map((v) => v.toExponential(2)).join(" ")}`);
    expect(Math.max(...mupDelta) / Math.min(...mupDelta)).toBeLessThan(1.5);
    for (let i = 1; i < widths.length; i++) expect(spDelta[i]).toBeGreaterThan(spDelta[i - 1]);
    expect(spDelta[widths.length - 1] / spDelta[0]).toBeGreaterThan(2.5);
    // The activations themselves stay O(1) under muP: flat to 10%.
    const mupHidden = mup.map((r) => r.hidden);
    expect(Math.max(...mupHidden) / Math.min(...mupHidden)).toBeLessThan(1.1);
  });

  it("rejects bad options", () => {
    expect(() => S.coordCheck({ kind: "mup", widths: [8], steps: -1 })).toThrow(/steps must be a non-negative integer, got -1/);
    expect(() => S.coordCheck({ kind: "mup", widths: [8], lr: 0 })).toThrow(/lr must be positive, got 0/);
  });
});
