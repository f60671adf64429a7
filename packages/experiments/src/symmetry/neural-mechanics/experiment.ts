import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tree } from "@saddle/core";
import { PAPERS, atMost, defineExperiment, finished, phases, relClose, trainHooks, type Claim, type RunContext } from "../../kit/index.js";
import { initMechanics, mechanicsLoss, MECHANICS_SYMMETRIES, type MechanicsParams } from "./model.js";
import { flowCheck, flowSetup, type FlowSetup } from "./flow-check.js";

/** Symmetry theory from core (packages/core/src/theory/symmetry). */
const { MomentumOscillatorPredictor, QuadraticContinuousPredictor, tracked, trackOf, innerStateOf } = S.symmetry;
type ContinuousState = S.symmetry.ContinuousPredictorState;
type OscillatorState = S.symmetry.OscillatorState;

const schema = z
  .object({
    inputDim: z.number().int().positive().max(256).describe("input dimension d of the Gaussian mixture"),
    hidden: z.number().int().min(2).max(256).describe("width h of both hidden layers"),
    classes: z.number().int().min(2).max(32).describe("number of mixture components = softmax classes"),
    samples: z.number().int().min(2).max(20000).describe("training points"),
    spread: z.number().positive().max(10).describe("std of the class means (points have unit noise)"),
    batch: z.number().int().min(2).max(4096).describe("SGD minibatch size, drawn with replacement (>= 2: batch norm needs a variance)"),
    lr: z.number().positive().max(1).describe("SGD learning rate eta of the plain runs"),
    wd: z.number().positive().max(1).describe("coupled L2 weight decay lambda of the plain weight-decay runs"),
    steps: z.number().int().positive().max(1e6).describe("steps of the plain runs at lr (the lr/2 run takes twice as many, same time t)"),
    every: z.number().int().positive().max(1e5).describe("log the quantities and predictions every this many steps (constraints and per-step laws: every step)"),
    momentum: z
      .object({
        lr: z.number().positive().max(1).describe("learning rate of the heavy-ball run"),
        beta: z.number().positive().lt(1).describe("heavy-ball coefficient beta"),
        wd: z.number().positive().max(1).describe("coupled weight decay of the heavy-ball run"),
        steps: z.number().int().positive().max(1e6).describe("steps of the heavy-ball run"),
      })
      .strict()
      .describe("the heavy-ball run (damped-oscillator laws)"),
    flow: z
      .object({
        hidden: z.number().int().min(2).max(128).describe("width of the smooth (tanh) network of the modified-flow check"),
        samples: z.number().int().min(2).max(2000).describe("training points of the modified-flow check (full batch)"),
        lrs: z.array(z.number().positive().max(1)).min(2).max(6).describe("GD learning rates, each half the previous"),
        time: z.number().positive().max(100).describe("time t = lr * steps where GD is compared with the flows (a whole number of steps at every lr)"),
      })
      .strict()
      .describe("the modified-gradient-flow check (full-batch GD against RK45 flows)"),
  })
  .strict()
  .refine((c) => c.batch <= c.samples, { message: "batch must be <= samples", path: ["batch"] })
  .refine((c) => c.flow.lrs.every((lr, i) => i === 0 || Math.abs(lr - c.flow.lrs[i - 1] / 2) <= 1e-12 * lr), { message: "each flow.lrs entry must be half the previous one", path: ["flow", "lrs"] })
  .refine((c) => c.flow.lrs.every((lr) => Math.abs(c.flow.time / lr - Math.round(c.flow.time / lr)) <= 1e-9), { message: "flow.time must be a whole number of steps at every flow.lrs entry", path: ["flow", "time"] });

export type NeuralMechanicsConfig = z.infer<typeof schema>;

const RUNS = ["sgd", "sgd-wd", "sgd-wd-half-lr", "momentum"] as const;
type RunName = (typeof RUNS)[number];
const PLAIN: readonly RunName[] = ["sgd", "sgd-wd", "sgd-wd-half-lr"];
const QUANTITIES = ["translation", "scale", "rescale"] as const;

interface RunSpec {
  lr: number;
  wd: number;
  beta: number;
  steps: number;
  every: number;
}

function specOf(cfg: NeuralMechanicsConfig, run: RunName): RunSpec {
  switch (run) {
    case "sgd":
      return { lr: cfg.lr, wd: 0, beta: 0, steps: cfg.steps, every: cfg.every };
    case "sgd-wd":
      return { lr: cfg.lr, wd: cfg.wd, beta: 0, steps: cfg.steps, every: cfg.every };
    case "sgd-wd-half-lr":
      return { lr: cfg.lr / 2, wd: cfg.wd, beta: 0, steps: 2 * cfg.steps, every: 2 * cfg.every };
    case "momentum":
      return { lr: cfg.momentum.lr, wd: cfg.momentum.wd, beta: cfg.momentum.beta, steps: cfg.momentum.steps, every: cfg.every };
  }
}

/** Data, the shared initialisation and the modified-flow setting, drawn once from the setup stream. */
interface Setup {
  data: S.GaussianMixture;
  init: MechanicsParams;
  flow: FlowSetup;
}

/**
 * The predictions that integrate the measured gradients along the run, kept in the optimizer state
 * (core `tracked`) so a resumed run continues them: the continuous laws' integral buffers (drive
 * |g_A|^2 and |g_out|^2 - |g_in|^2) and the damped oscillators (drive |v_{k+1}|^2, out minus in).
 */
interface Track {
  q0: number;
  d0: number;
  t0: number;
  contScale: ContinuousState;
  contRescale: ContinuousState;
  oscScale: OscillatorState;
  oscRescale: OscillatorState;
  oscTranslation: OscillatorState;
}

const sym = MECHANICS_SYMMETRIES;
const sq = S.sumSquares;
const G = (t: MechanicsParams) => ({ scale: sq(sym.scale!(t)), rescale: sq(sym.rescale!(t).outgoing) - sq(sym.rescale!(t).incoming) });

function predictors(sp: RunSpec, tr: Track) {
  return {
    contScale: new QuadraticContinuousPredictor(tr.q0, sp.lr, sp.wd, tr.contScale),
    contRescale: new QuadraticContinuousPredictor(tr.d0, sp.lr, sp.wd, tr.contRescale),
    oscScale: new MomentumOscillatorPredictor(tr.q0, sp.lr, sp.wd, sp.beta, "quadratic", tr.oscScale),
    oscRescale: new MomentumOscillatorPredictor(tr.d0, sp.lr, sp.wd, sp.beta, "quadratic", tr.oscRescale),
    oscTranslation: new MomentumOscillatorPredictor(1, sp.lr, sp.wd, sp.beta, "translation", tr.oscTranslation),
  };
}

/** The run's optimizer: core `sgd` (coupled wd, heavy ball) with the tracked predictions. */
function optimizerOf(sp: RunSpec) {
  const inner = S.sgd(sp.lr, { momentum: sp.beta, wd: sp.wd });
  return tracked<Track>(
    inner,
    (p) => {
      const q = S.symmetryQuantities(sym, p as MechanicsParams);
      const empty = { driven: 0, steps: 0 };
      const osc = { steps: 0, b1: 0, b2: 0 };
      return { q0: q.scale!, d0: q.rescale!, t0: Math.hypot(...q.translation!), contScale: empty, contRescale: empty, oscScale: osc, oscRescale: osc, oscTranslation: osc };
    },
    (tr, s) => {
      const p = predictors(sp, tr);
      const g = G(s.grads as MechanicsParams);
      const v = G(s.updates as MechanicsParams); // |u|^2 = eta^2 |v_{k+1}|^2 (out minus in for rescale)
      p.contScale.push(g.scale);
      p.contRescale.push(g.rescale);
      p.oscScale.push(v.scale / sp.lr ** 2);
      p.oscRescale.push(v.rescale / sp.lr ** 2);
      p.oscTranslation.push();
      return { ...tr, contScale: p.contScale.state(), contRescale: p.contRescale.state(), oscScale: p.oscScale.state(), oscRescale: p.oscRescale.state(), oscTranslation: p.oscTranslation.state() };
    },
  );
}

/** The heavy-ball buffer v_k inside the tracked sgd state (the `trace` block's velocity). */
function velocityOf(optState: unknown): MechanicsParams {
  const blocks = innerStateOf(optState) as unknown[];
  const tr = blocks.find((b) => b !== null && typeof b === "object" && "velocity" in (b as object)) as { velocity: Tree } | undefined;
  if (!tr) throw new Error("no heavy-ball velocity in the optimizer state");
  return tr.velocity as MechanicsParams;
}

/** Predictions after the steps taken so far: continuous laws (plain runs) or damped oscillators (heavy ball). */
function predictionProbe(sp: RunSpec): S.Probe<MechanicsParams> {
  return S.probe("prediction", ({ optState }) => {
    const tr = trackOf<Track>(optState);
    const p = predictors(sp, tr);
    if (sp.beta === 0) {
      const k = tr.contScale.steps;
      return { scale: p.contScale.value(), rescale: p.contRescale.value(), translation: Math.exp(-sp.wd * sp.lr * k) * tr.t0 };
    }
    return { scale: p.oscScale.value(), rescale: p.oscRescale.value(), translation: p.oscTranslation.value() * tr.t0 };
  });
}

/** One training run: minibatch SGD (with replacement, from the loop's seeded batch RNG) and the mechanics probes. */
async function* trainRun(ctx: RunContext, cfg: NeuralMechanicsConfig, setup: Setup, run: RunName): AsyncGenerator<Row> {
  const sp = specOf(cfg, run);
  const { data } = setup;
  const optimizer = optimizerOf(sp);
  const n = cfg.samples;
  const t = S.train({
    params: setup.init,
    loss: (p: MechanicsParams, b: { x: S.Tensor; labels: Int32Array }) => mechanicsLoss(p, b.x, b.labels),
    optimizer,
    steps: sp.steps,
    batches: (_step, rng) => {
      const rows = S.takeRows(data, Int32Array.from({ length: cfg.batch }, () => rng.nextInt(0, n)));
      return { x: rows.x, labels: rows.labels };
    },
    schedule: { every: sp.every },
    time: { lr: sp.lr, momentum: sp.beta },
    probes: [
      S.withSchedule(S.symmetryConstraintProbe(sym), { every: 1 }),
      S.withSchedule(S.symmetryStepLawProbe(sym, { optimizer, lr: sp.lr, wd: sp.wd, beta: sp.beta, velocity: sp.beta > 0 ? velocityOf : undefined, steps: sp.steps }), { every: 1 }),
      S.symmetryQuantityProbe(sym),
      predictionProbe(sp),
    ],
    ...trainHooks<MechanicsParams>(ctx, run),
  });
  for await (const r of t) yield { ...r, coords: { run } };
  finished(t);
}

/** The final relative error of the continuous translation law, from the closed form: 1 - (1 - eta lambda)^K e^{lambda eta K} (the exact law gives T_K = (1 - eta lambda)^K T_0). */
function translationErrorTheory(sp: RunSpec): number {
  return -Math.expm1(sp.steps * Math.log1p(-sp.lr * sp.wd) + sp.wd * sp.lr * sp.steps);
}

/** The measured final relative error of the continuous translation law e^{-lambda t} |T_0| of a run. */
function translationErrorMeasured(sim: S.RowQuery, run: RunName): number {
  const pred = sim.last("prediction", "translation", { run });
  return Math.abs(sim.last("quantity", "translation", { run }) - pred) / pred;
}

/** max_k |Q_k - Q_osc,k| / max_k |Q_k - Q_0| over the logged steps of the heavy-ball run (the share of the motion the oscillator misses). */
function oscillatorError(sim: S.RowQuery, q: "scale" | "rescale"): number {
  const meas = sim.series("quantity", q, { run: "momentum" });
  const pred = sim.series("prediction", q, { run: "momentum" });
  if (meas.length !== pred.length) return NaN;
  const q0 = meas[0].value;
  let err = 0;
  let change = 0;
  meas.forEach((r, i) => {
    if (pred[i].step !== r.step) err = NaN;
    err = Math.max(err, Math.abs(r.value - pred[i].value));
    change = Math.max(change, Math.abs(r.value - q0));
  });
  return err / change;
}

/** The consecutive ratio error(lr) / error(lr / 2) farthest from `order`. */
function worstOrderRatio(sim: S.RowQuery, cfg: NeuralMechanicsConfig, key: "plainError" | "modifiedError", order: number): number {
  let worst = NaN;
  for (let i = 1; i < cfg.flow.lrs.length; i++) {
    const ratio = sim.one("modified-flow", key, { lr: cfg.flow.lrs[i - 1] }) / sim.one("modified-flow", key, { lr: cfg.flow.lrs[i] });
    if (!Number.isFinite(ratio)) return NaN;
    if (!(Math.abs(ratio - order) <= Math.abs(worst - order))) worst = ratio;
  }
  return worst;
}

function claimsFor(cfg: NeuralMechanicsConfig): Claim<NeuralMechanicsConfig, Setup>[] {
  const worstOver = (sim: S.RowQuery, probe: string, runs: readonly RunName[]) => Math.max(...runs.flatMap((run) => QUANTITIES.map((q) => sim.max(probe, q, { run }))));
  const tEnd = cfg.lr * cfg.steps;
  return [
    {
      id: "gradient-constraints",
      kind: "identity",
      statement: "The symmetries' gradient constraints hold at every step of every run: sum_c g_head = 0, <g_W1, W1> = 0, <g_in, theta_in> = <g_out, theta_out>; largest relative residual <= 1e-12 (float64 round-off over ~2000 parameters)",
      check: ({ sim }) => atMost(worstOver(sim, "constraint", RUNS), 1e-12, { theory: 0, units: "relative residual" }),
    },
    {
      id: "exact-step-sgd",
      kind: "identity",
      statement: "Exact one-step laws under SGD with and without weight decay (T' = (1 - eta lambda) T; Q' = (1 - eta lambda)^2 Q + eta^2 |g|^2 for scale and rescale) at every step of the three plain runs: largest relative error <= 1e-12 (round-off)",
      check: ({ sim }) => atMost(worstOver(sim, "law", PLAIN), 1e-12, { theory: 0, units: "relative error per step" }),
    },
    {
      id: "exact-step-momentum",
      kind: "identity",
      statement: "Exact heavy-ball laws (derived: T' = (1 - eta lambda) T - eta beta T(v); Q' = (1 - 2 eta lambda) Q - 2 eta beta <theta, v> + eta^2 |v'|^2, equivalent to the second-order recursion) at every step: largest relative error <= 1e-12 (round-off)",
      check: ({ sim }) => atMost(worstOver(sim, "law", ["momentum"]), 1e-12, { theory: 0, units: "relative error per step" }),
    },
    {
      id: "continuous-translation-error",
      kind: "claim",
      statement:
        "The continuous translation law e^{-lambda t} T(0) is off by O(eta lambda): its final relative error in the weight-decay run equals Saddle's closed form 1 - (1 - eta lambda)^K e^{lambda eta K} (~ eta lambda^2 t / 2) within 1e-6 relative (round-off of an O(1e-4) difference)",
      check: ({ sim, theory }) => relClose(theory.one("continuous", "translationError", { run: "sgd-wd" }), translationErrorMeasured(sim, "sgd-wd"), 1e-6, { units: "relative error of the law" }),
    },
    {
      id: "continuous-translation-halves",
      kind: "claim",
      statement:
        "Halving eta at the same time t halves the continuous translation law's error (the paper's O(eta lambda)): the measured ratio error(eta) / error(eta/2) equals Saddle's closed-form ratio for this config (2 + O(eta lambda^2 t)) within 1e-6 relative (round-off)",
      check: ({ sim, theory }) => {
        const th = theory.one("continuous", "translationError", { run: "sgd-wd" }) / theory.one("continuous", "translationError", { run: "sgd-wd-half-lr" });
        return relClose(th, translationErrorMeasured(sim, "sgd-wd") / translationErrorMeasured(sim, "sgd-wd-half-lr"), 1e-6, { units: "error ratio" });
      },
    },
    {
      id: "continuous-scale-order",
      kind: "claim",
      statement:
        "The continuous scale law (e^{-2 lambda t} with the integral buffer) has an O(eta lambda) error: at eta and at eta/2 the final relative error is below the derived first-order bound eta lambda (2 + lambda t) (initial part eta lambda^2 t, buffer part 2 eta lambda + eta lambda^2 t, both fractions of |W1|^2 since |g|^2 >= 0); measured: the larger error / bound, pass <= 1",
      check: ({ sim }) => {
        const ratio = (run: RunName) => {
          const sp = specOf(cfg, run);
          const err = Math.abs(sim.last("quantity", "scale", { run }) - sim.last("prediction", "scale", { run })) / sim.last("quantity", "scale", { run });
          return err / (sp.lr * sp.wd * (2 + sp.wd * tEnd));
        };
        return atMost(Math.max(ratio("sgd-wd"), ratio("sgd-wd-half-lr")), 1, { units: "error / (eta lambda (2 + lambda t))" });
      },
    },
    ...(["scale", "rescale"] as const).map(
      (q): Claim<NeuralMechanicsConfig, Setup> => ({
        id: `momentum-oscillator-${q}`,
        kind: "claim",
        statement: `Heavy ball: the damped-oscillator ${q} prediction (gamma = (1 - beta)/(eta (1 + beta)), omega^2 = 4 lambda/(eta (1 + beta)), driven by 2 eta |v|^2 impulses) tracks the measured value: the largest gap over the logged steps is <= 1% of the largest change |Q - Q_0| (the paper's 1%, taken of the motion rather than of |Q|, which the prediction would meet by a factor ~50 even if it missed most of the motion)`,
        check: ({ sim }) => atMost(oscillatorError(sim, q), 0.01, { theory: 0, units: "max gap / max change" }),
      }),
    ),
    {
      id: "plain-flow-first-order",
      kind: "claim",
      statement: "Full-batch GD departs from the gradient flow of L at first order (backward error analysis): halving lr halves |theta_GD - theta_flow| at the same time t; worst consecutive ratio = 2 within 10% (the O(lr) next-order term at the domain's lrs; smooth tanh variant of the network)",
      check: ({ sim }) => relClose(2, worstOrderRatio(sim, cfg, "plainError", 2), 0.1, { units: "error(lr) / error(lr / 2)" }),
    },
    {
      id: "modified-flow-second-order",
      kind: "claim",
      statement: "Full-batch GD follows the modified gradient flow of L~ = L + (lr/4)|grad L|^2 to second order: halving lr quarters |theta_GD - theta_flow~|; worst consecutive ratio = 4 within 10% (next-order term O(lr))",
      check: ({ sim }) => relClose(4, worstOrderRatio(sim, cfg, "modifiedError", 4), 0.1, { units: "error(lr) / error(lr / 2)" }),
    },
    {
      id: "modified-flow-closer",
      kind: "claim",
      statement: "At every learning rate GD is at least 4x closer to the modified flow than to the plain flow (the O(lr^2) against the O(lr) distance): largest modifiedError / plainError over the lrs <= 0.25",
      check: ({ sim }) => atMost(Math.max(...cfg.flow.lrs.map((lr) => sim.one("modified-flow", "modifiedError", { lr }) / sim.one("modified-flow", "plainError", { lr }))), 0.25, { units: "error ratio" }),
    },
  ];
}

/**
 * Neural Mechanics (Kunin et al., arXiv 2012.04728): the translation, scale and rescale symmetries
 * of a small batch-normalised ReLU network constrain its gradients, which turns into exact per-step
 * laws for SGD with weight decay and heavy ball, continuous e^{-lambda t} laws with O(eta lambda)
 * error, and damped-oscillator laws for heavy-ball momentum; GD follows the modified gradient flow.
 */
export const neuralMechanics = defineExperiment({
  id: "neural-mechanics",
  title: "Neural Mechanics: symmetry, gradient constraints and broken conservation laws",
  family: "symmetry",
  paper: PAPERS.neuralMechanics,
  schema,
  presets: {
    quick: {
      inputDim: 20, hidden: 32, classes: 5, samples: 500, spread: 1, batch: 32, lr: 0.05, wd: 0.01, steps: 600, every: 10,
      momentum: { lr: 0.01, beta: 0.9, wd: 5e-4, steps: 1500 },
      flow: { hidden: 12, samples: 32, lrs: [0.1, 0.05, 0.025], time: 1 },
    },
    full: {
      samples: 2000, batch: 64, steps: 4000, every: 20,
      momentum: { lr: 0.01, beta: 0.9, wd: 5e-4, steps: 10000 },
      flow: { hidden: 32, samples: 64, lrs: [0.2, 0.1, 0.05, 0.025, 0.0125], time: 2 },
    },
  },
  domain: {
    axes: {
      lr: { range: [0.03, 0.1], scale: "log" },
      wd: { range: [2e-3, 0.03], scale: "log" },
      batch: { choices: [16, 32, 64] },
      hidden: { choices: [16, 32, 48] },
      spread: { range: [0.5, 2] },
      momentum: {
        choices: [
          { lr: 0.01, beta: 0.9, wd: 5e-4, steps: 1500 },
          { lr: 0.005, beta: 0.8, wd: 1e-3, steps: 1500 },
          { lr: 0.004, beta: 0.95, wd: 1e-3, steps: 2500 },
        ],
      },
    },
    seeds: [0, 1000],
    // Same time t = 30 as the quick preset, logged at ~60 points.
    derive: (c) => {
      const steps = Math.round(30 / c.lr);
      return { steps, every: Math.max(1, Math.round(steps / 60)) };
    },
    note: "eta lambda <= 3e-3 and t = 30: the continuous laws' first-order bound and the 1% oscillator rule are statements about small eta lambda; heavy-ball settings are three (eta, beta, lambda) triples around the paper's (0.01, 0.9, 5e-4) with effective step eta / (1 - beta) <= 0.1: the oscillator is the continuous limit of heavy ball, and at (0.02, 0.95), eta / (1 - beta) = 0.4, it missed 1.0-1.2% of the rescale motion (hidden 16, two sampled seeds), outside the 1% rule",
  },
  setup: (cfg, { rng }) => ({
    data: S.gaussianMixture(rng.fork("data"), { n: cfg.samples, d: cfg.inputDim, classes: cfg.classes, spread: cfg.spread }),
    init: initMechanics(rng.fork("init"), cfg.inputDim, cfg.hidden, cfg.classes),
    flow: flowSetup(rng.fork("modified-flow"), { inputDim: cfg.inputDim, hidden: cfg.flow.hidden, classes: cfg.classes, samples: cfg.flow.samples, time: cfg.flow.time }),
  }),
  async *run(cfg, ctx, setup) {
    const flowSpec = { inputDim: cfg.inputDim, hidden: cfg.flow.hidden, classes: cfg.classes, samples: cfg.flow.samples, time: cfg.flow.time };
    yield* phases(ctx, [
      ...RUNS.map((run) => [run, () => trainRun(ctx, cfg, setup, run)] as const),
      ...cfg.flow.lrs.map((lr, i) => [`flow-${i}`, () => flowCheck(ctx, setup.flow, flowSpec, lr, `flow-${i}`)] as const),
    ]);
  },
  theory(cfg) {
    return PLAIN.filter((run) => run !== "sgd").map((run) => {
      const sp = specOf(cfg, run);
      return { step: sp.steps, t: sp.lr * sp.steps, probe: "continuous", key: "translationError", value: translationErrorTheory(sp), coords: { run } };
    });
  },
  claims: (cfg) => claimsFor(cfg),
  figure: {
    probe: "quantity",
    key: "scale",
    x: "t",
    xLabel: "time t = lr step (heavy ball: lr step / (1 - beta))",
    yLabel: "|W1|^2 (scale quantity)",
    series: [
      { key: "scale", coords: { run: "sgd" }, label: "SGD (conserved up to eta^2 |g|^2)" },
      { key: "scale", coords: { run: "sgd-wd" }, label: "SGD + weight decay" },
      { probe: "prediction", key: "scale", coords: { run: "sgd-wd" }, label: "continuous law (integral buffer)", dashed: true },
      { key: "scale", coords: { run: "momentum" }, label: "heavy ball + weight decay" },
      { probe: "prediction", key: "scale", coords: { run: "momentum" }, label: "damped oscillator", dashed: true },
    ],
  },
});
