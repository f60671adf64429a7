import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import type { Experiment } from "../../types.js";

const schema = z
  .object({
    train: z.number().int().positive(),
    test: z.number().int().positive(),
    robustDims: z.number().int().positive().describe("large-margin, noisy coordinates (robust features)"),
    robustSignal: z.number().positive().describe("robust coordinates: signal * y + N(0, 1)"),
    nonRobustDims: z.number().int().positive().describe("small-amplitude, predictive coordinates (non-robust features)"),
    nonRobustSignal: z.number().positive().describe("non-robust coordinates: signal * y + N(0, noise^2)"),
    nonRobustNoise: z.number().positive(),
    noiseDims: z.number().int().min(0).describe("pure-noise coordinates"),
    eps: z.number().positive().describe("L_inf attack radius (above the non-robust amplitude)"),
    features: z.number().int().positive().describe("eigen-features evaluated (from the top)"),
    width: z.number().int().positive().describe("width of the lazy network for the transfer test"),
    steps: z.number().int().positive().describe("GD steps of the lazy network"),
  })
  .strict();

export type NtkAdvConfig = z.infer<typeof schema>;

const SIGMA_W = Math.SQRT2;
const SIGMA_B = 0.1;

function dataset(cfg: NtkAdvConfig, rng: S.Rng, n: number) {
  const d = cfg.robustDims + cfg.nonRobustDims + cfg.noiseDims;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.nextFloat() < 0.5 ? -1 : 1;
    for (let c = 0; c < d; c++) {
      const v = c < cfg.robustDims ? cfg.robustSignal * y[i] + rng.nextNormal() : c < cfg.robustDims + cfg.nonRobustDims ? cfg.nonRobustSignal * y[i] + cfg.nonRobustNoise * rng.nextNormal() : rng.nextNormal();
      x[i * d + c] = v;
    }
  }
  return { x, y, d };
}

/**
 * What the NTK says about adversarial robustness (Tsilivis & Kempe, arXiv 2210.05577), on a
 * synthetic binary task with planted robust coordinates (large margin, noisy) and non-robust ones
 * (amplitude below the attack radius, nearly noiseless): the infinite-width one-hidden-layer ReLU
 * NTK predictor, its eigen-features, FGSM attacks on each, and the transfer of the kernel's
 * attacks to a wide network trained in the lazy regime.
 */
export const ntkAdversarial: Experiment<NtkAdvConfig> = {
  id: "ntk-adversarial",
  title: "NTK eigen-features and adversarial robustness, with transfer to a lazy network",
  paper: { arxiv: "2210.05577", title: "What Can the Neural Tangent Kernel Tell Us About Adversarial Robustness?", authors: "Tsilivis, Kempe", year: 2022 },
  schema: schema as unknown as z.ZodType<NtkAdvConfig>,
  presets: {
    quick: { train: 200, test: 200, robustDims: 2, robustSignal: 2, nonRobustDims: 10, nonRobustSignal: 0.1, nonRobustNoise: 0.05, noiseDims: 8, eps: 0.25, features: 30, width: 1024, steps: 1500 },
    full: { train: 600, test: 400, robustDims: 3, robustSignal: 2, nonRobustDims: 20, nonRobustSignal: 0.1, nonRobustNoise: 0.05, noiseDims: 40, eps: 0.25, features: 60, width: 4096, steps: 4000 },
  },
  async *run(cfg, ctx) {
    const K = S.kernels;
    const ntkLayer = K.serial(K.Dense(SIGMA_W, SIGMA_B), K.Relu(), K.Dense(SIGMA_W, SIGMA_B));
    const tr = dataset(cfg, ctx.rng.fork("train"), cfg.train);
    const te = dataset(cfg, ctx.rng.fork("test"), cfg.test);
    const d = tr.d;
    const n = cfg.train;
    const X = { data: tr.x, shape: [n, d] };
    const gram = K.kernelFn(ntkLayer, X).ntk; // (n, n)
    const rows: KernelRowsFn = (x, nx) => K.kernelFn(ntkLayer, { data: x, shape: [nx, d] }, X).ntk;
    const A = S.adversarial;
    // Kernel predictor and its eigen-features.
    const { values, vectors } = S.linalg.eigh(new S.Tensor(Float64Array.from(gram), [n, n]));
    const lam = Array.from({ length: n }, (_, j) => values.data[n - 1 - j]); // descending
    const vec = (j: number) => Float64Array.from({ length: n }, (_, i) => vectors.data[i * n + (n - 1 - j)]);
    const alpha = S.linalg.solve(new S.Tensor(Float64Array.from(gram), [n, n]), new S.Tensor(Float64Array.from(tr.y), [n])).data as Float64Array;
    const kTest = rows(te.x, cfg.test);
    const predict = (krow: Float64Array, beta: Float64Array, nx: number) => Float64Array.from({ length: nx }, (_, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += krow[j * n + i] * beta[i];
      return s;
    });
    const grads = A.kernelRowGradients(rows, te.x, cfg.test, d);
    const advFull = A.fgsm(te.x, A.predictorInputGradient(grads, alpha, cfg.test), te.y, cfg.eps, d);
    const clean = A.accuracy(predict(kTest, alpha, cfg.test), te.y);
    const robust = A.accuracy(predict(rows(advFull, cfg.test), alpha, cfg.test), te.y);
    yield { step: 0, t: cfg.eps, probe: "kernel", key: "cleanAccuracy", value: clean } satisfies Row;
    yield { step: 0, t: cfg.eps, probe: "kernel", key: "robustAccuracy", value: robust };
    for (let j = 0; j < cfg.features; j++) {
      const v = vec(j);
      let vy = 0;
      for (let i = 0; i < n; i++) vy += v[i] * tr.y[i];
      const beta = v.map((x) => (x * vy) / lam[j]);
      const adv = A.fgsm(te.x, A.predictorInputGradient(grads, beta, cfg.test), te.y, cfg.eps, d);
      yield { step: j, t: lam[j], probe: "feature", key: "cleanAccuracy", value: A.accuracy(predict(kTest, beta, cfg.test), te.y) };
      yield { step: j, t: lam[j], probe: "feature", key: "robustAccuracy", value: A.accuracy(predict(rows(adv, cfg.test), beta, cfg.test), te.y) };
      if (ctx.signal?.aborted) return;
    }
    // Transfer: a wide two-layer ReLU network in the NTK parametrization trained by full-batch GD
    // with a small learning rate (lazy regime), attacked with the kernel's adversarial examples.
    const model = S.mlp({ widths: [d, cfg.width, 1], activation: "relu", bias: true, parametrization: "ntk", sigmaW: SIGMA_W, sigmaB: SIGMA_B });
    let p = model.init(ctx.rng.fork("net"));
    const xt = new S.Tensor(tr.x, [n, d]);
    const yt = new S.Tensor(Float64Array.from(tr.y), [n, 1]);
    const f0 = model.apply(p, xt);
    // Centre the network's function at init (f - f_0) as the kernel predictor starts from 0.
    const p0 = p;
    const centred = (q: S.MlpParams, x: Tensor) => S.sub(model.apply(q, x), model.apply(p0, x));
    const lr = (0.5 * 2 * n) / lam[0]; // half the stability limit of GD on the half-mean MSE
    const vg = S.valueAndGrad((q: S.MlpParams) => S.mse(centred(q, xt), yt));
    for (let s = 0; s < cfg.steps; s++) {
      const [, g] = vg(p);
      p = S.treeMap((w: Tensor, gi: Tensor) => S.sub(w, S.mul(gi, lr)), p, g);
      if (ctx.signal?.aborted) return;
    }
    void f0;
    const netOut = (x: Float64Array, nx: number) => centred(p, new S.Tensor(x, [nx, d])).data;
    const netClean = A.accuracy(netOut(te.x, cfg.test), te.y);
    const netOnAdv = A.accuracy(netOut(advFull, cfg.test), te.y);
    // Transfer rate: of the test points the kernel classifies correctly but its attack flips,
    // the fraction the same adversarial input also flips for the network.
    const kc = predict(kTest, alpha, cfg.test);
    const ka = predict(rows(advFull, cfg.test), alpha, cfg.test);
    const nc = netOut(te.x, cfg.test);
    const na = netOut(advFull, cfg.test);
    let fooled = 0;
    let transferred = 0;
    for (let j = 0; j < cfg.test; j++) {
      const ok = (v: number) => (v >= 0 ? 1 : -1) === te.y[j];
      if (ok(kc[j]) && !ok(ka[j]) && ok(nc[j])) {
        fooled++;
        if (!ok(na[j])) transferred++;
      }
    }
    yield { step: 0, t: cfg.width, probe: "network", key: "cleanAccuracy", value: netClean };
    yield { step: 0, t: cfg.width, probe: "network", key: "robustAccuracyOnKernelAttacks", value: netOnAdv };
    yield { step: 0, t: cfg.width, probe: "network", key: "transferRate", value: fooled ? transferred / fooled : NaN };
  },
  theory: () => [],
  claims: [
    {
      id: "kernel-not-robust",
      statement: "The NTK predictor is accurate on clean data (>= 0.9) but an FGSM attack above the non-robust amplitude drops its accuracy by at least 0.3 (clean - robust reported)",
      check: (rows) => {
        const c = rows.find((r) => r.probe === "kernel" && r.key === "cleanAccuracy")!.value;
        const r = rows.find((x) => x.probe === "kernel" && x.key === "robustAccuracy")!.value;
        return { theory: 0.3, measured: c - r, tolerance: 0.3, relError: Math.abs(c - r - 0.3), pass: c >= 0.9 && c - r >= 0.3, absolute: true, units: "accuracy drop" };
      },
    },
    {
      id: "robustness-falls-with-index",
      statement: "Robust accuracy of eigen-feature f_i falls with its index i: Spearman correlation over the top features <= -0.5",
      check: (rows) => {
        const r = rows.filter((x) => x.probe === "feature" && x.key === "robustAccuracy").sort((a, b) => a.step - b.step);
        const rho = S.adversarial.spearman(r.map((x) => x.step), r.map((x) => x.value));
        return { theory: -1, measured: rho, tolerance: -0.5, relError: Math.abs(rho + 1), pass: rho <= -0.5, absolute: true, units: "Spearman rho" };
      },
    },
    {
      id: "attacks-transfer",
      statement: "Attacks made on the NTK predictor transfer to a wide (width 1024) lazy network: of the points the attack flips for the kernel, at least half are flipped for the network (transfer rate reported)",
      check: (rows) => {
        const t = rows.find((x) => x.probe === "network" && x.key === "transferRate")?.value ?? NaN;
        return { theory: 1, measured: t, tolerance: 0.5, relError: Math.abs(1 - t), pass: t >= 0.5, absolute: true, units: "fraction" };
      },
    },
  ],
  figure: { probe: "feature", key: "robustAccuracy", x: "step", xLabel: "eigen-feature index i (0 = top)", yLabel: "FGSM robust accuracy of f_i" },
};

type KernelRowsFn = (x: Float64Array, nx: number) => Float64Array;
