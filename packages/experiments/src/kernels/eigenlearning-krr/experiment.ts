import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { Experiment } from "../../types.js";
import { verdict } from "../../types.js";

const schema = z
  .object({
    features: z.number().int().min(10).describe("Gaussian design dimension M (number of kernel eigenmodes)"),
    alpha: z.number().gt(0).describe("eigenvalue decay lambda_i = i^-alpha"),
    beta: z.number().gt(0).describe("target power v_i^2 = i^-beta"),
    noises: z.array(z.number().min(0)).min(1).describe("label-noise variances sigma^2"),
    ns: z.array(z.number().int().positive()).min(1).describe("training-set sizes"),
    ridges: z.array(z.number().min(0)).min(1).describe("ridges delta added to the un-normalised Gram matrix"),
    trials: z.number().int().positive().describe("independent draws averaged per (n, ridge)"),
    testPoints: z.number().int().positive().describe("test points per trial"),
  })
  .strict();

export type EigenlearningConfig = z.infer<typeof schema>;

function problem(cfg: EigenlearningConfig) {
  const lam = Float64Array.from({ length: cfg.features }, (_, i) => (i + 1) ** -cfg.alpha);
  const power = Float64Array.from({ length: cfg.features }, (_, i) => (i + 1) ** -cfg.beta);
  return { lam, power };
}

/**
 * Kernel ridge regression with the linear kernel K(x, x') = x^T Lambda x' on Gaussian inputs
 * x ~ N(0, I_M): the kernel's eigenvalues are exactly lambda_i and its eigenfunctions the
 * coordinates x_i, so the target f(x) = sum_i v_i x_i has known coefficients. The eigenlearning
 * estimate of test and train MSE is compared with the mean over trials of empirical KRR.
 */
export const eigenlearningKrr: Experiment<EigenlearningConfig> = {
  id: "eigenlearning-krr",
  title: "Eigenlearning: predicted vs empirical kernel ridge regression risk",
  paper: { arxiv: "2110.03922", title: "The Eigenlearning Framework: A Conservation Law Perspective on Kernel Regression and Wide Neural Networks", authors: "Simon, Dickens, Karkada, DeWeese", year: 2023 },
  schema: schema as unknown as z.ZodType<EigenlearningConfig>,
  presets: {
    quick: { features: 800, alpha: 1.5, beta: 1.5, noises: [0, 0.5], ns: [100, 300], ridges: [0, 1], trials: 20, testPoints: 400 },
    full: { features: 3000, alpha: 1.5, beta: 1.5, noises: [0, 0.5], ns: [50, 100, 200, 500, 1000, 2000], ridges: [0, 0.01, 1], trials: 20, testPoints: 2000 },
  },
  async *run(cfg, ctx) {
    const { lam, power } = problem(cfg);
    const M = cfg.features;
    const sqrtLam = S.tensor(Array.from(lam, Math.sqrt));
    for (const noise of cfg.noises) for (const n of cfg.ns) {
      for (const ridge of cfg.ridges) {
        let te = 0;
        let tr = 0;
        for (let trial = 0; trial < cfg.trials; trial++) {
          const rng = ctx.rng.fork(`n${n}/r${ridge}/s${noise}/t${trial}`);
          const v = S.tensor(Array.from(power, (p) => Math.sqrt(p) * (rng.nextFloat() < 0.5 ? -1 : 1))); // (M)
          const x = S.mul(S.normal(rng, [n, M]), sqrtLam); // (n, M): features Lambda^1/2 x, so K = x x^T
          const xt = S.mul(S.normal(rng, [cfg.testPoints, M]), sqrtLam);
          const f = (z: S.Tensor) => S.matmul(z, S.div(v, sqrtLam)); // f(x) = sum_i v_i x_i in original coordinates
          const y = S.add(f(x), S.normal(rng, [n], { std: Math.sqrt(noise) }));
          const yt = S.add(f(xt), S.normal(rng, [cfg.testPoints], { std: Math.sqrt(noise) }));
          const k = S.mm(x, x, false, true); // (n, n)
          const a = S.linalg.solve(S.add(k, S.mul(S.eye(n), ridge)), y); // (n)
          const predTest = S.matmul(S.mm(xt, x, false, true), a);
          const predTrain = S.matmul(k, a);
          te += S.mean(S.square(S.sub(predTest, yt))).item() / cfg.trials;
          tr += S.mean(S.square(S.sub(predTrain, y))).item() / cfg.trials;
          if (ctx.signal?.aborted) return;
        }
        yield { step: n, t: ridge, probe: `noise=${noise}/ridge=${ridge}`, key: "testMse", value: te } satisfies Row;
        yield { step: n, t: ridge, probe: `noise=${noise}/ridge=${ridge}`, key: "trainMse", value: tr } satisfies Row;
      }
    }
  },
  theory(cfg) {
    const { lam, power } = problem(cfg);
    const rows: Row[] = [];
    for (const noise of cfg.noises) for (const ridge of cfg.ridges) {
      const grid = cfg.ns.length > 1 ? S.logTimes(Math.min(...cfg.ns), Math.max(...cfg.ns), 40) : cfg.ns;
      for (const n of new Set([...grid.map(Math.round), ...cfg.ns])) {
        const r = S.eigenlearning.krrRisk({ eigenvalues: lam, targetPower: power, noise }, n, ridge);
        rows.push({ step: n, t: ridge, probe: `noise=${noise}/ridge=${ridge}`, key: "testMse", value: r.testMse });
        rows.push({ step: n, t: ridge, probe: `noise=${noise}/ridge=${ridge}`, key: "trainMse", value: r.trainMse });
      }
    }
    return rows.sort((p, q) => p.step - q.step);
  },
  claims: [
    {
      id: "test-mse",
      statement: "Predicted KRR test MSE is within 5% of the mean empirical test MSE, for every n, ridge and noise level of the preset (worst case reported)",
      check: (rows, cfg, theory) => worst(rows, theory, cfg, "testMse"),
    },
    {
      id: "train-mse",
      statement: "Predicted KRR train MSE (delta/(n kappa))^2 E_te is within 5% of the mean empirical train MSE for every n and noise level at the largest positive ridge",
      check: (rows, cfg, theory) => worst(rows, theory, { ...cfg, ridges: [Math.max(...cfg.ridges)] }, "trainMse"),
    },
  ],
  figure: { probe: "noise=0.5/ridge=0", key: "testMse", x: "step", logx: true, logy: true, xLabel: "training samples n", yLabel: "test MSE (noisy labels)" },
};

function worst(rows: readonly Row[], theory: readonly Row[], cfg: EigenlearningConfig, key: string) {
  let best = verdict(NaN, NaN, 0.05);
  let worstErr = -1;
  for (const noise of cfg.noises) for (const n of cfg.ns) for (const ridge of cfg.ridges) {
    if (key === "trainMse" && ridge === 0) continue;
    const probe = `noise=${noise}/ridge=${ridge}`;
    const m = rows.find((r) => r.step === n && r.probe === probe && r.key === key);
    const t = theory.find((r) => r.step === n && r.probe === probe && r.key === key);
    if (!m || !t) return verdict(NaN, NaN, 0.05);
    const v = verdict(t.value, m.value, 0.05, "MSE");
    if (v.relError > worstErr) {
      worstErr = v.relError;
      best = v;
    }
  }
  return best;
}
