import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, TransformerParams, Tree } from "@saddle/core";
import { PAPERS, atLeast, atMost, defineExperiment, finished, phases, trainHooks, type Claim, type RunContext } from "../../kit/index.js";
import { bayesWindowLoss, markovCorpus, type MarkovCorpus } from "./char-corpus.js";
import { invarianceCheck } from "./invariance.js";
import { batchAtStep, batchLoss, gaussianTree, makeModel, qkRotationSymmetry, qkSources, validationLoss, type BiasSetup, type CharBatch, type ModelSetup } from "./training.js";

const schema = z
  .object({
    corpus: z
      .object({
        seed: z.number().int().nonnegative().max(1e9).describe("seed of the synthetic order-2 Markov character corpus (fixes the text and its entropies)"),
        vocab: z.number().int().min(2).max(64).describe("characters in the alphabet"),
        branching: z.number().int().min(1).max(64).describe("possible next characters per two-character context"),
        trainChars: z.number().int().min(200).max(1e6).describe("length of the training text (characters)"),
        valChars: z.number().int().min(100).max(1e6).describe("length of the validation text (characters)"),
      })
      .strict()
      .describe("the synthetic corpus"),
    model: z
      .object({
        dModel: z.number().int().positive().max(256).describe("transformer width d"),
        heads: z.number().int().positive().max(16).describe("attention heads (dModel / heads = d_head)"),
        layers: z.number().int().min(1).max(4).describe("transformer blocks"),
        seqLen: z.number().int().min(2).max(256).describe("context length T (characters per window)"),
        mlpRatio: z.number().int().positive().max(8).describe("MLP hidden width / d"),
        initStd: z.number().positive().max(1).describe("init std of the trained models' weights"),
      })
      .strict()
      .describe("the tiny character transformer (core `transformer`)"),
    muQ: z.number().min(-10).max(10).describe("mean of the per-batch query bias beta_Q (reference 0.5); its std is linspace(0.05, 0.15, d_head)"),
    muV: z.number().min(-10).max(10).describe("mean of the per-batch value bias beta_V (reference 0 or 0.5); its std is 0.05"),
    batch: z.number().int().positive().max(256).describe("windows per training batch (Noether and comparison runs)"),
    invariance: z
      .object({
        initStd: z.number().positive().max(10).describe("init std of the random model of the invariance check (O(1) attention scores)"),
        batch: z.number().int().positive().max(256).describe("windows in the invariance check's batch"),
      })
      .strict()
      .describe("the exact-invariance check"),
    noether: z
      .object({
        steps: z.number().int().positive().max(1e5).describe("heavy-ball SGDM steps of the Noether-current runs"),
        lr: z.number().positive().max(10).describe("heavy-ball SGDM learning rate"),
        momentum: z.number().min(0).lt(1).describe("heavy-ball beta (zero initial velocity)"),
        ecdSteps: z.number().int().nonnegative().max(1e5).describe("ECD (nu = 0) steps of the Noether runs (0 = skip)"),
      })
      .strict()
      .describe("the Noether-current runs"),
    sombrero: z
      .object({
        steps: z.number().int().positive().max(1e6).describe("steps of the sombrero toy (reference 15000)"),
        noise: z.number().nonnegative().max(10).describe("std of the per-step shift z (reference 0.1)"),
        sgdmLr: z.number().positive().max(1).describe("SGDM learning rate (reference 1e-2)"),
        sgdmBeta: z.number().min(0).lt(1).describe("SGDM beta (reference 0.9)"),
        adamLr: z.number().positive().max(1).describe("Adam learning rate (reference 1e-3)"),
      })
      .strict()
      .describe("the sombrero toy f = (x^2 + y^2 - 1 + z)^2"),
    compare: z
      .object({
        steps: z.number().int().nonnegative().max(1e5).describe("training steps of each loss-comparison run (0 = skip the comparison)"),
        seeds: z.number().int().positive().max(10).describe("seeds per optimiser and variant"),
        valWindows: z.number().int().positive().max(4096).describe("validation windows (evenly spaced in the validation text)"),
        adamwLr: z.number().positive().max(1).describe("AdamW learning rate (b = (0.9, 0.95), wd 0.01)"),
        soapLr: z.number().positive().max(1).describe("SOAP learning rate (b = (0.95, 0.95), wd 0.01, precondition every 10)"),
        nesterovLr: z.number().positive().max(10).describe("SGD Nesterov learning rate"),
        nesterovMomentum: z.number().min(0).lt(1).describe("SGD Nesterov momentum"),
        initVelocityStd: z.number().nonnegative().max(10).describe("std of SGD Nesterov's Gaussian initial velocity (reference 0.1)"),
      })
      .strict()
      .describe("the loss comparison (reported, not asserted)"),
    ecd: z
      .object({
        lr: z.number().positive().max(100).describe("ECD learning rate (dt = lr / sqrt(eta))"),
        eta: z.number().positive().max(1e6).describe("ECD concentration eta (reference 100)"),
        f0: z.number().min(-100).max(100).describe("ECD energy floor F0, below every loss reached (nats)"),
      })
      .strict()
      .describe("ECD q = 1 (nu = 0), in the Noether runs and the comparison"),
  })
  .strict()
  .refine((c) => c.model.dModel % c.model.heads === 0, { message: "dModel must be divisible by heads", path: ["model", "heads"] })
  .refine((c) => c.corpus.branching <= c.corpus.vocab, { message: "branching must be <= vocab", path: ["corpus", "branching"] })
  .refine((c) => c.corpus.trainChars > 4 * c.model.seqLen && c.corpus.valChars > 2 * c.model.seqLen, { message: "the texts must hold several windows", path: ["model", "seqLen"] });

export type SymmetryBreakingConfig = z.infer<typeof schema>;

/** The corpus of a config: a pure function of corpus.seed and the sizes (not of the run seed). */
export function corpusOf(cfg: SymmetryBreakingConfig): MarkovCorpus {
  const c = cfg.corpus;
  return markovCorpus(S.Rng.seed(`symmetry-breaking-attention/corpus/${c.seed}`), { vocab: c.vocab, branching: c.branching, trainLength: c.trainChars, valLength: c.valChars });
}

function modelOf(cfg: SymmetryBreakingConfig, initStd = cfg.model.initStd): ModelSetup {
  const m = cfg.model;
  return { vocab: cfg.corpus.vocab, dModel: m.dModel, heads: m.heads, layers: m.layers, seqLen: m.seqLen, initStd, mlpRatio: m.mlpRatio };
}

const VARIANTS = {
  symmetric: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: false, value: false, muQ: cfg.muQ, muV: cfg.muV }),
  betaQ: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: true, value: false, muQ: cfg.muQ, muV: cfg.muV }),
  betaQV: (cfg: SymmetryBreakingConfig): BiasSetup => ({ query: true, value: true, muQ: cfg.muQ, muV: cfg.muV }),
};

const NOETHER_OPTS = ["sgdm", "ecd", "ecdPerTensor"] as const;
type NoetherOpt = (typeof NOETHER_OPTS)[number];
export const OPTIMIZERS = ["adamw", "soap", "nesterov", "ecd"] as const;
type OptimizerName = (typeof OPTIMIZERS)[number];

/** The corpus, and the initialisations shared by paired runs (Noether runs; one per comparison seed), from the setup stream. */
interface Setup {
  corpus: MarkovCorpus;
  noetherInit: TransformerParams;
  compareInits: TransformerParams[];
}

type P = TransformerParams;

/** The optimiser's velocity as a parameter tree: the heavy-ball buffer, or ECD's unit velocity p (zero before its first step). */
function velocityOf(kind: NoetherOpt, like: P): (optState: unknown) => P {
  if (kind === "sgdm") {
    return (s) => ((s as unknown[]).find((b) => b !== null && typeof b === "object" && "velocity" in (b as object)) as { velocity: Tree }).velocity as P;
  }
  return (s) => {
    const p = (s as S.EcdState).p;
    return p.length === 0 ? S.treeMap((x) => S.zeros(x.shape), like) : S.vectorToTree(p, like);
  };
}

/** One Noether-current run: heavy-ball SGDM from rest or ECD (nu = 0; global or the paper code's per-tensor p.g), through train(). */
async function* noetherRun(ctx: RunContext, cfg: SymmetryBreakingConfig, setup: Setup, kind: NoetherOpt, variant: "symmetric" | "betaQ"): AsyncGenerator<Row> {
  const m = modelOf(cfg);
  const model = makeModel(m);
  const layout = { dModel: m.dModel, heads: m.heads };
  const e = cfg.ecd;
  const optimizer: S.GradientTransformation<unknown> =
    kind === "sgdm" ? S.momentum(cfg.noether.lr, cfg.noether.momentum) : S.ecd({ lr: e.lr, eta: e.eta, f0: e.f0, nu: 0, projection: kind === "ecd" ? "global" : "per-tensor" });
  const steps = kind === "sgdm" ? cfg.noether.steps : cfg.noether.ecdSteps;
  const biases = VARIANTS[variant](cfg);
  const data = ctx.rng.fork("noether/data"); // the same windows for every Noether run
  const bias = ctx.rng.fork("noether/bias");
  const probe = S.noetherCurrentProbe(qkRotationSymmetry(layout), {
    velocity: velocityOf(kind, setup.noetherInit),
    law: kind === "sgdm" ? { optimizer, beta: cfg.noether.momentum, source: variant === "betaQ" ? qkSources(layout) : undefined, steps } : undefined,
  });
  const phase = `noether-${kind}-${variant}`;
  const t = S.train({
    params: setup.noetherInit,
    loss: (p: P, b: CharBatch) => batchLoss(model, p, b),
    optimizer,
    steps,
    batches: (k) => batchAtStep(setup.corpus, m, biases, cfg.batch, data, bias, k),
    schedule: { every: 1 },
    time: kind === "sgdm" ? { lr: cfg.noether.lr, momentum: cfg.noether.momentum } : undefined,
    probes: [probe],
    ...trainHooks<P>(ctx, phase),
  });
  for await (const r of t) yield { ...r, coords: { run: `${kind}-${variant}` } };
  finished(t);
}

/**
 * The sombrero toy of arXiv 2601.22257 (repo notebook `Somprero_illustration_angular_momentum`):
 * f(x, y) = (x^2 + y^2 - 1 + z)^2, z ~ N(0, noise^2) per step from the loop's batch RNG; the
 * closed-form gradient 4 (r^2 - 1 + z) (x, y) is radial. Core momentum (SGDM, v_0 = 0) and adam
 * through train(); rows: the polar angle's drift from the start (wrapped to [0, pi]), every 10 steps.
 */
async function* sombreroRun(ctx: RunContext, cfg: SymmetryBreakingConfig, opt: "sgdm" | "adam"): AsyncGenerator<Row> {
  const s = cfg.sombrero;
  const start = [0.2, 0.5] as const;
  const angle0 = Math.atan2(start[1], start[0]);
  const optimizer = opt === "sgdm" ? S.momentum(s.sgdmLr, s.sgdmBeta) : S.adam(s.adamLr, { b1: 0.9, b2: 0.999, eps: 1e-8 });
  type Q = { p: S.Tensor };
  const angle = S.probe<Q>("angle", ({ params }) => {
    const [x, y] = params.p.data;
    const d = Math.abs(Math.atan2(y, x) - angle0) % (2 * Math.PI);
    return { drift: Math.min(d, 2 * Math.PI - d), radius: Math.hypot(x, y) };
  });
  const t = S.train({
    params: { p: S.tensor([...start]) },
    lossAndGrad: ({ p }: Q, z: number) => {
      const [x, y] = p.data;
      const r = x * x + y * y - 1 + z;
      return [r * r, { p: S.tensor([4 * r * x, 4 * r * y]) }] as const;
    },
    batches: (_k, rng) => s.noise * rng.nextNormal(),
    optimizer,
    steps: s.steps,
    schedule: { every: 10 },
    probes: [angle],
    ...trainHooks<Q>(ctx, `sombrero-${opt}`),
  });
  for await (const r of t) yield { ...r, coords: { run: `sombrero-${opt}` } };
  finished(t);
}

/** One comparison run: `compare.steps` updates, then the validation loss with the mean biases. Paired: same init and windows for both variants. */
async function* compareRun(ctx: RunContext, cfg: SymmetryBreakingConfig, setup: Setup, name: OptimizerName, variant: "symmetric" | "betaQV", seed: number): AsyncGenerator<Row> {
  const m = modelOf(cfg);
  const model = makeModel(m);
  const c = cfg.compare;
  const init = setup.compareInits[seed];
  const optimizer: S.GradientTransformation<unknown> =
    name === "adamw"
      ? S.adamw(c.adamwLr, { b1: 0.9, b2: 0.95, wd: 0.01 })
      : name === "soap"
        ? S.soap(c.soapLr, { b1: 0.95, b2: 0.95, wd: 0.01, precondFrequency: 10 })
        : name === "nesterov"
          ? S.nesterov(c.nesterovLr, c.nesterovMomentum, { initialVelocity: gaussianTree(ctx.rng.fork(`compare/velocity/${seed}`), init, c.initVelocityStd) })
          : S.ecd({ lr: cfg.ecd.lr, eta: cfg.ecd.eta, f0: cfg.ecd.f0, nu: 0 });
  const biases = VARIANTS[variant](cfg);
  const data = ctx.rng.fork(`compare/data/${seed}`);
  const bias = ctx.rng.fork(`compare/bias/${seed}`);
  const coords = { optimizer: name, variant, seed };
  const t = S.train({
    params: init,
    loss: (p: P, b: CharBatch) => batchLoss(model, p, b),
    optimizer,
    steps: c.steps,
    batches: (k) => batchAtStep(setup.corpus, m, biases, cfg.batch, data, bias, k),
    schedule: { every: Math.max(1, c.steps) },
    ...trainHooks<P>(ctx, `compare-${name}-${variant}-${seed}`),
  });
  for await (const r of t) yield { ...r, coords };
  if (!finished(t)) return;
  yield { step: c.steps, t: c.steps, probe: "compare", key: "valLoss", value: validationLoss(model, t.params, setup.corpus, m, biases, c.valWindows), coords };
}

const claims: Claim<SymmetryBreakingConfig, Setup>[] = [
  {
    id: "qk-rotation-invariance",
    kind: "identity",
    statement: "Without biases, rotating (W_Q|b_Q) and (W_K|b_K) by the same random R in O(d_head) per head leaves the loss unchanged: relative change <= 1e-12 (float64 round-off)",
    check: ({ sim }) => atMost(sim.one("invariance", "qkSymmetric"), 1e-12, { theory: 0, units: "relative loss change" }),
  },
  {
    id: "vo-gl-invariance",
    kind: "identity",
    statement: "Without biases, (W_V|b_V) -> (W_V|b_V) G, W_O -> G^-1 W_O for a random invertible G per head leaves the loss unchanged: relative change <= 1e-12 (float64 round-off)",
    check: ({ sim }) => atMost(sim.one("invariance", "voSymmetric"), 1e-12, { theory: 0, units: "relative loss change" }),
  },
  {
    id: "qk-rotation-bias-identity",
    kind: "identity",
    statement: "With beta_Q the rotation changes the loss exactly as rotating the bias back would (derived: (q R + beta_Q).(k R) = (q + beta_Q R^T).k): |L(theta R; beta_Q) - L(theta; beta_Q R^T)| / L <= 1e-12, and the same for beta_V under G (L(theta G; beta_V) = L(theta; beta_V G^-1))",
    check: ({ sim }) => atMost(Math.max(sim.one("invariance", "qkBiasRotatedBack"), sim.one("invariance", "voBiasMappedBack")), 1e-12, { theory: 0, units: "relative loss difference" }),
  },
  {
    id: "qk-rotation-broken-by-betaQ",
    kind: "sanity",
    statement: "With beta_Q added to the queries the same random rotations change the loss (qualitative: relative change >= 1e-6, against ~1e-16 without the bias; its size depends on the init and mu_Q, measured 1e-2 to 1e-1, and is not a prediction)",
    check: ({ sim }) => atLeast(sim.one("invariance", "qkBiased"), 1e-6, { units: "relative loss change" }),
  },
  {
    id: "noether-current-zero-sgdm",
    kind: "identity",
    statement: "Symmetric model, heavy-ball SGDM from zero velocity: the Q-K Noether current stays zero, max over steps, layers and heads of ||J|| / (||W~|| ||P||) <= 1e-10, and J_{k+1} = beta J_k holds at every step to 1e-12",
    check: ({ sim }) => atMost(Math.max(sim.max("noether", "relative", { run: "sgdm-symmetric" }), 100 * sim.max("noether", "lawResidual", { run: "sgdm-symmetric" })), 1e-10, { theory: 0, units: "relative current" }),
  },
  {
    id: "noether-source-identity",
    kind: "identity",
    statement: "Heavy ball with beta_Q: J_{k+1} = beta J_k - antisym(beta_Q (x) dL/db_Q) exactly (derived here), the source predicted from the batch's bias and the bias gradient: max relative residual over steps, layers and heads <= 1e-8 (of the source)",
    check: ({ sim }) => atMost(sim.max("noether", "sourceResidual", { run: "sgdm-betaQ" }), 1e-8, { theory: 0, units: "residual / |source|" }),
  },
  {
    id: "noether-current-grows-betaQ",
    kind: "sanity",
    statement: "With per-batch beta_Q the current leaves zero (qualitative: final relative current >= 1e-6, ten orders above the symmetric run's round-off; its value is the accumulated predicted source of the identity above, not a paper number)",
    check: ({ sim }) => atLeast(sim.last("noether", "relative", { run: "sgdm-betaQ" }), 1e-6, { units: "relative current" }),
  },
  {
    id: "noether-current-zero-ecd",
    kind: "identity",
    statement: "Symmetric model, core's ECD (nu = 0, global p.g, start p = -g/|g|): the kick scales J by a scalar, so the Q-K current stays zero: max relative current <= 1e-10",
    appliesTo: (cfg) => cfg.noether.ecdSteps > 0,
    check: ({ sim }) => atMost(sim.max("noether", "relative", { run: "ecd-symmetric" }), 1e-10, { theory: 0, units: "relative current" }),
  },
  {
    id: "noether-current-ecd-per-tensor",
    kind: "sanity",
    statement: "Derived here: the paper code's ECD (p.g per parameter tensor) scales the weight and bias rows of W~ differently, so on the symmetric model the current is not kept at zero (qualitative: max relative current >= 1e-10, far above core's global-p.g ECD at ~1e-16)",
    appliesTo: (cfg) => cfg.noether.ecdSteps > 0,
    check: ({ sim }) => atLeast(sim.max("noether", "relative", { run: "ecdPerTensor-symmetric" }), 1e-10, { units: "relative current" }),
  },
  {
    id: "sombrero-sgdm-angle",
    kind: "identity",
    statement: "Sombrero, SGDM from rest: the gradient is radial, so the polar angle stays put: largest drift over the logged steps (every 10) <= 1e-12 rad (reference 2.7e-15)",
    check: ({ sim }) => atMost(sim.max("angle", "drift", { run: "sombrero-sgdm" }), 1e-12, { theory: 0, units: "rad" }),
  },
  {
    id: "sombrero-adam-angle",
    kind: "sanity",
    statement: "Sombrero, Adam (qualitative): the per-coordinate preconditioner breaks the rotation symmetry: the final angle drift exceeds 0.05 rad (the reference notebook reports 0.218 at lr 1e-3, 15000 steps)",
    check: ({ sim }) => atLeast(sim.last("angle", "drift", { run: "sombrero-adam" }), 0.05, { units: "rad" }),
  },
  {
    id: "all-runs-train",
    kind: "sanity",
    statement: "Every comparison run (4 optimisers x symmetric / beta_Q + beta_V x seeds) learns something (qualitative): the largest validation loss is below the corpus's unigram entropy (theory shown: the Bayes loss of T-windows)",
    appliesTo: (cfg) => cfg.compare.steps > 0,
    check: ({ cfg, setup, sim }) => {
      const losses = OPTIMIZERS.flatMap((optimizer) => (["symmetric", "betaQV"] as const).flatMap((variant) => Array.from({ length: cfg.compare.seeds }, (_, seed) => sim.one("compare", "valLoss", { optimizer, variant, seed }))));
      return atMost(Math.max(...losses), setup.corpus.unigramEntropy, { theory: bayesWindowLoss(setup.corpus, cfg.model.seqLen), units: "nats per character" });
    },
  },
];

/**
 * Symmetry breaking in attention (Silverstein, Kunin, Shyam, arXiv 2601.22257) at CPU size: the
 * Q-K rotation and V-O GL symmetries of softmax attention are exact, their Noether current stays
 * zero under heavy-ball SGDM from rest, unlearned per-batch biases beta_Q break both (with an exact
 * source for the current), the sombrero toy shows Adam's kinetic symmetry breaking, and a tiny
 * character transformer is trained with four optimisers with and without the biases.
 */
export const symmetryBreakingAttention = defineExperiment({
  id: "symmetry-breaking-attention",
  title: "Symmetry breaking in attention: exact invariances, Noether currents and per-batch query biases",
  family: "symmetry",
  paper: PAPERS.symmetryBreakingAttention,
  schema,
  presets: {
    quick: {
      corpus: { seed: 0, vocab: 12, branching: 3, trainChars: 20000, valChars: 4000 },
      model: { dModel: 32, heads: 2, layers: 1, seqLen: 16, mlpRatio: 2, initStd: 0.02 },
      muQ: 0.5, muV: 0, batch: 4,
      invariance: { initStd: 0.3, batch: 4 },
      noether: { steps: 30, lr: 0.1, momentum: 0.9, ecdSteps: 10 },
      sombrero: { steps: 15000, noise: 0.1, sgdmLr: 1e-2, sgdmBeta: 0.9, adamLr: 1e-3 },
      compare: { steps: 25, seeds: 1, valWindows: 32, adamwLr: 1e-2, soapLr: 1e-2, nesterovLr: 0.1, nesterovMomentum: 0.9, initVelocityStd: 0.1 },
      ecd: { lr: 1, eta: 100, f0: 0 },
    },
    full: {
      corpus: { seed: 0, vocab: 12, branching: 3, trainChars: 50000, valChars: 10000 },
      batch: 8,
      invariance: { initStd: 0.3, batch: 8 },
      noether: { steps: 300, lr: 0.1, momentum: 0.9, ecdSteps: 100 },
      compare: { steps: 300, seeds: 3, valWindows: 128, adamwLr: 1e-2, soapLr: 1e-2, nesterovLr: 0.1, nesterovMomentum: 0.9, initVelocityStd: 0.1 },
    },
  },
  domain: {
    axes: {
      corpus: { choices: [{ seed: 0, vocab: 12, branching: 3, trainChars: 20000, valChars: 4000 }, { seed: 1, vocab: 8, branching: 2, trainChars: 20000, valChars: 4000 }, { seed: 3, vocab: 12, branching: 2, trainChars: 20000, valChars: 4000 }] },
      model: {
        choices: [
          { dModel: 32, heads: 2, layers: 1, seqLen: 16, mlpRatio: 2, initStd: 0.02 },
          { dModel: 16, heads: 2, layers: 2, seqLen: 12, mlpRatio: 2, initStd: 0.05 },
          { dModel: 24, heads: 3, layers: 1, seqLen: 16, mlpRatio: 2, initStd: 0.02 },
        ],
      },
      muQ: { range: [0.2, 1] },
      muV: { choices: [0, 0.5] },
      // Batch 2 is out: ECD with beta_Q + beta_V at batch 2 on the 8-letter corpus ended at 2.74 nats
      // after 60 steps (sample seed 0, config seed 421), above the 1.89-nat unigram entropy; at batch 4
      // the same config ends at 1.00 (seed 421) and 0.90 (seed 7).
      batch: { choices: [4, 8] },
      noether: { choices: [{ steps: 30, lr: 0.1, momentum: 0.9, ecdSteps: 10 }, { steps: 40, lr: 0.05, momentum: 0.8, ecdSteps: 10 }, { steps: 20, lr: 0.2, momentum: 0.95, ecdSteps: 10 }] },
      sombrero: { choices: [{ steps: 15000, noise: 0.1, sgdmLr: 1e-2, sgdmBeta: 0.9, adamLr: 1e-3 }, { steps: 10000, noise: 0.2, sgdmLr: 5e-3, sgdmBeta: 0.95, adamLr: 2e-3 }] },
    },
    seeds: [0, 1000],
    // 60 comparison steps instead of the quick preset's 25: at 25 steps (batch 2, or a 16-letter
    // corpus) some runs were still above the unigram entropy (2.78 against 2.761 nats); the
    // 16-letter corpus still failed once at 60 steps (2.768) and was replaced by a 10-letter one.
    derive: (c) => ({ compare: { ...c.compare, steps: 60 } }),
    note: "CPU-sized models only (d <= 32, 1-2 layers): the claims are exact identities and qualitative contrasts that do not depend on scale. The loss comparison is reported, not asserted; its sanity check (every run below the unigram entropy) needs 60 steps in the domain: at the quick preset's 25, runs on a 16-letter corpus or at batch 2 ended at 2.58-2.80 nats, above the unigram entropy (a 16-letter corpus, and a 10-letter one with 4 successors per context, failed even at 60 steps: only corpora with 2-3 successors are kept); batch >= 4, because ECD at batch 2 stayed above the unigram entropy (2.74 nats on the 8-letter corpus)",
  },
  setup: (cfg, { rng }) => {
    const model = makeModel(modelOf(cfg));
    return {
      corpus: corpusOf(cfg),
      noetherInit: model.init(rng.fork("noether/init")),
      compareInits: Array.from({ length: cfg.compare.seeds }, (_, s) => model.init(rng.fork(`compare/init/${s}`))),
    };
  },
  async *run(cfg, ctx, setup) {
    const parts: [string, () => AsyncIterable<Row>][] = [
      [
        "invariance",
        async function* () {
          const c = setup.corpus;
          yield { step: 0, t: 0, probe: "corpus", key: "unigramEntropy", value: c.unigramEntropy };
          yield { step: 0, t: 0, probe: "corpus", key: "bayesLoss", value: bayesWindowLoss(c, cfg.model.seqLen) };
          // Exact invariance of the loss under the attention symmetries, and its breaking by the biases.
          const inv = invarianceCheck(c, modelOf(cfg, cfg.invariance.initStd), { muQ: cfg.muQ, muV: cfg.muV }, cfg.invariance.batch, ctx.rng.fork("invariance"));
          for (const [key, v] of Object.entries(inv)) yield { step: 0, t: 0, probe: "invariance", key, value: v };
        },
      ],
    ];
    for (const kind of NOETHER_OPTS) {
      if (kind !== "sgdm" && cfg.noether.ecdSteps === 0) continue;
      for (const variant of ["symmetric", "betaQ"] as const) parts.push([`noether-${kind}-${variant}`, () => noetherRun(ctx, cfg, setup, kind, variant)]);
    }
    for (const opt of ["sgdm", "adam"] as const) parts.push([`sombrero-${opt}`, () => sombreroRun(ctx, cfg, opt)]);
    if (cfg.compare.steps > 0) {
      for (const name of OPTIMIZERS) for (const variant of ["symmetric", "betaQV"] as const) for (let seed = 0; seed < cfg.compare.seeds; seed++) {
        parts.push([`compare-${name}-${variant}-${seed}`, () => compareRun(ctx, cfg, setup, name, variant, seed)]);
      }
    }
    yield* phases(ctx, parts);
  },
  theory(cfg, _ctx, setup) {
    const c = setup.corpus;
    return [
      { step: 0, t: 0, probe: "corpus", key: "unigramEntropy", value: c.unigramEntropy },
      { step: 0, t: 0, probe: "corpus", key: "bigramEntropy", value: c.bigramEntropy },
      { step: 0, t: 0, probe: "corpus", key: "entropyRate", value: c.entropyRate },
      { step: 0, t: 0, probe: "corpus", key: "bayesLoss", value: bayesWindowLoss(c, cfg.model.seqLen) },
    ];
  },
  claims,
  figure: {
    probe: "noether",
    key: "relative",
    x: "step",
    logy: true,
    xLabel: "SGDM step",
    yLabel: "||J_QK|| / (||W~|| ||P||) (largest over layers and heads)",
    series: [
      { key: "relative", coords: { run: "sgdm-betaQ" }, label: "per-batch beta_Q" },
      { key: "relative", coords: { run: "sgdm-symmetric" }, label: "symmetric (round-off)" },
    ],
  },
});
