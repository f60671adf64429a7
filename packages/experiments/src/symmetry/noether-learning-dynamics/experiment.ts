import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { ClaimResult, Experiment } from "../../types.js";
import { lowerBound, upperBound, verdict } from "../../types.js";
import { gaussianMixture } from "../neural-mechanics/model.js";
import { simulateScaleInvariant, type NoetherOptimizer, type ScaleInvariantSummary } from "./scale-invariant-run.js";
import { runSombrero, type SombreroOptimizer } from "./sombrero.js";

/** Symmetry theory from core (packages/core/src/theory/symmetry). */
const { equilibriumNormFourth } = S.symmetry;

const schema = z
  .object({
    inputDim: z.number().int().positive().describe("input dimension d"),
    classes: z.number().int().min(2).describe("classes C (theta is d x C)"),
    samples: z.number().int().positive().describe("training points of the Gaussian mixture"),
    spread: z.number().positive().describe("std of the class means (unit noise around them)"),
    logitScale: z.number().positive().describe("fixed logit scale s in logits = s X theta/|theta|"),
    initStd: z.number().positive().describe("std of the entries of theta_0"),
    lr: z.number().positive().describe("GD learning rate eta (full batch, no weight decay)"),
    steps: z.number().int().positive().describe("GD steps at lr (the lr/2 run takes twice as many: same time t)"),
    wdLr: z.number().positive().describe("learning rate of the SGD + weight decay run"),
    wd: z.number().positive().describe("coupled weight decay lambda of the SGD run"),
    wdSteps: z.number().int().positive().describe("steps of the SGD + weight decay run (equilibrium: the second half)"),
    batch: z.number().int().positive().describe("minibatch of the SGD + weight decay run"),
    adaptiveLr: z.number().positive().describe("learning rate of the Adam and RMSProp runs (full batch, no wd)"),
    adaptiveSteps: z.number().int().positive().describe("steps of the Adam and RMSProp runs"),
    sombreroLr: z.number().positive().describe("learning rate on the sombrero (GD, heavy ball beta = 0.9, Adam)"),
    sombreroSteps: z.number().int().positive().describe("steps on the sombrero"),
    sombreroNoise: z.number().nonnegative().describe("std of z in f = (x^2 + y^2 - 1 + z)^2"),
    every: z.number().int().positive().describe("log rows every this many steps"),
  })
  .strict();

export type NoetherConfig = z.infer<typeof schema>;

const RUNS = ["gd", "gd-half-lr", "sgd-wd", "adam", "rmsprop"] as const;
type RunName = (typeof RUNS)[number];
const SOMBRERO: readonly SombreroOptimizer[] = ["gd", "momentum", "adam"];

const summary = (rows: readonly Row[], key: string): number => rows.find((r) => r.probe === "summary" && r.key === key)?.value ?? NaN;
/** Relative error of the AdaGrad-like |theta|^4 law in a run. */
const adagradError = (rows: readonly Row[], run: RunName): number => {
  const measured = summary(rows, `${run}.normFourthChange`);
  return Math.abs(measured - summary(rows, `${run}.adagradChange`)) / Math.abs(measured);
};

/**
 * Noether's learning dynamics (Tanaka & Kunin, arXiv 2105.02716): a scale-invariant (weight-normalised)
 * classifier under GD obeys an exact norm recursion, its |theta|^4 grows by the AdaGrad-like law and,
 * with weight decay, settles at an equilibrium (implicit RMSProp) that sets the effective learning
 * rate eta / |theta|^2; adaptive optimizers break the law (kinetic symmetry breaking), as they break
 * the angular momentum of the rotation-symmetric sombrero that GD and heavy ball conserve.
 */
export const noetherLearningDynamics: Experiment<NoetherConfig> = {
  id: "noether-learning-dynamics",
  title: "Noether's learning dynamics: scale symmetry, effective learning rate and kinetic symmetry breaking",
  paper: { arxiv: "2105.02716", title: "Noether's Learning Dynamics: Role of Symmetry Breaking in Neural Networks", authors: "Tanaka, Kunin", year: 2021 },
  schema: schema as unknown as z.ZodType<NoetherConfig>,
  presets: {
    quick: { inputDim: 10, classes: 3, samples: 200, spread: 0.5, logitScale: 2, initStd: 1, lr: 0.5, steps: 400, wdLr: 0.5, wd: 0.002, wdSteps: 3000, batch: 32, adaptiveLr: 0.01, adaptiveSteps: 400, sombreroLr: 0.02, sombreroSteps: 500, sombreroNoise: 0.1, every: 5 },
    full: { inputDim: 20, classes: 5, samples: 1000, spread: 0.5, logitScale: 2, initStd: 1, lr: 0.5, steps: 2000, wdLr: 0.5, wd: 0.002, wdSteps: 10000, batch: 32, adaptiveLr: 0.01, adaptiveSteps: 2000, sombreroLr: 0.02, sombreroSteps: 5000, sombreroNoise: 0.1, every: 10 },
  },
  async *run(cfg, ctx) {
    const data = gaussianMixture(ctx.rng.fork("data"), cfg.samples, cfg.inputDim, cfg.classes, cfg.spread);
    const theta = S.normal(ctx.rng.fork("init"), [cfg.inputDim, cfg.classes], { std: cfg.initStd });
    const specs: Record<RunName, { optimizer: NoetherOptimizer; lr: number; wd: number; steps: number; batch: number }> = {
      gd: { optimizer: "gd", lr: cfg.lr, wd: 0, steps: cfg.steps, batch: cfg.samples },
      "gd-half-lr": { optimizer: "gd", lr: cfg.lr / 2, wd: 0, steps: 2 * cfg.steps, batch: cfg.samples },
      "sgd-wd": { optimizer: "gd", lr: cfg.wdLr, wd: cfg.wd, steps: cfg.wdSteps, batch: cfg.batch },
      adam: { optimizer: "adam", lr: cfg.adaptiveLr, wd: 0, steps: cfg.adaptiveSteps, batch: cfg.samples },
      rmsprop: { optimizer: "rmsprop", lr: cfg.adaptiveLr, wd: 0, steps: cfg.adaptiveSteps, batch: cfg.samples },
    };
    for (const run of RUNS) {
      if (ctx.signal?.aborted) return;
      const sp = specs[run];
      const s: ScaleInvariantSummary = simulateScaleInvariant({ probe: run, theta, ...data, logitScale: cfg.logitScale, ...sp, every: cfg.every, rng: ctx.rng.fork(`batches-${run}`) });
      yield* s.rows;
      const at = { step: sp.steps, t: sp.lr * sp.steps, probe: "summary" };
      for (const key of ["recursionMax", "normFourthChange", "adagradChange", "chargeViolation", "effLrMaxErr", "windowMeanNormFourth", "windowMeanGhatSq"] as const) {
        yield { ...at, key: `${run}.${key}`, value: s[key] };
      }
    }
    for (const opt of SOMBRERO) {
      const r = runSombrero(opt, { lr: cfg.sombreroLr, steps: cfg.sombreroSteps, noise: cfg.sombreroNoise, x0: 0.3, y0: 1.2 }, ctx.rng.fork(`sombrero-${opt}`));
      const at = { step: cfg.sombreroSteps, t: cfg.sombreroLr * cfg.sombreroSteps, probe: "summary" };
      yield { ...at, key: `sombrero.${opt}.maxRelAngularMomentum`, value: r.maxRelAngularMomentum };
      yield { ...at, key: `sombrero.${opt}.maxAngularMomentum`, value: r.maxAngularMomentum };
    }
  },
  theory: () => [], // the predictions need the run's measured gradients: rows `effLr.predicted` come from run
  claims: [
    {
      id: "gd-norm-recursion",
      statement: "Under GD / SGD (with and without weight decay) |theta_{k+1}|^2 = (1 - eta lambda)^2 |theta_k|^2 + eta^2 |g_k|^2 at every step: max relative error <= 1e-12 (float64)",
      check: (rows) => upperBound(0, Math.max(...(["gd", "gd-half-lr", "sgd-wd"] as const).map((r) => summary(rows, `${r}.recursionMax`))), 1e-12, "relative error per step"),
    },
    {
      id: "adagrad-law",
      statement: "Without weight decay |theta_K|^4 - |theta_0|^4 = 2 eta^2 sum_k |ghat_k|^2 up to the dropped eta^4 sum |ghat|^4 / |theta|^4 term: relative error <= 1% at the preset eta",
      check: (rows) => upperBound(0, adagradError(rows, "gd"), 0.01, "relative error"),
    },
    {
      id: "adagrad-law-shrinks-with-eta",
      statement: "The AdaGrad-law error shrinks with eta (the reference says O(eta)); derived: it is eta^2 <|ghat|^4/|theta|^4> / (2 <|ghat|^2>), so halving eta at the same time t divides it by 4 while |theta| barely moves: ratio 4 within 25% (|theta|^2 and ghat differ between the two trajectories)",
      check: (rows) => verdict(4, adagradError(rows, "gd") / adagradError(rows, "gd-half-lr"), 0.25, "error ratio eta vs eta/2"),
    },
    {
      id: "wd-equilibrium",
      statement: "With SGD + weight decay |theta|^4 settles at eta <|ghat|^2> / (lambda (2 - eta lambda)) (~ eta <|ghat|^2>/(2 lambda)): second-half means agree within 5% (minibatch fluctuations of |theta|^2 and of |ghat|^2 around their means)",
      check: (rows, cfg) => verdict(equilibriumNormFourth(cfg.wdLr, cfg.wd, summary(rows, "sgd-wd.windowMeanGhatSq")), summary(rows, "sgd-wd.windowMeanNormFourth"), 0.05, "|theta|^4"),
    },
    {
      id: "effective-lr-implicit-rmsprop",
      statement: "The effective learning rate eta/|theta|^2 follows the implicit-RMSProp law |theta|^4_{k+1} = (1 - eta lambda)^4 |theta|^4_k + 2 (1 - eta lambda)^2 eta^2 |ghat_k|^2 (with and without weight decay): max relative error over the run <= 1%",
      check: (rows) => upperBound(0, Math.max(summary(rows, "gd.effLrMaxErr"), summary(rows, "sgd-wd.effLrMaxErr")), 0.01, "relative error"),
    },
    {
      id: "ksb-gd-keeps-charge",
      statement: "GD keeps the charge law: |theta_K|^2 - |theta_0|^2 = sum_k |update_k|^2 (no <theta, update> term) within 1e-10 relative",
      check: (rows) => upperBound(0, summary(rows, "gd.chargeViolation"), 1e-10, "relative violation"),
    },
    ...(["adam", "rmsprop"] as const).map((opt) => ({
      id: `ksb-${opt}-breaks-charge`,
      statement: `Kinetic symmetry breaking: under ${opt === "adam" ? "Adam" : "RMSProp"} the same law is violated by at least 1% (its diagonal preconditioner makes <theta, update> != 0); measured value reported`,
      check: (rows: readonly Row[]) => lowerBound(0.01, summary(rows, `${opt}.chargeViolation`), 0.01, "relative violation"),
    })),
    {
      id: "sombrero-gd-momentum-angular-momentum",
      statement: "Sombrero f = (x^2 + y^2 - 1 + z)^2: GD and heavy ball keep the angular momentum x v_y - y v_x at round-off: max |L| / (|theta| |v|) <= 1e-12",
      check: (rows) => upperBound(0, Math.max(summary(rows, "sombrero.gd.maxRelAngularMomentum"), summary(rows, "sombrero.momentum.maxRelAngularMomentum")), 1e-12, "sin(angle(theta, v))"),
    },
    {
      id: "sombrero-adam-breaks-angular-momentum",
      statement: "Sombrero: Adam does not conserve angular momentum: max |L| / (|theta| |v|) >= 1e-2 (measured value reported)",
      check: (rows) => lowerBound(1e-2, summary(rows, "sombrero.adam.maxRelAngularMomentum"), 1e-2, "sin(angle(theta, v))"),
    },
  ],
  figure: {
    probe: "sgd-wd",
    key: "effLr",
    x: "t",
    logy: true,
    xLabel: "time t = lr step",
    yLabel: "effective learning rate eta/|theta|^2",
    series: [
      { key: "effLr", label: "measured" },
      { key: "effLr.predicted", label: "implicit RMSProp prediction", dashed: true },
    ],
  },
};
