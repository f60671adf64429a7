import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import type { Experiment } from "../../types.js";
import { upperBound } from "../../types.js";

const schema = z
  .object({
    width: z.number().int().positive().describe("hidden width of the Monte-Carlo networks"),
    depth: z.number().int().min(1).max(4).describe("hidden layers"),
    seeds: z.number().int().positive().describe("networks averaged"),
    points: z.number().int().min(2).describe("inputs"),
    inputDim: z.number().int().positive(),
    sigmaW: z.number().positive(),
    sigmaB: z.number().min(0),
  })
  .strict();

export type KernelMcConfig = z.infer<typeof schema>;

const ACTS = ["relu", "erf"] as const;

function inputs(cfg: KernelMcConfig): Tensor {
  return S.normal(S.Rng.seed("kernel-monte-carlo/inputs"), [cfg.points, cfg.inputDim]);
}

function analytic(cfg: KernelMcConfig, act: (typeof ACTS)[number]) {
  const K = S.kernels;
  const layers = [];
  for (let l = 0; l < cfg.depth; l++) layers.push(K.Dense(cfg.sigmaW, cfg.sigmaB), act === "relu" ? K.Relu() : K.Erf());
  layers.push(K.Dense(cfg.sigmaW, cfg.sigmaB));
  return K.kernelFn(K.serial(...layers), inputs(cfg));
}

function relFro(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Analytic infinite-width NNGP and NTK kernels (stax-style layer rules, NTK parametrization)
 * against Monte-Carlo estimates from finite networks: the empirical NNGP is the readout's
 * covariance E[f(x) f(x')] estimated per network from its last hidden layer
 * (sigma_w^2/N phi(h) phi(h)^T + sigma_b^2), the empirical NTK the Gram matrix of per-example
 * parameter gradients; both averaged over networks (the neural-tangents Monte-Carlo test, arXiv
 * 1912.02803, uses relative tolerance 0.041 at width 1024).
 */
export const kernelMonteCarlo: Experiment<KernelMcConfig> = {
  id: "kernel-monte-carlo",
  title: "Analytic NNGP/NTK kernels vs Monte-Carlo estimates from wide networks",
  paper: { arxiv: "1912.02803", title: "Neural Tangents: Fast and Easy Infinite Neural Networks in Python", authors: "Novak, Xiao, Hron, Lee, Alemi, Sohl-Dickstein, Schoenholz", year: 2020 },
  schema: schema as unknown as z.ZodType<KernelMcConfig>,
  presets: {
    quick: { width: 1024, depth: 2, seeds: 16, points: 8, inputDim: 6, sigmaW: 1.5, sigmaB: 0.1 },
    full: { width: 2048, depth: 3, seeds: 16, points: 16, inputDim: 10, sigmaW: 1.5, sigmaB: 0.1 },
  },
  async *run(cfg, ctx) {
    const x = inputs(cfg);
    const n = cfg.points;
    for (const [ai, act] of ACTS.entries()) {
      const nngp = new Float64Array(n * n);
      const ntk = new Float64Array(n * n);
      for (let s = 0; s < cfg.seeds; s++) {
        const widths = [cfg.inputDim, ...Array(cfg.depth).fill(cfg.width), 1];
        const model = S.mlp({ widths, activation: act, bias: cfg.sigmaB > 0, parametrization: "ntk", sigmaW: cfg.sigmaW, sigmaB: cfg.sigmaB });
        const p = model.init(ctx.rng.fork(`${act}/${s}`));
        // Last hidden layer features of this network.
        const hidden = model.apply({ layers: p.layers.slice(0, -1) }, x); // pre-activation of the last hidden layer
        const phi = act === "relu" ? S.relu(hidden) : S.erf(hidden);
        const g = S.mm(phi, phi, false, true).data;
        for (let i = 0; i < n * n; i++) nngp[i] += ((cfg.sigmaW ** 2 / cfg.width) * g[i] + cfg.sigmaB ** 2) / cfg.seeds;
        const k = S.empiricalNtk((q: S.MlpParams, xi: Tensor) => model.apply(q, xi), p, x).data;
        for (let i = 0; i < n * n; i++) ntk[i] += k[i] / cfg.seeds;
        if (ctx.signal?.aborted) return;
      }
      const th = analytic(cfg, act);
      yield { step: ai, t: cfg.width, probe: act, key: "nngpRelError", value: relFro(nngp, th.nngp) } satisfies Row;
      yield { step: ai, t: cfg.width, probe: act, key: "ntkRelError", value: relFro(ntk, th.ntk) };
      for (let i = 0; i < n; i++) yield { step: i, t: cfg.width, probe: `${act}-diag`, key: "ntkEmpirical", value: ntk[i * n + i] };
    }
  },
  theory(cfg) {
    const n = cfg.points;
    return ACTS.flatMap((act) => {
      const th = analytic(cfg, act);
      return Array.from({ length: n }, (_, i) => ({ step: i, t: cfg.width, probe: `${act}-diag`, key: "ntkEmpirical", value: th.ntk[i * n + i] }));
    });
  },
  claims: ACTS.flatMap((act) =>
    (["nngp", "ntk"] as const).map((kind) => ({
      id: `${act}-${kind}`,
      statement: `${act} network, ${kind.toUpperCase()}: the Monte-Carlo estimate matches the analytic kernel to relative Frobenius error <= 0.041`,
      check: (rows: readonly Row[]) => upperBound(0, rows.find((r) => r.probe === act && r.key === `${kind}RelError`)?.value ?? NaN, 0.041, "relative Frobenius error"),
    })),
  ),
  figure: { probe: "relu-diag", key: "ntkEmpirical", x: "step", xLabel: "input index", yLabel: "NTK diagonal K(x_i, x_i)" },
};
