import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import { PAPERS, defineExperiment, phases, tick, zClose, type Claim } from "../../kit/index.js";

const schema = z
  .object({
    width: z.number().int().min(8).max(4096).describe("hidden width N of the Monte-Carlo networks"),
    depth: z.number().int().min(1).max(4).describe("hidden layers"),
    seeds: z.number().int().min(4).max(64).describe("networks sampled per activation (the Monte-Carlo sample)"),
    points: z.number().int().min(2).max(32).describe("inputs x_i ~ N(0, I_d), drawn once per seed"),
    inputDim: z.number().int().min(1).max(64).describe("input dimension d"),
    sigmaW: z.number().positive().max(4).describe("weight standard deviation sigma_w (NTK parametrization: W ~ N(0, 1), scaled by sigma_w / sqrt(fan_in))"),
    sigmaB: z.number().min(0).max(2).describe("bias standard deviation sigma_b (0: no biases)"),
  })
  .strict();

export type KernelMcConfig = z.infer<typeof schema>;

const ACTS = ["relu", "erf"] as const;
type Act = (typeof ACTS)[number];
const KERNELS = ["nngp", "ntk"] as const;
type Kernel = (typeof KERNELS)[number];

/** The inputs (points, inputDim), drawn from the setup stream so the seed changes them. */
interface Setup {
  x: Tensor;
}

/** The analytic infinite-width kernels of the network (stax-style layer rules, NTK parametrization). */
function analytic(cfg: KernelMcConfig, act: Act, x: Tensor): { nngp: Float64Array; ntk: Float64Array } {
  const K = S.kernels;
  const layers = [];
  for (let l = 0; l < cfg.depth; l++) layers.push(K.Dense(cfg.sigmaW, cfg.sigmaB), act === "relu" ? K.Relu() : K.Erf());
  layers.push(K.Dense(cfg.sigmaW, cfg.sigmaB));
  return K.kernelFn(K.serial(...layers), x);
}

/** Upper-triangle entries (i <= j) of a points x points matrix, with their weight in the Frobenius norm (1 on the diagonal, 2 off it). */
function entries(points: number): { i: number; j: number; w: number }[] {
  const out: { i: number; j: number; w: number }[] = [];
  for (let i = 0; i < points; i++) for (let j = i; j < points; j++) out.push({ i, j, w: i === j ? 1 : 2 });
  return out;
}

/** |z| bound of the Frobenius z-tests (4 claims per run; see frobeniusClaim). */
const MAX_Z = 4;

/**
 * The Monte-Carlo test of an analytic kernel: the relative Frobenius error of the mean over
 * `seeds` networks, e = |mean_s K_s - K|_F / |K|_F, against its own Monte-Carlo standard error
 * se = sqrt(sum_ij s_ij^2 / seeds) / |K|_F (s_ij the sample std of entry ij over the networks),
 * which scales as 1 / sqrt(seeds * width). Without bias E[e^2] = se^2, and e / se is a norm of
 * correlated Gaussians normalised to unit mean square, whose tail above 4 is below that of
 * |N(0, 1)| (Szekely-Bakirov: a weighted chi-square with unit mean exceeds x <= P(chi^2_1 > x)
 * for x >= 1.54), so |z| <= 4 has a false-alarm rate <= 1e-4 with known se (a few 1e-3 with se
 * estimated from 16 networks). The finite-width bias of the mean, O(1/width), is kept below the
 * Monte-Carlo error by the domain (seeds <= width / 16; README).
 */
function frobeniusClaim(act: Act, kernel: Kernel): Claim<KernelMcConfig, Setup> {
  return {
    id: `${act}-${kernel}`,
    kind: "claim",
    statement: `${act} network, ${kernel.toUpperCase()}: the Monte-Carlo mean over the sampled networks matches the analytic kernel; its relative Frobenius error is within ${MAX_Z} of its own Monte-Carlo standard error (z = e / se_e)`,
    check: ({ cfg, sim, theory }) => {
      let err2 = 0;
      let se2 = 0;
      let norm2 = 0;
      let n = Infinity;
      for (const { i, j, w } of entries(cfg.points)) {
        const k = theory.one("analytic", kernel, { act, i, j });
        const xs = sim.values("network", kernel, { act, i, j });
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
        err2 += w * (mean - k) ** 2;
        se2 += (w * v) / xs.length;
        norm2 += w * k * k;
        n = Math.min(n, xs.length);
      }
      const e = Math.sqrt(err2 / norm2);
      const se = Math.sqrt(se2 / norm2);
      return zClose(0, e, se, n, MAX_Z, { units: "relative Frobenius error", note: `relative Frobenius error ${e.toPrecision(3)}, Monte-Carlo se ${se.toPrecision(3)}` });
    },
  };
}

/**
 * Analytic infinite-width NNGP and NTK kernels (stax-style layer rules, NTK parametrization)
 * against Monte-Carlo estimates from finite networks, the neural-tangents Monte-Carlo test (Novak
 * et al., arXiv 1912.02803): the empirical NNGP of a network is its readout covariance
 * sigma_w^2/N phi(h) phi(h)^T + sigma_b^2 from its last hidden layer h (N = width), the empirical
 * NTK the Gram matrix of per-example parameter gradients; both are sampled over `seeds` networks
 * and their mean is tested against the analytic kernel with the sample's own standard error.
 */
export const kernelMonteCarlo = defineExperiment({
  id: "kernel-monte-carlo",
  title: "Analytic NNGP/NTK kernels vs Monte-Carlo estimates from wide networks",
  family: "kernels",
  paper: PAPERS.neuralTangents,
  schema,
  presets: {
    quick: { width: 1024, depth: 2, seeds: 16, points: 8, inputDim: 6, sigmaW: 1.5, sigmaB: 0.1 },
    full: { width: 2048, depth: 3, points: 16, inputDim: 10 },
  },
  domain: {
    axes: {
      width: { range: [256, 2048], scale: "log", integer: true },
      depth: { choices: [1, 2, 3] },
      seeds: { range: [8, 32], integer: true },
      points: { range: [4, 10], integer: true },
      inputDim: { range: [2, 12], integer: true },
      sigmaW: { range: [0.8, 2] },
      sigmaB: { choices: [0, 0.1, 0.5] },
    },
    seeds: [0, 1000],
    where: (c) => c.seeds <= c.width / 16 && c.seeds * c.width * c.width * c.depth * c.points <= 3e8,
    note: "seeds <= width / 16: the mean of finite networks is biased by O(1/width) (the last hidden layer is not Gaussian at finite width for depth >= 2), while the Monte-Carlo se falls as 1/sqrt(seeds * width); the ratio bias/se ~ sqrt(seeds / width) stays small (README). The cost bound seeds * width^2 * depth * points <= 3e8 keeps one sample near 10 s",
  },
  setup: (cfg, { rng }) => ({ x: S.normal(rng.fork("inputs"), [cfg.points, cfg.inputDim]) }),
  async *run(cfg, ctx, setup) {
    const n = cfg.points;
    const x = setup.x;
    const widths = [cfg.inputDim, ...Array<number>(cfg.depth).fill(cfg.width), 1];
    yield* phases(
      ctx,
      ACTS.map((act) => [
        act,
        async function* (): AsyncGenerator<Row> {
          const model = S.mlp({ widths, activation: act, bias: cfg.sigmaB > 0, parametrization: "ntk", sigmaW: cfg.sigmaW, sigmaB: cfg.sigmaB });
          const diag = new Float64Array(n); // (points): Monte-Carlo mean of the NTK diagonal, for the figure
          for (let s = 0; s < cfg.seeds; s++) {
            if (await tick(ctx)) return;
            const p = model.init(ctx.rng.fork(`${act}/${s}`));
            // Empirical NNGP from the last hidden layer: sigma_w^2/N phi(h) phi(h)^T + sigma_b^2  (points, points)
            const hidden = model.apply({ layers: p.layers.slice(0, -1) }, x); // (points, N): pre-activations of the last hidden layer
            const phi = act === "relu" ? S.relu(hidden) : S.erf(hidden);
            const g = S.mm(phi, phi, false, true).data;
            const ntk = S.empiricalNtk((q: S.MlpParams, xi: Tensor) => model.apply(q, xi), p, x).data; // (points, points)
            for (const { i, j } of entries(n)) {
              const coords = { act, net: s, i, j };
              yield { step: s, t: cfg.width, probe: "network", key: "nngp", value: (cfg.sigmaW ** 2 / cfg.width) * g[i * n + j] + cfg.sigmaB ** 2, coords };
              yield { step: s, t: cfg.width, probe: "network", key: "ntk", value: ntk[i * n + j], coords };
            }
            for (let i = 0; i < n; i++) diag[i] += ntk[i * n + i] / cfg.seeds;
          }
          for (let i = 0; i < n; i++) yield { step: i, t: cfg.width, probe: "diag", key: "ntk", value: diag[i], coords: { act } };
        },
      ]),
    );
  },
  theory(cfg, _ctx, setup) {
    const n = cfg.points;
    return ACTS.flatMap((act) => {
      const th = analytic(cfg, act, setup.x);
      const rows: Row[] = [];
      for (const { i, j } of entries(n)) for (const kernel of KERNELS) rows.push({ step: 0, t: cfg.width, probe: "analytic", key: kernel, value: th[kernel][i * n + j], coords: { act, i, j } });
      for (let i = 0; i < n; i++) rows.push({ step: i, t: cfg.width, probe: "diag", key: "ntk", value: th.ntk[i * n + i], coords: { act } });
      return rows;
    });
  },
  claims: ACTS.flatMap((act) => KERNELS.map((kernel) => frobeniusClaim(act, kernel))),
  figure: {
    probe: "diag",
    key: "ntk",
    x: "step",
    xLabel: "input index i",
    yLabel: "NTK diagonal K(x_i, x_i): Monte-Carlo mean (solid), analytic (dashed)",
    series: ACTS.map((act) => ({ key: "ntk", coords: { act }, label: act })),
  },
});
