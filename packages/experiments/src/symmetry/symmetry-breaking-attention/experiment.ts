import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { ClaimResult, Experiment } from "../../types.js";
import { lowerBound, upperBound } from "../../types.js";
import { bayesWindowLoss, markovCorpus, type MarkovCorpus } from "./char-corpus.js";
import { invarianceCheck } from "./invariance.js";
import { noetherRun } from "./noether-run.js";
import { runSombrero } from "./sombrero.js";
import { compareRun, meanSd, OPTIMIZERS } from "./compare-run.js";
import type { BiasSetup, ModelSetup } from "./training.js";

const schema = z
  .object({
    corpusSeed: z.number().int().nonnegative().describe("seed of the synthetic order-2 Markov character corpus (fixes the text and its entropies)"),
    vocab: z.number().int().min(2).max(64).describe("characters in the corpus alphabet"),
    branching: z.number().int().min(1).describe("possible next characters per two-character context"),
    trainChars: z.number().int().min(200).describe("length of the training text (characters)"),
    valChars: z.number().int().min(100).describe("length of the validation text (characters)"),
    dModel: z.number().int().positive().describe("transformer width d"),
    heads: z.number().int().positive().describe("attention heads (dModel / heads = d_head)"),
    layers: z.number().int().min(1).max(4).describe("transformer blocks"),
    seqLen: z.number().int().min(2).describe("context length T (characters per window)"),
    mlpRatio: z.number().int().positive().describe("MLP hidden width / d"),
    initStd: z.number().positive().describe("init std of the trained models' weights"),
    muQ: z.number().describe("mean of the per-batch query bias beta_Q (reference 0.5); its std is linspace(0.05, 0.15, d_head)"),
    muV: z.number().describe("mean of the per-batch value bias beta_V (reference 0 or 0.5); its std is 0.05"),
    invarianceInitStd: z.number().positive().describe("init std of the random model of the invariance check (O(1) attention scores)"),
    invarianceBatch: z.number().int().positive().describe("windows in the invariance check's batch"),
    noetherSteps: z.number().int().positive().describe("heavy-ball SGDM steps of the Noether-current runs"),
    noetherLr: z.number().positive().describe("heavy-ball SGDM learning rate of the Noether runs"),
    noetherMomentum: z.number().min(0).lt(1).describe("heavy-ball beta of the Noether runs (zero initial velocity)"),
    ecdNoetherSteps: z.number().int().nonnegative().describe("ECD (nu = 0) steps of the Noether runs (0 = skip)"),
    batch: z.number().int().positive().describe("windows per training batch (Noether and comparison runs)"),
    sombreroSteps: z.number().int().positive().describe("steps of the sombrero toy (reference 15000)"),
    sombreroNoise: z.number().nonnegative().describe("std of the sombrero's per-step shift z (reference 0.1)"),
    sombreroSgdmLr: z.number().positive().describe("sombrero SGDM learning rate (reference 1e-2)"),
    sombreroSgdmBeta: z.number().min(0).lt(1).describe("sombrero SGDM beta (reference 0.9)"),
    sombreroAdamLr: z.number().positive().describe("sombrero Adam learning rate (reference 1e-3)"),
    compareSteps: z.number().int().nonnegative().describe("training steps of each loss-comparison run (0 = skip the comparison)"),
    seeds: z.number().int().positive().max(10).describe("seeds per optimiser and variant in the comparison"),
    valWindows: z.number().int().positive().describe("validation windows (evenly spaced in the validation text)"),
    adamwLr: z.number().positive().describe("AdamW learning rate (b = (0.9, 0.95), wd 0.01)"),
    soapLr: z.number().positive().describe("SOAP learning rate (b = (0.95, 0.95), wd 0.01, precondition every 10)"),
    nesterovLr: z.number().positive().describe("SGD Nesterov learning rate"),
    nesterovMomentum: z.number().min(0).lt(1).describe("SGD Nesterov momentum"),
    initVelocityStd: z.number().nonnegative().describe("std of SGD Nesterov's Gaussian initial velocity (reference 0.1)"),
    ecdLr: z.number().positive().describe("ECD learning rate (dt = lr / sqrt(eta))"),
    ecdEta: z.number().positive().describe("ECD concentration eta (reference 100)"),
    ecdF0: z.number().describe("ECD energy floor F0, below every loss reached (nats)"),
  })
  .strict()
  .refine((c) => c.dModel % c.heads === 0, { message: "dModel must be divisible by heads", path: ["heads"] })
  .refine((c) => c.branching <= c.vocab, { message: "branching must be <= vocab", path: ["branching"] })
  .refine((c) => c.trainChars > 4 * c.seqLen && c.valChars > 2 * c.seqLen, { message: "the texts must hold several windows", path: ["seqLen"] });

export type SymmetryBreakingConfig = z.infer<typeof schema>;

/** The corpus of a config: a pure function of corpusSeed and the sizes. */
export function corpusOf(cfg: SymmetryBreakingConfig): MarkovCorpus {
  return markovCorpus(S.Rng.seed(`symmetry-breaking-attention/corpus/${cfg.corpusSeed}`), { vocab: cfg.vocab, branching: cfg.branching, trainLength: cfg.trainChars, valLength: cfg.valChars });
}

function modelOf(cfg: SymmetryBreakingConfig, initStd = cfg.initStd): ModelSetup {
  return { vocab: cfg.vocab, dModel: cfg.dModel, heads: cfg.heads, layers: cfg.layers, seqLen: cfg.seqLen, initStd, mlpRatio: cfg.mlpRatio };
}

const VARIANTS = {
  symmetric: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: false, value: false, muQ: cfg.muQ, muV: cfg.muV }),
  betaQ: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: true, value: false, muQ: cfg.muQ, muV: cfg.muV }),
  betaQV: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: true, value: true, muQ: cfg.muQ, muV: cfg.muV }),
};

const value = (rows: readonly Row[], probe: string, key: string): number => rows.find((r) => r.probe === probe && r.key === key)?.value ?? NaN;
const values = (rows: readonly Row[], probe: string, key: string): number[] => rows.filter((r) => r.probe === probe && r.key === key).map((r) => r.value);
const maxOf = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => (Number.isNaN(b) ? NaN : Math.max(a, b)), -Infinity));


/** |log10(measured) - log10(theory)| <= decades passes: an order-of-magnitude claim. */
function sameOrder(theory: number, measured: number, decades: number, units?: string): ClaimResult {
  const err = Math.abs(Math.log10(measured) - Math.log10(theory));
  return { theory, measured, tolerance: decades, relError: err, pass: Number.isFinite(err) && err <= decades, absolute: true, units: `${units ?? ""} (tolerance in decades)`.trim() };
}

/**
 * Symmetry breaking in attention (Silverstein, Kunin, Shyam, arXiv 2601.22257) at CPU size: the
 * Q-K rotation and V-O GL symmetries of softmax attention are exact, their Noether current stays
 * zero under heavy-ball SGDM from rest, unlearned per-batch biases beta_Q break both, the
 * sombrero toy shows Adam's kinetic symmetry breaking, and a tiny character transformer is
 * trained with four optimisers with and without the biases.
 */
export const symmetryBreakingAttention: Experiment<SymmetryBreakingConfig> = {
  id: "symmetry-breaking-attention",
  title: "Symmetry breaking in attention: exact invariances, Noether currents and per-batch query biases",
  paper: { arxiv: "2601.22257", title: "Symmetry Breaking in Transformers", authors: "Silverstein, Kunin, Shyam", year: 2026 },
  schema: schema as unknown as z.ZodType<SymmetryBreakingConfig>,
  presets: {
    quick: {
      corpusSeed: 0, vocab: 12, branching: 3, trainChars: 20000, valChars: 4000,
      dModel: 32, heads: 2, layers: 1, seqLen: 16, mlpRatio: 2, initStd: 0.02, muQ: 0.5, muV: 0,
      invarianceInitStd: 0.3, invarianceBatch: 4,
      noetherSteps: 30, noetherLr: 0.1, noetherMomentum: 0.9, ecdNoetherSteps: 10, batch: 4,
      sombreroSteps: 15000, sombreroNoise: 0.1, sombreroSgdmLr: 1e-2, sombreroSgdmBeta: 0.9, sombreroAdamLr: 1e-3,
      compareSteps: 25, seeds: 1, valWindows: 32,
      adamwLr: 1e-2, soapLr: 1e-2, nesterovLr: 0.1, nesterovMomentum: 0.9, initVelocityStd: 0.1, ecdLr: 1, ecdEta: 100, ecdF0: 0,
    },
    full: {
      corpusSeed: 0, vocab: 12, branching: 3, trainChars: 50000, valChars: 10000,
      dModel: 32, heads: 2, layers: 1, seqLen: 16, mlpRatio: 2, initStd: 0.02, muQ: 0.5, muV: 0,
      invarianceInitStd: 0.3, invarianceBatch: 8,
      noetherSteps: 300, noetherLr: 0.1, noetherMomentum: 0.9, ecdNoetherSteps: 100, batch: 8,
      sombreroSteps: 15000, sombreroNoise: 0.1, sombreroSgdmLr: 1e-2, sombreroSgdmBeta: 0.9, sombreroAdamLr: 1e-3,
      compareSteps: 300, seeds: 3, valWindows: 128,
      adamwLr: 1e-2, soapLr: 1e-2, nesterovLr: 0.1, nesterovMomentum: 0.9, initVelocityStd: 0.1, ecdLr: 1, ecdEta: 100, ecdF0: 0,
    },
  },
  async *run(cfg, ctx) {
    const corpus = corpusOf(cfg);
    yield { step: 0, t: 0, probe: "corpus", key: "unigramEntropy", value: corpus.unigramEntropy };
    yield { step: 0, t: 0, probe: "corpus", key: "entropyRate", value: corpus.entropyRate };
    yield { step: 0, t: 0, probe: "corpus", key: "bayesLoss", value: bayesWindowLoss(corpus, cfg.seqLen) };

    // 1. Exact invariance of the loss under the attention symmetries, and its breaking by the biases.
    const inv = invarianceCheck(corpus, modelOf(cfg, cfg.invarianceInitStd), { muQ: cfg.muQ, muV: cfg.muV }, cfg.invarianceBatch, ctx.rng.fork("invariance"));
    for (const [key, v] of Object.entries(inv)) yield { step: 0, t: 0, probe: "invariance", key, value: v };

    // 2. The Q-K Noether current under heavy-ball SGDM (zero initial velocity) and ECD (nu = 0):
    //    core's ECD (global p.g) and the paper code's ECD (per-tensor p.g: `S.ecd({ projection: "per-tensor" })`).
    const m = modelOf(cfg);
    const optimizers = [
      { name: "sgdm", steps: cfg.noetherSteps, opt: { kind: "sgdm" as const, lr: cfg.noetherLr, momentum: cfg.noetherMomentum } },
      { name: "ecd", steps: cfg.ecdNoetherSteps, opt: { kind: "ecd" as const, lr: cfg.ecdLr, eta: cfg.ecdEta, f0: cfg.ecdF0 } },
      { name: "ecdPerTensor", steps: cfg.ecdNoetherSteps, opt: { kind: "ecdPerTensor" as const, lr: cfg.ecdLr, eta: cfg.ecdEta, f0: cfg.ecdF0 } },
    ];
    for (const o of optimizers) {
      if (o.steps === 0) continue;
      for (const variant of ["symmetric", "betaQ"] as const) {
        if (ctx.signal?.aborted) return;
        const steps = noetherRun(corpus, { model: m, biases: VARIANTS[variant](cfg), batch: cfg.batch, steps: o.steps, optimizer: o.opt }, {
          init: ctx.rng.fork("noether/init"),
          data: ctx.rng.fork("noether/data"),
          bias: ctx.rng.fork("noether/bias"),
        });
        const probe = `noether/${o.name}/${variant}`;
        const t = (s: number) => (o.opt.kind === "sgdm" ? S.flowTime(s, o.opt.lr, o.opt.momentum) : s);
        for (const r of steps) {
          yield { step: r.step, t: t(r.step), probe, key: "relativeCurrent", value: r.relativeCurrent };
          yield { step: r.step, t: t(r.step), probe, key: "loss", value: r.loss };
          if (!Number.isNaN(r.identityResidual)) yield { step: r.step, t: t(r.step), probe, key: "identityResidual", value: r.identityResidual };
          if (!Number.isNaN(r.sourceRelativeError)) yield { step: r.step, t: t(r.step), probe, key: "sourceRelativeError", value: r.sourceRelativeError };
        }
      }
    }

    // 3. Sombrero: SGDM keeps the polar angle, Adam does not.
    for (const opt of ["sgdm", "adam"] as const) {
      const r = runSombrero(
        {
          optimizer: opt,
          lr: opt === "sgdm" ? cfg.sombreroSgdmLr : cfg.sombreroAdamLr,
          beta: opt === "sgdm" ? cfg.sombreroSgdmBeta : 0.9,
          steps: cfg.sombreroSteps,
          noise: cfg.sombreroNoise,
          start: [0.2, 0.5],
        },
        ctx.rng.fork("sombrero/noise"),
      );
      for (const [key, v] of Object.entries(r)) yield { step: cfg.sombreroSteps, t: cfg.sombreroSteps, probe: `sombrero/${opt}`, key, value: v };
    }

    // 4. Loss comparison: four optimisers, symmetric vs beta_Q + beta_V, paired over seeds.
    if (cfg.compareSteps === 0) return;
    for (const name of OPTIMIZERS) {
      const byVariant: Record<string, number[]> = {};
      for (const variant of ["symmetric", "betaQV"] as const) {
        byVariant[variant] = [];
        for (let seed = 0; seed < cfg.seeds; seed++) {
          if (ctx.signal?.aborted) return;
          const res = compareRun(corpus, m, VARIANTS[variant](cfg), name, cfg, { steps: cfg.compareSteps, batch: cfg.batch, valWindows: cfg.valWindows }, {
            init: ctx.rng.fork(`compare/init/${seed}`),
            data: ctx.rng.fork(`compare/data/${seed}`),
            bias: ctx.rng.fork(`compare/bias/${seed}`),
            optimizer: ctx.rng.fork(`compare/optimizer/${seed}`),
          });
          byVariant[variant].push(res.valLoss);
          yield { step: cfg.compareSteps, t: seed, probe: `compare/${name}/${variant}`, key: "valLoss", value: res.valLoss };
          yield { step: cfg.compareSteps, t: seed, probe: `compare/${name}/${variant}`, key: "trainLoss", value: res.finalTrainLoss };
        }
        const { mean, sd } = meanSd(byVariant[variant]);
        yield { step: cfg.compareSteps, t: 0, probe: `compare/${name}/${variant}`, key: "valLossMean", value: mean };
        yield { step: cfg.compareSteps, t: 0, probe: `compare/${name}/${variant}`, key: "valLossSd", value: sd };
      }
      const deltas = byVariant.betaQV.map((v, i) => v - byVariant.symmetric[i]);
      const d = meanSd(deltas);
      yield { step: cfg.compareSteps, t: 0, probe: `compare/${name}`, key: "deltaMean", value: d.mean };
      yield { step: cfg.compareSteps, t: 0, probe: `compare/${name}`, key: "deltaSd", value: d.sd };
    }
  },
  theory(cfg) {
    const corpus = corpusOf(cfg);
    return [
      { step: 0, t: 0, probe: "corpus", key: "unigramEntropy", value: corpus.unigramEntropy },
      { step: 0, t: 0, probe: "corpus", key: "bigramEntropy", value: corpus.bigramEntropy },
      { step: 0, t: 0, probe: "corpus", key: "entropyRate", value: corpus.entropyRate },
      { step: 0, t: 0, probe: "corpus", key: "bayesLoss", value: bayesWindowLoss(corpus, cfg.seqLen) },
    ];
  },
  claims: [
    {
      id: "qk-rotation-invariance",
      statement: "Without biases, rotating (W_Q|b_Q) and (W_K|b_K) by the same random R in O(d_head) per head leaves the loss unchanged: relative change <= 1e-12 (float64 round-off)",
      check: (rows) => upperBound(0, value(rows, "invariance", "qkSymmetric"), 1e-12, "relative loss change"),
    },
    {
      id: "vo-gl-invariance",
      statement: "Without biases, (W_V|b_V) -> (W_V|b_V) G, W_O -> G^-1 W_O for a random invertible G per head leaves the loss unchanged: relative change <= 1e-12 (float64 round-off)",
      check: (rows) => upperBound(0, value(rows, "invariance", "voSymmetric"), 1e-12, "relative loss change"),
    },
    {
      id: "qk-rotation-broken-by-betaQ",
      statement: "With beta_Q (mu_Q = 0.5) added to the queries the same rotation changes the loss by O(1e-2) relative (reference): within one decade of 1e-2",
      check: (rows) => sameOrder(1e-2, value(rows, "invariance", "qkBiased"), 1, "relative loss change"),
    },
    {
      id: "noether-current-zero-sgdm",
      statement: "Symmetric model, heavy-ball SGDM from zero velocity: the Q-K Noether current stays zero, max over steps and heads of ||J||/(||W~_Q|| ||P_Q||) <= 1e-10",
      check: (rows) => upperBound(0, maxOf(values(rows, "noether/sgdm/symmetric", "relativeCurrent")), 1e-10, "relative current"),
    },
    {
      id: "noether-current-grows-betaQ",
      statement: "With per-batch beta_Q the current grows to O(1e-2..1) (reference): the final ||J||/(||W~_Q|| ||P_Q||) is within one decade of 1e-1",
      check: (rows) => {
        const xs = values(rows, "noether/sgdm/betaQ", "relativeCurrent");
        return sameOrder(1e-1, xs[xs.length - 1] ?? NaN, 1, "relative current");
      },
    },
    {
      id: "noether-source-identity",
      statement: "Heavy ball: J_{k+1} = beta J_k - antisym(beta_Q (x) dL/db_Q) exactly (derived here); max relative residual over steps and heads with beta_Q <= 1e-8",
      check: (rows) => upperBound(0, maxOf(values(rows, "noether/sgdm/betaQ", "sourceRelativeError")), 1e-8, "relative residual"),
    },
    {
      id: "noether-current-zero-ecd",
      statement: "Symmetric model, ECD (nu = 0, start p = -g/|g|): the Q-K current stays zero, max relative current <= 1e-10",
      check: (rows) => upperBound(0, maxOf(values(rows, "noether/ecd/symmetric", "relativeCurrent")), 1e-10, "relative current"),
    },
    {
      id: "noether-current-ecd-per-tensor",
      statement:
        "Derived here: the paper code's ECD (p.g per parameter tensor) scales the weight and bias rows of W~ differently, so on the symmetric model the current is NOT kept at zero: max relative current over the ECD run >= 1e-10 (a million times the round-off level of core's global-p.g ECD)",
      check: (rows) => lowerBound(1e-10, maxOf(values(rows, "noether/ecdPerTensor/symmetric", "relativeCurrent")), 1e-10, "relative current"),
    },
    {
      id: "sombrero-sgdm-angle",
      statement: "Sombrero, 15000 SGDM steps (lr 1e-2, beta 0.9) from (0.2, 0.5): the polar angle drifts by <= 1e-12 rad (the gradient is radial; reference 2.7e-15)",
      check: (rows) => upperBound(0, value(rows, "sombrero/sgdm", "maxAngleDrift"), 1e-12, "rad"),
    },
    {
      id: "sombrero-adam-angle",
      statement: "Sombrero, Adam (lr 1e-3): the angle drifts by more than 0.05 rad (reference 0.218): Adam's per-coordinate preconditioner breaks the rotation symmetry",
      check: (rows) => lowerBound(0.218, value(rows, "sombrero/adam", "angleDrift"), 0.05, "rad"),
    },
    {
      id: "all-runs-train",
      statement: "Every comparison run (4 optimisers x symmetric / beta_Q + beta_V x seeds) ends with a validation loss below the corpus's unigram entropy (theory = the Bayes loss of T-windows; bound = unigram entropy)",
      check: (rows, cfg) => {
        const corpus = corpusOf(cfg);
        const losses = rows.filter((r) => r.probe.startsWith("compare/") && r.key === "valLoss").map((r) => r.value);
        const expected = OPTIMIZERS.length * 2 * cfg.seeds;
        return upperBound(bayesWindowLoss(corpus, cfg.seqLen), losses.length === expected ? maxOf(losses) : NaN, corpus.unigramEntropy, "nats per character");
      },
    },
  ],
  figure: {
    probe: "noether/sgdm/betaQ",
    key: "relativeCurrent",
    x: "step",
    logy: true,
    xLabel: "SGDM step",
    yLabel: "||J_QK|| / (||W~_Q|| ||P_Q||)",
    series: [
      { probe: "noether/sgdm/betaQ", key: "relativeCurrent", label: "per-batch beta_Q" },
      { probe: "noether/sgdm/symmetric", key: "relativeCurrent", label: "symmetric (round-off)" },
    ],
  },
};
