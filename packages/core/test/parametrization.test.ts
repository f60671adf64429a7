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
  const after3 = async (kind: S.ParametrizationKind) =>
    (await S.coordCheck({ kind, widths, steps: 3, lr: 0.02, activation: "tanh", seeds: 2, layerInitScales: [1, 1, 0] })).filter((r) => r.step === 3);

  it("hidden update scale after 3 steps is flat across widths 64..1024 under muP (max/min < 1.5) and grows under SP", async () => {
    const mup = await after3("mup");
    const sp = await after3("sp");
    const mupDelta = mup.map((r) => r.hiddenDelta);
    const spDelta = sp.map((r) => r.hiddenDelta);
    console.info(`hidden update RMS after 3 steps, widths ${widths.join("/")}: muP ${mupDelta.map((v) => v.toExponential(2)).join(" ")}; SP ${spDelta.map((v) => v.toExponential(2)).join(" ")}`);
    expect(Math.max(...mupDelta) / Math.min(...mupDelta)).toBeLessThan(1.5);
    for (let i = 1; i < widths.length; i++) expect(spDelta[i]).toBeGreaterThan(spDelta[i - 1]);
    expect(spDelta[widths.length - 1] / spDelta[0]).toBeGreaterThan(2.5);
    // The activations themselves stay O(1) under muP: flat to 10%.
    const mupHidden = mup.map((r) => r.hidden);
    expect(Math.max(...mupHidden) / Math.min(...mupHidden)).toBeLessThan(1.1);
  }, 60000);

  it("rejects bad options", async () => {
    await expect(S.coordCheck({ kind: "mup", widths: [8], steps: -1 })).rejects.toThrow(/steps must be a non-negative integer, got -1/);
    await expect(S.coordCheck({ kind: "mup", widths: [8], lr: 0 })).rejects.toThrow(/lr must be positive, got 0/);
  });
});

describe("spectral parametrization and optimizer-dependent lr scales (arXiv 2310.17813, 2203.03466)", () => {
  const widths = [4, 8, 8, 1];
  const r8 = Math.sqrt(8);
  const rows: [string, Omit<S.ParametrizationSpec, "widths">, Row[]][] = [
    // std (1/sqrt(fan_in)) min(1, sqrt(fan_out/fan_in)); SGD lr fan_out/fan_in; biases fan_out.
    ["spectral, sgd", { kind: "spectral" }, [
      { initStd: 0.5, multiplier: 1, lrScale: 2, biasLrScale: 8 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1, biasLrScale: 8 },
      { initStd: 1 / 8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
    ]],
    // Adam: lr 1/fan_in (||Delta W||_* ~ lr sqrt(fan_in fan_out) -> sqrt(fan_out/fan_in)); biases 1.
    ["spectral, adam", { kind: "spectral", optimizer: "adam" }, [
      { initStd: 0.5, multiplier: 1, lrScale: 1 / 4, biasLrScale: 1 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
      { initStd: 1 / 8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
    ]],
    // Tensor Programs V Table 3: input 1, hidden and output 1/fan_in.
    ["mup, adam", { kind: "mup", optimizer: "adam" }, [
      { initStd: 0.5, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
      { initStd: 1 / 8, multiplier: 1, lrScale: 1 / 8, biasLrScale: 1 },
    ]],
    ["meanfield, adam, gamma0 = 2", { kind: "meanfield", optimizer: "adam", gamma0: 2 }, [
      { initStd: 1, multiplier: 0.5, lrScale: 2, biasLrScale: 2 },
      { initStd: 1, multiplier: 1 / r8, lrScale: 2 / r8, biasLrScale: 2 / r8 },
      { initStd: 1, multiplier: 1 / 16, lrScale: 2, biasLrScale: 2 },
    ]],
    ["output-scale, adam, gamma = 3", { kind: "output-scale", optimizer: "adam", gamma: 3 }, [
      { initStd: 1, multiplier: 0.5, lrScale: 3, biasLrScale: 3 },
      { initStd: 1, multiplier: 1 / r8, lrScale: 3, biasLrScale: 3 },
      { initStd: 1, multiplier: 1 / (3 * r8), lrScale: 3, biasLrScale: 3 },
    ]],
    ["sp, adam", { kind: "sp", optimizer: "adam" }, [
      { initStd: 0.5, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1, biasLrScale: 1 },
      { initStd: 1 / r8, multiplier: 1, lrScale: 1, biasLrScale: 1 },
    ]],
  ];
  it.each(rows)("%s", (_name, spec, expected) => {
    const table = S.parametrize({ ...spec, widths } as S.ParametrizationSpec);
    table.forEach((row, l) => {
      for (const key of ["initStd", "multiplier", "lrScale", "biasLrScale"] as const) expect(row[key]).toBeCloseTo(expected[l][key], 14);
    });
  });

  it("rejects an unknown optimizer", () => {
    expect(() => S.parametrize({ kind: "spectral", widths, optimizer: "lion" as never })).toThrow(/optimizer must be "sgd" or "adam", got 'lion'/);
  });

  it("spectral init meets the spectral condition: ||W_l||_* / sqrt(fan_out/fan_in) in [1, 3] for widths 64 and 256 (random-matrix edge 1 + sqrt(min/max fan))", () => {
    for (const n of [64, 256]) {
      const model = S.mlp({ widths: [16, n, n, 1], parametrization: "spectral" });
      const p = model.init(Rng.seed(7));
      p.layers.forEach((layer) => {
        const [fi, fo] = layer.w.shape;
        const ratio = S.spectralNorm(layer.w) / Math.sqrt(fo / fi);
        expect(ratio).toBeGreaterThan(0.9);
        expect(ratio).toBeLessThan(3);
      });
    }
  });
});

describe("optimizer blocks: scaleByLrMultiplier and scaleBySpectralNorm", () => {
  const params = { w: new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), b: new Tensor(Float64Array.from([1, -1, 2]), [3]) };
  const grads = { w: new Tensor(Float64Array.from([0.5, -1, 2, 0, 1, 3]), [2, 3]), b: new Tensor(Float64Array.from([3, 4, 0]), [3]) };

  it("chain(gd(lr), scaleByLrMultiplier(m)) steps -lr m g leafwise (full and size-1 multiplier leaves), exactly", () => {
    const m = { w: new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), b: new Tensor(Float64Array.from([10]), [1]) };
    const opt = S.chain(S.gd(0.1), S.scaleByLrMultiplier(m));
    const [u] = opt.update(grads, opt.init(params), params);
    const uu = u as typeof grads;
    grads.w.data.forEach((g, i) => expect(uu.w.data[i]).toBe(-0.1 * g * m.w.data[i]));
    grads.b.data.forEach((g, i) => expect(uu.b.data[i]).toBe(-0.1 * g * 10));
  });

  it("scaleByLrMultiplier errors: negative multipliers, wrong leaf counts and sizes", () => {
    expect(() => S.scaleByLrMultiplier({ w: new Tensor(Float64Array.from([-1]), [1]) })).toThrow(/multipliers must be finite and >= 0/);
    const one = S.scaleByLrMultiplier({ w: new Tensor(Float64Array.from([1]), [1]) });
    expect(() => one.update(grads, null)).toThrow(/the updates have 2 leaves but the multipliers have 1/);
    const bad = S.scaleByLrMultiplier({ b: new Tensor(Float64Array.from([1, 1]), [2]), w: new Tensor(Float64Array.from([1]), [1]) });
    expect(() => bad.update(grads, null)).toThrow(/has 2 entries; the update leaf has 3/);
  });

  it("spectralNorm: rank one u v^T gives |u| |v|; a random matrix agrees with sqrt(max eig(A^T A)) to 1e-12", () => {
    const u = [1, -2, 2];
    const v = [3, 4];
    const a = new Tensor(Float64Array.from(u.flatMap((x) => v.map((y) => x * y))), [3, 2]);
    expect(S.spectralNorm(a)).toBeCloseTo(15, 12);
    const r = S.normal(Rng.seed(9), [7, 5]);
    const ata = S.mm(r, r, true, false);
    const top = Math.sqrt(Math.max(...S.linalg.eigvalsh(ata).data));
    expect(Math.abs(S.spectralNorm(r) - top) / top).toBeLessThan(1e-12);
    expect(S.spectralNorm(new Tensor(Float64Array.from([3, 4]), [2]))).toBeCloseTo(5, 14);
  });

  it("scaleBySpectralNorm: every update leaf has spectral norm sqrt(fan_out/fan_in) (matrix (2, 3): sqrt(3/2); bias of 3: sqrt(3)); zero stays zero", () => {
    const t = S.scaleBySpectralNorm();
    const [u] = t.update(grads, null);
    const uu = u as typeof grads;
    expect(S.spectralNorm(uu.w)).toBeCloseTo(Math.sqrt(3 / 2), 12);
    expect(S.spectralNorm(uu.b)).toBeCloseTo(Math.sqrt(3), 12);
    // Direction kept: u = c G with c > 0.
    const c = uu.w.data[0] / grads.w.data[0];
    grads.w.data.forEach((g, i) => expect(uu.w.data[i]).toBeCloseTo(c * g, 14));
    const [z] = t.update({ w: S.zeros([2, 3]) }, null);
    expect(Array.from((z as { w: Tensor }).w.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

/** Central finite differences of a scalar loss against autodiff on every entry of the tree (float64). */
function gradCheck<P extends S.Tree>(loss: (p: P) => Tensor, params: P, tol = 1e-7): void {
  const g = S.treeToVector(S.grad(loss)(params) as S.Tree);
  const v = S.treeToVector(params);
  const h = 1e-6;
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const plus = Float64Array.from(v);
    const minus = Float64Array.from(v);
    plus[i] += h;
    minus[i] -= h;
    const fd = (loss(S.vectorToTree(plus, params)).item() - loss(S.vectorToTree(minus, params)).item()) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - g[i]) / Math.max(1, Math.abs(g[i])));
  }
  expect(worst).toBeLessThan(tol);
}

describe("models take a parametrization", () => {
  const x = S.normal(Rng.seed(11), [5, 3]);

  it("defaults are unchanged: twoLayer, rnn and embeddingModel draw the same entries as before", () => {
    const tl = S.twoLayer({ d: 3, h: 4, initScale: 0.3 }).init(Rng.seed(1));
    const r1 = Rng.seed(1);
    expect(Array.from(tl.w.data)).toEqual(Array.from(S.normal(r1, [3, 4], { std: 0.3 }).data));
    expect(Array.from(tl.a?.data ?? [])).toEqual(Array.from(S.normal(r1, [4], { std: 0.3 }).data));
    const rn = S.rnn({ dIn: 3, hidden: 4, dOut: 2 }).init(Rng.seed(2));
    const r2 = Rng.seed(2);
    expect(Array.from(rn.wx.data)).toEqual(Array.from(S.normal(r2, [3, 4], { std: 1 / Math.sqrt(3) }).data));
    expect(Array.from(rn.wh.data)).toEqual(Array.from(S.normal(r2, [4, 4], { std: 1 / 2 }).data));
    const em = S.embeddingModel({ vocab: 5, dim: 3, initScale: 0.1 }).init(Rng.seed(3));
    expect(Array.from(em.w.data)).toEqual(Array.from(S.normal(Rng.seed(3), [5, 3], { std: 0.1 }).data));
    expect(() => S.twoLayer({ d: 3, h: 4 })).toThrow(/give initScale/);
  });

  it("twoLayer under NTK with bias: f = m_1 a . phi(m_0 x w + sigma_b b), lrScales from the table, gradient-checked", () => {
    const model = S.twoLayer({ d: 3, h: 6, bias: true, activation: "tanh", parametrization: { kind: "ntk", sigmaW: 1.5, sigmaB: 0.5 } });
    const p = model.init(Rng.seed(4));
    const t = model.scalings as S.LayerScaling[];
    const manual = S.mul(S.matmul(S.tanh(S.add(S.mul(S.mm(x, p.w), 1.5 / Math.sqrt(3)), S.mul(p.b as Tensor, 0.5))), p.a as Tensor), 1.5 / Math.sqrt(6));
    const f = model.apply(p, x);
    f.data.forEach((v, i) => expect(v).toBeCloseTo(manual.data[i], 13));
    expect(t[0].multiplier).toBeCloseTo(1.5 / Math.sqrt(3), 14);
    expect(model.lrScales(p).w.shape).toEqual([3, 6]);
    const y = S.normal(Rng.seed(5), [5]);
    gradCheck((q: S.TwoLayerParams) => S.mse(model.apply(q, x), y), p);
  });

  it("rnn under mup: init stds and lr scales of [dIn, N, N, dOut], gradient-checked under NTK multipliers", () => {
    const mup = S.rnn({ dIn: 3, hidden: 64, dOut: 2, parametrization: "mup" });
    const scales = mup.lrScales(mup.init(Rng.seed(6)));
    expect(scales.wx.data[0]).toBeCloseTo(64 / 3, 12);
    expect(scales.wh.data[0]).toBe(1);
    expect(scales.wo.data[0]).toBeCloseTo(2 / 64, 14);
    expect(scales.b.data[0]).toBe(64);
    const ntk = S.rnn({ dIn: 3, hidden: 5, dOut: 2, parametrization: { kind: "ntk", sigmaW: 1.2 } });
    const p = ntk.init(Rng.seed(7));
    const xs = S.normal(Rng.seed(8), [2, 3, 3]);
    gradCheck((q: S.RnnParams) => S.sum(S.mul(ntk.apply(q, xs), ntk.apply(q, xs))), p);
  });

  it("embeddingModel under NTK: scores m^2 W W^T, gradient-checked", () => {
    const model = S.embeddingModel({ vocab: 4, dim: 3, parametrization: { kind: "ntk", sigmaW: 2 } });
    const p = model.init(Rng.seed(9));
    const m = 2 / Math.sqrt(4);
    const s = model.apply(p, null);
    const raw = S.mm(p.w, p.w, false, true);
    s.data.forEach((v, i) => expect(v).toBeCloseTo(m * m * raw.data[i], 13));
    const target = S.normal(Rng.seed(10), [4, 4]);
    gradCheck((q: S.EmbeddingParams) => S.sum(S.mul(S.sub(model.apply(q, null), target), S.sub(model.apply(q, null), target))), p);
  });

  it("transformer under spectral: lrScales mirror the parameter tree with fan_out/fan_in per matrix; under NTK the loss is gradient-checked", () => {
    const cfg = { vocab: 5, dModel: 4, heads: 2, layers: 1, seqLen: 3, mlpRatio: 2 };
    const spectral = S.transformer({ ...cfg, parametrization: "spectral" });
    const p = spectral.init(Rng.seed(12));
    const sc = spectral.lrScales(p);
    expect(S.treeToVector(sc).length).toBe(S.treeToVector(p).length);
    expect(sc.blocks[0].wqkv.data[0]).toBeCloseTo(3, 14); // (d, 3d)
    expect(sc.blocks[0].w2.data[0]).toBeCloseTo(1 / 2, 14); // (2d, d)
    expect(sc.unembed.data[0]).toBeCloseTo(5 / 4, 14); // (d, vocab)
    expect(sc.embed.data[0]).toBeCloseTo(4 / 5, 14); // (vocab, d)
    const batch = { tokens: Int32Array.from([0, 1, 2, 3, 4, 1]), batch: 2 };
    const targets = Int32Array.from([1, 2, 3, 4, 1, 0]);
    expect(Number.isFinite(spectral.loss(p, batch, targets).item())).toBe(true);
    const ntk = S.transformer({ ...cfg, parametrization: { kind: "ntk", sigmaW: 1.3, sigmaB: 0.7 } });
    const q = ntk.init(Rng.seed(13));
    gradCheck((r: S.TransformerParams) => ntk.loss(r, batch, targets), q, 1e-6);
  });
});
