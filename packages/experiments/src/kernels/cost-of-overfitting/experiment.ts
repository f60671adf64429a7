import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { Experiment } from "../../types.js";
import { upperBound, verdict } from "../../types.js";
import { drawDesign, krrErrors } from "../../shared/gaussian-design.js";

const REGIMES = ["benign", "tempered", "catastrophic"] as const;
type Regime = (typeof REGIMES)[number];

const schema = z
  .object({
    features: z.number().int().min(10).describe("Gaussian design dimension M"),
    n: z.number().int().positive().describe("training samples"),
    noise: z.number().min(0).describe("label-noise variance"),
    beta: z.number().gt(1).describe("target power v_i^2 = i^-beta"),
    alpha: z.number().gt(1).describe("tempered regime: lambda_i = i^-alpha"),
    decay: z.number().positive().describe("catastrophic regime: lambda_i = exp(-i / decay)"),
    ridges: z.array(z.number().positive()).min(2).describe("ridge grid for the tuned risk"),
    trials: z.number().int().positive(),
    testPoints: z.number().int().positive(),
  })
  .strict();

export type CostConfig = z.infer<typeof schema>;

/** Spectra of the three regimes (Mallinar et al. 2022 taxonomy refined by arXiv 2306.13185). */
function spectrum(cfg: CostConfig, regime: Regime): Float64Array {
  return Float64Array.from({ length: cfg.features }, (_, j) => {
    const i = j + 1;
    if (regime === "benign") return 1 / ((i + 1) * Math.log(i + 1) ** 2); // slower than any power: E0 -> 1
    if (regime === "tempered") return i ** -cfg.alpha; // power law: E0 -> alpha
    return Math.exp(-i / cfg.decay); // exponential (RBF-like): E0 grows without bound
  });
}

const power = (cfg: CostConfig) => Float64Array.from({ length: cfg.features }, (_, j) => (j + 1) ** -cfg.beta);

/** Theory: C = E_te(0) / min over the ridge grid of E_te, and E0 at zero ridge. */
function theoryCost(cfg: CostConfig, regime: Regime): { cost: number; e0: number } {
  const p = { eigenvalues: spectrum(cfg, regime), targetPower: power(cfg), noise: cfg.noise };
  const r0 = S.eigenlearning.krrRisk(p, cfg.n, 0);
  const best = Math.min(r0.testMse, ...cfg.ridges.map((d) => S.eigenlearning.krrRisk(p, cfg.n, d).testMse));
  return { cost: r0.testMse / best, e0: r0.e0 };
}

/**
 * The cost of overfitting in noisy kernel ridge regression: the ridgeless test error divided by
 * the tuned one, C = E_te(0)/min_delta E_te(delta) (Zhou, Simon, Vardi & Srebro, arXiv 2306.13185),
 * predicted by the eigenframework and measured on the Gaussian design for a benign, a tempered
 * and a catastrophic spectrum. The agnostic bound C <= E0(delta = 0) is checked too.
 */
export const costOfOverfitting: Experiment<CostConfig> = {
  id: "cost-of-overfitting",
  title: "Cost of overfitting: benign, tempered and catastrophic ridgeless regression",
  paper: { arxiv: "2306.13185", title: "An Agnostic View on the Cost of Overfitting in (Kernel) Ridge Regression", authors: "Zhou, Simon, Vardi, Srebro", year: 2024 },
  schema: schema as unknown as z.ZodType<CostConfig>,
  presets: {
    quick: { features: 1000, n: 200, noise: 0.5, beta: 1.5, alpha: 1.5, decay: 60, ridges: [1e-3, 1e-2, 0.03, 0.1, 0.3, 1, 3, 10], trials: 12, testPoints: 300 },
    full: { features: 4000, n: 200, noise: 0.5, beta: 1.5, alpha: 1.5, decay: 60, ridges: [1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1, 3, 10, 30], trials: 30, testPoints: 1000 },
  },
  async *run(cfg, ctx) {
    for (const [ri, regime] of REGIMES.entries()) {
      const lam = spectrum(cfg, regime);
      const pw = power(cfg);
      const ridges = [0, ...cfg.ridges];
      const sums = ridges.map(() => 0);
      for (let t = 0; t < cfg.trials; t++) {
        const d = drawDesign(ctx.rng.fork(`${regime}/t${t}`), lam, pw, cfg.n, cfg.testPoints, cfg.noise);
        const e = krrErrors(S.mm(d.x, d.x, false, true), S.mm(d.xt, d.x, false, true), d.y, d.yt, ridges);
        e.test.forEach((v, i) => (sums[i] += v / cfg.trials));
        if (ctx.signal?.aborted) return;
      }
      yield { step: ri, t: 0, probe: regime, key: "ridgelessTestMse", value: sums[0] } satisfies Row;
      yield { step: ri, t: 0, probe: regime, key: "tunedTestMse", value: Math.min(...sums) };
      yield { step: ri, t: 0, probe: regime, key: "cost", value: sums[0] / Math.min(...sums) };
    }
  },
  theory(cfg) {
    return REGIMES.flatMap((regime, ri) => {
      const { cost, e0 } = theoryCost(cfg, regime);
      return [
        { step: ri, t: 0, probe: regime, key: "cost", value: cost },
        { step: ri, t: 0, probe: regime, key: "e0", value: e0 },
      ];
    });
  },
  claims: [
    ...REGIMES.map((regime) => ({
      id: `cost-${regime}`,
      statement: `The ${regime} regime's cost of overfitting (ridgeless / tuned test MSE) matches the eigenframework within 10%`,
      check: (rows: readonly Row[], cfg: CostConfig, theory: readonly Row[]) =>
        verdict(theory.find((r) => r.probe === regime && r.key === "cost")!.value, rows.find((r) => r.probe === regime && r.key === "cost")?.value ?? NaN, 0.1, "ratio"),
    })),
    {
      id: "regimes-ordered",
      statement: "The predicted costs order benign < tempered < catastrophic, and each respects the agnostic bound C <= E0(0) (largest C / E0 reported; must be <= 1)",
      check: (_rows, _cfg, theory) => {
        const c = REGIMES.map((r) => theory.find((x) => x.probe === r && x.key === "cost")!.value);
        const e0 = REGIMES.map((r) => theory.find((x) => x.probe === r && x.key === "e0")!.value);
        const ratio = Math.max(...c.map((v, i) => v / e0[i]));
        const ordered = c[0] < c[1] && c[1] < c[2];
        return upperBound(1, ordered ? ratio : Infinity, 1 + 1e-12, "C / E0");
      },
    },
  ],
  figure: { probe: "tempered", key: "cost", x: "step", xLabel: "regime (0 benign, 1 tempered, 2 catastrophic)", yLabel: "cost of overfitting C" },
};
