import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, RowQuery, Tensor } from "@saddle/core";
import { PAPERS, atMost, defineExperiment, equals, finished, phases, relClose, tick, trainHooks, type Claim, type ClaimResult, type RunContext } from "../../kit/index.js";
import { EULER_ARCHS, eulerRows } from "./euler-table.js";
import { rateFlowRows } from "./rate-flow.js";
import { controlLoss, controlProbe, initToy, logExpLoss, toyMargins, toyProbe, type ToyData, type ToyParams } from "./toy.js";
import { collapseLossAndGrad, collapseProbe, collapseProblem, type CollapseConfig, type CollapseParams } from "./collapse-run.js";
import { etfCosine, predictedA1Slope, predictedLogWGrowth, svmOf, x2OnlyMargin } from "./theory.js";
import { linearSteps, logSteps } from "./schedule.js";

const schema = z
  .object({
    toyX: z.array(z.tuple([z.number(), z.number()])).min(2).max(12).describe("toy inputs (x1, x2); the data must be separable by x2 alone"),
    toyY: z.array(z.union([z.literal(1), z.literal(-1)])).min(2).max(12).describe("toy labels in {-1, +1}, one per input"),
    toyInitScale: z.number().positive().max(10).describe("std of the toy's initial a1, a2, b2"),
    toyLr: z.number().positive().max(0.5).describe("normalised-GD step eta of the toy (learning rate eta / loss)"),
    toySteps: z.number().int().positive().max(100_000).describe("normalised-GD steps of the toy"),
    controlLr: z.number().positive().max(10).describe("normalised-GD step eta of the linear control f = theta . x"),
    controlSteps: z.number().int().positive().max(200_000).describe("normalised-GD steps of the linear control"),
    logPoints: z.number().int().min(4).max(1000).describe("evenly spaced logging points of the toy and control runs"),
    eulerAlpha: z.number().min(-5).max(5).describe("alpha of the finite scaling check f(e^{alpha Lambda} theta) = e^alpha f(theta)"),
    flowWidth: z.number().int().positive().max(64).describe("hidden width of the two-layer ReLU net of the RK45 rate-norm check"),
    flowTime: z.number().positive().max(100).describe("gradient-flow time of the RK45 rate-norm check"),
    ncClasses: z.number().int().min(2).max(10).describe("number of Gaussian classes C of the neural-collapse run"),
    ncPerClass: z.number().int().min(2).max(100).describe("samples per class"),
    ncRadius: z.number().positive().max(100).describe("class means on a circle of this radius in the plane"),
    ncSpread: z.number().positive().max(10).describe("isotropic std of each class"),
    ncWidth: z.number().int().min(4).max(512).describe("width of both hidden layers (and of the LayerNorm features)"),
    ncLr: z.number().positive().max(10).describe("GD learning rate (plain) or step length (arc)"),
    ncSteps: z.number().int().positive().max(20_000).describe("full-batch GD steps of the neural-collapse run"),
    ncStepRule: z.enum(["plain", "arc"]).describe("plain GD (lr) or arc-length GD (lr / ||grad L||: the gradient-flow path at constant speed)"),
    ncLogPoints: z.number().int().min(2).max(1000).describe("log-spaced logging points of the neural-collapse run"),
  })
  .strict()
  .refine((c) => c.toyX.length === c.toyY.length, { message: "toyX and toyY must have the same length", path: ["toyY"] })
  .refine((c) => Math.min(...c.toyX.map((x, i) => c.toyY[i] * x[1])) > 0, { message: "the toy data must be separable by x2 alone (y_i x_i2 > 0 for all i)", path: ["toyX"] });

export type QuasiHomogeneousMarginConfig = z.infer<typeof schema>;

const toyData = (cfg: QuasiHomogeneousMarginConfig): ToyData => ({ x: cfg.toyX.map((p) => [p[0], p[1]]), y: [...cfg.toyY] });
const collapseConfig = (cfg: QuasiHomogeneousMarginConfig): CollapseConfig => ({ classes: cfg.ncClasses, perClass: cfg.ncPerClass, radius: cfg.ncRadius, spread: cfg.ncSpread, width: cfg.ncWidth, lr: cfg.ncLr, steps: cfg.ncSteps, stepRule: cfg.ncStepRule });

/** The rows of a series in the second half of a run of `steps` steps (throws when there are none). */
function lateRows(sim: RowQuery, probe: string, key: string, steps: number): Row[] {
  return sim.series(probe, key).filter((r) => r.step >= steps / 2);
}

/** Per-step slope of a series between its first logged row at or after half the run and its last row. */
function lateSlope(sim: RowQuery, probe: string, key: string, steps: number): number {
  const s = lateRows(sim, probe, key, steps);
  const mid = s[0];
  const end = s[s.length - 1];
  if (!mid || end.step === mid.step) return NaN;
  return (end.value - mid.value) / (end.step - mid.step);
}

/**
 * Logged intervals of the second half of a run in which the series moves against `direction`;
 * NaN when any value there is non-finite or fewer than two rows were logged (a count of NaN
 * comparisons would read 0 and pass).
 */
function lateViolations(sim: RowQuery, probe: string, key: string, steps: number, direction: 1 | -1): number {
  const s = lateRows(sim, probe, key, steps);
  if (s.length < 2 || s.some((r) => !Number.isFinite(r.value))) return NaN;
  let bad = 0;
  for (let i = 1; i < s.length; i++) if (direction * (s[i].value - s[i - 1].value) <= 0) bad++;
  return bad;
}

function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length === 0 ? NaN : v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/** Worst (largest) value of a per-architecture residual over the Euler table (every architecture must be there). */
function worstResidual(sim: RowQuery, key: "euler" | "scaling"): number {
  const vs = EULER_ARCHS.map((arch) => sim.one("euler", key, { arch }));
  return vs.some((v) => !Number.isFinite(v)) ? NaN : Math.max(...vs);
}

type C = QuasiHomogeneousMarginConfig;

/** What the run, theory and claims share: the neural-collapse data and init, the toy's init. */
interface Setup {
  collapse: ReturnType<typeof collapseProblem>;
  toyInit: ToyParams;
}

const CLAIMS: readonly Claim<C, Setup>[] = [
  {
    id: "euler-identity",
    kind: "identity",
    statement: `Euler identity <grad f, Lambda theta> = f (one jvp) for every architecture of the table (${EULER_ARCHS.join(", ")}): the largest relative residual is float64 rounding (<= 1e-12)`,
    check: ({ sim }) => atMost(worstResidual(sim, "euler"), 1e-12, { theory: 0, units: "relative residual" }),
  },
  {
    id: "finite-scaling",
    kind: "identity",
    statement: "f(e^{alpha Lambda} theta) = e^alpha f(theta) at the config's alpha for every architecture of the table: the largest relative residual is float64 rounding (<= 1e-12)",
    check: ({ sim }) => atMost(worstResidual(sim, "scaling"), 1e-12, { theory: 0, units: "relative residual" }),
  },
  {
    id: "rate-norm-balance",
    kind: "identity",
    statement: "Under gradient flow (RK45, rtol 1e-11) of a two-layer ReLU net with biases on the exponential loss, the change of 1/2 theta^T Lambda theta equals the integral of 1/n sum_i m_i e^{-m_i} (an exact consequence of the Euler identity): relative mismatch <= 1e-8 (integration error)",
    check: ({ sim }) => atMost(sim.one("flow", "rateNormMismatch"), 1e-8, { theory: 0, units: "relative mismatch" }),
  },
  {
    id: "toy-beta1-vanishes",
    kind: "sanity",
    statement: "Asymmetric toy f = a1 x1 + a2 b2 x2 (Lambda = (1, 1/2, 1/2)) under normalised GD: the effective classifier discards x1, |beta_1| = |a1| / ||(a1, a2 b2)|| <= 1e-6 at the end of the run (theory: -> 0 as k (1 + eta gamma2)^{-2k}; the exact late-phase rates are the claims toy-x2-growth and toy-a1-slope)",
    check: ({ sim }) => atMost(sim.last("toy", "beta1Abs"), 1e-6, { theory: 0, units: "|beta_1|" }),
  },
  {
    id: "toy-beta1-decreasing",
    kind: "sanity",
    statement: "|beta_1| decreases over every logged interval of the second half of the toy run (count of increases: 0; fails on a non-finite value)",
    check: ({ cfg, sim }) => equals(0, lateViolations(sim, "toy", "beta1Abs", cfg.toySteps, -1), { units: "increases" }),
  },
  {
    id: "toy-x2-growth",
    kind: "claim",
    statement: "In the late phase log |a2 b2| grows by the derived 2 log(1 + eta gamma2) per step (gamma2 = min_i y_i x_i2): |rel err| <= 0.1% (the other points' softmax weights are exponentially small by then)",
    check: ({ cfg, sim }) => relClose(predictedLogWGrowth(toyData(cfg), cfg.toyLr), lateSlope(sim, "toy", "logW", cfg.toySteps), 1e-3, { units: "per step" }),
  },
  {
    id: "toy-a1-slope",
    kind: "claim",
    statement: "In the late phase a1 grows only linearly, by the derived eta y_i* x_i*1 per step (i* the x2-only support point): |rel err| <= 0.1%; the x2 coefficient outgrows it exponentially",
    check: ({ cfg, sim }) => relClose(predictedA1Slope(toyData(cfg), cfg.toyLr), lateSlope(sim, "toy", "a1", cfg.toySteps), 1e-3, { units: "per step" }),
  },
  {
    id: "toy-robust-margin",
    kind: "claim",
    statement: "The toy's effective linear classifier ends with the x2-only L2 margin gamma2 (|rel err| <= 1e-4), which for this data is below the L2 max-margin (SVM) margin on (x1, x2): the asymmetric norm costs robustness (the claim fails if the SVM margin is not larger by 0.1%)",
    check: ({ cfg, sim }) => {
      const data = toyData(cfg);
      const r = relClose(x2OnlyMargin(data), sim.last("toy", "l2Margin"), 1e-4, { units: "L2 margin" });
      const svm = svmOf(data).margin;
      return svm > x2OnlyMargin(data) * (1 + 1e-3) ? r : { ...r, pass: false, reason: `the SVM margin ${svm} is not above gamma2 = ${x2OnlyMargin(data)}: the data do not separate the two biases` };
    },
  },
  {
    id: "toy-qh-margin-increasing",
    kind: "sanity",
    statement: "The Lambda-normalised margin min_i y_i f_i / |a1|^{1/lambda_max} (lambda_max = 1) increases over every logged interval of the second half (count of decreases: 0); it is unbounded since a1 = 0 is feasible",
    check: ({ cfg, sim }) => equals(0, lateViolations(sim, "toy", "qhMargin", cfg.toySteps, 1), { units: "decreases" }),
  },
  {
    id: "control-svm-angle",
    kind: "claim",
    statement: "Control (homogeneous, Lambda = I): the linear model f = theta . x under the same normalised GD converges to the exact SVM direction (Saddle's hard-margin SVM solver): angle <= 0.01 rad at the end (convergence is logarithmic in the loss, so the bound is loose)",
    check: ({ sim }) => atMost(sim.last("control", "angleToSvm"), 0.01, { theory: 0, units: "rad" }),
  },
  {
    id: "control-svm-margin",
    kind: "claim",
    statement: "Control: the linear model's L2 margin approaches the exact SVM margin: |rel err| <= 0.1%",
    check: ({ cfg, sim }) => relClose(svmOf(toyData(cfg)).margin, sim.last("control", "l2Margin"), 1e-3, { units: "L2 margin" }),
  },
  {
    id: "nc1",
    kind: "sanity",
    statement: "Neural collapse with LayerNorm features (cross-entropy, full-batch GD): within-class variability NC1 = tr(Sigma_W Sigma_B^+)/C <= 1e-2 at the end (the reference's target; theory: -> 0; measured 7.5e-6 at the quick preset, so a sanity bound)",
    check: ({ sim }) => atMost(sim.last("nc", "nc1"), 1e-2, { theory: 0, units: "NC1" }),
  },
  {
    id: "nc2-cosine",
    kind: "sanity",
    // The deviation falls from 0.29 at initialisation (random features) slowly, logarithmically in
    // the steps: late-half logged values at the quick preset, seeds 0-6, lie in 0.016-0.06 (about
    // 0.05 at step 120 and 0.025 at step 600), and a decaying arc-length step (lr / sqrt(1 + k/50)
    // or lr / (1 + k/50)) ends at 0.024-0.047, so it is convergence, not step jitter; the
    // reference's 0.02 is reached only after about 2000 steps (0.016-0.018, full preset). The
    // median over the second half is robust to the fluctuation between log points; 0.05 is 6x below
    // the initial deviation: a guard that the geometry moves to the ETF, not a rate claim.
    statement: "Centred class means approach a simplex ETF: the largest pairwise |cos + 1/(C-1)|, as a median over the logged points of the second half of the run, is <= 0.05 (from 0.29 at initialisation; convergence is logarithmically slow, README)",
    check: ({ cfg, sim }): ClaimResult => {
      const late = lateRows(sim, "nc", "maxCosineDeviation", cfg.ncSteps).map((r) => r.value);
      const dev = late.some((v) => !Number.isFinite(v)) ? NaN : median(late);
      return atMost(dev, 0.05, { theory: 0, units: "max |cos + 1/(C-1)|", note: `final mean pairwise cosine ${sim.last("nc", "meanCosine").toPrecision(4)} vs ETF ${etfCosine(cfg.ncClasses).toPrecision(4)}` });
    },
  },
  {
    id: "nc3-alignment",
    kind: "claim",
    statement: "Classifier rows (minus their mean) align with the centred class means (self-duality): 1 - min cosine <= 0.01 at the end",
    check: ({ sim }) => atMost(1 - sim.last("nc", "classifierCosine"), 0.01, { theory: 0, units: "1 - cos" }),
  },
];

/** A normalised-GD toy or control phase on train(). */
async function* trainPhase<P extends S.Tree>(ctx: RunContext, phase: string, opts: { params: P; loss: (p: P) => Tensor; lr: number; steps: number; points: number; probe: S.Probe<P> }): AsyncGenerator<Row> {
  const run = S.train<P>({
    params: opts.params,
    loss: opts.loss,
    optimizer: S.sgd(opts.lr),
    steps: opts.steps,
    schedule: { steps: [...linearSteps(opts.steps, opts.points)] },
    time: { lr: opts.lr },
    probes: [opts.probe],
    ...trainHooks<P>(ctx, phase),
  });
  for await (const r of run) yield { ...r, coords: { run: phase } };
  finished(run);
}

/**
 * The asymmetric maximum-margin bias of quasi-homogeneous networks (Kunin, Yamamura, Ma & Ganguli,
 * arXiv 2210.03820): the Euler identity of the rate assignment for common architectures, the
 * conservation-like balance of the Lambda-seminorm under gradient flow, a toy whose gradient
 * dynamics discard the maximal-rate parameter (unlike the L2 max-margin SVM), and neural collapse
 * of a LayerNorm network.
 */
export const quasiHomogeneousMargin = defineExperiment({
  id: "quasi-homogeneous-margin",
  title: "Quasi-homogeneous networks: Euler identity, asymmetric max-margin bias and neural collapse",
  family: "symmetry",
  paper: PAPERS.quasiHomogeneousMargin,
  schema,
  presets: {
    quick: {
      toyX: [[1, 1], [0.2, -2], [-1.2, -1.1], [-0.3, 2.2]],
      toyY: [1, -1, -1, 1],
      toyInitScale: 0.1,
      toyLr: 0.01,
      toySteps: 1500,
      controlLr: 0.5,
      controlSteps: 1500,
      logPoints: 31,
      eulerAlpha: 0.8,
      flowWidth: 6,
      flowTime: 10,
      ncClasses: 4,
      ncPerClass: 10,
      ncRadius: 2,
      ncSpread: 0.4,
      ncWidth: 64,
      ncLr: 0.25,
      ncSteps: 600,
      ncStepRule: "arc",
      ncLogPoints: 25,
    },
    full: { toyLr: 0.005, toySteps: 6000, controlSteps: 20000, logPoints: 61, flowWidth: 16, flowTime: 40, ncPerClass: 25, ncLr: 0.15, ncSteps: 2000, ncLogPoints: 40 },
  },
  domain: {
    axes: {
      toyX: { choices: [[[1, 1], [0.2, -2], [-1.2, -1.1], [-0.3, 2.2]], [[0.5, 1.5], [-1, -0.8], [1.5, 2]], [[2, 1], [-0.5, -1.5], [1, 2.5], [-1.5, -0.7], [0.3, 1.2]]] },
      toyInitScale: { range: [0.03, 0.3], scale: "log" },
      toyLr: { range: [0.005, 0.02], scale: "log" },
      controlLr: { range: [0.25, 1], scale: "log" },
      eulerAlpha: { range: [-1, 1] },
      flowWidth: { range: [3, 10], integer: true },
      flowTime: { range: [5, 15] },
      ncClasses: { choices: [3, 4] },
      ncPerClass: { range: [6, 12], integer: true },
      ncSpread: { range: [0.2, 0.5] },
      ncWidth: { choices: [32, 64] },
    },
    seeds: [0, 1000],
    // Labels follow the drawn inputs (y = sign x2 keeps them x2-separable); the toy runs for the
    // same normalised time eta * steps = 15 as the quick preset.
    derive: (c) => ({ toyY: c.toyX.map((x) => (x[1] > 0 ? 1 : -1)) as (1 | -1)[], toySteps: Math.round(15 / c.toyLr) }),
    note: "toy data sets separable by x2 alone with one x2-support point (the late-phase rates assume a unique argmin of y_i x_i2); normalised time eta * steps = 15 as in the quick preset (the late-phase 0.1% rates need the other points' softmax weights below 1e-3); classes on a circle of radius 2 with spread <= 0.5 (separable blobs: neural collapse needs zero training error); C <= 4 classes: the ETF geometry converges logarithmically slowly and at C = 5 the late-half median deviation after 600 steps was 0.056-0.060 (seeds 5, 7, 191; 0.046-0.048 after 1200 steps) with nc3 at 0.0108 (seed 7), outside the 0.05 and 0.01 bounds",
  },
  setup: (cfg, { rng }): Setup => ({ collapse: collapseProblem(collapseConfig(cfg), rng.fork("collapse")), toyInit: initToy(rng.fork("toy-init"), cfg.toyInitScale) }),
  async *run(cfg, ctx, setup) {
    const data = toyData(cfg);
    const nc = collapseConfig(cfg);
    yield* phases(ctx, [
      [
        "euler",
        async function* () {
          for (const r of eulerRows(ctx.rng.fork("euler"), data, cfg.eulerAlpha)) yield r;
        },
      ],
      [
        "flow",
        async function* () {
          if (await tick(ctx)) return;
          for (const r of rateFlowRows(data, ctx.rng.fork("flow"), cfg.flowWidth, cfg.flowTime)) yield r;
        },
      ],
      ["toy", () => trainPhase<ToyParams>(ctx, "toy", { params: setup.toyInit, loss: (p) => logExpLoss(toyMargins(p, data)), lr: cfg.toyLr, steps: cfg.toySteps, points: cfg.logPoints, probe: toyProbe(data) })],
      ["control", () => trainPhase<Tensor>(ctx, "control", { params: S.zeros([2]), loss: controlLoss(data), lr: cfg.controlLr, steps: cfg.controlSteps, points: cfg.logPoints, probe: controlProbe(data, svmOf(data).direction) })],
      [
        "collapse",
        async function* () {
          const base = collapseLossAndGrad(nc, setup.collapse);
          const run = S.train<CollapseParams>({
            params: setup.collapse.params,
            lossAndGrad: (p) => base(p),
            // The step direction carries the rule (arc: unit length; plain: grad L), sgd the length lr.
            optimizer: S.sgd(cfg.ncLr),
            steps: cfg.ncSteps,
            schedule: { steps: [...logSteps(cfg.ncSteps, cfg.ncLogPoints)] },
            probes: [collapseProbe(nc, setup.collapse)],
            ...trainHooks<CollapseParams>(ctx, "collapse"),
          });
          for await (const r of run) yield { ...r, coords: { run: "collapse" } };
          finished(run);
        },
      ],
    ]);
  },
  theory(cfg) {
    const data = toyData(cfg);
    const svm = svmOf(data);
    const rows: Row[] = [];
    for (const step of linearSteps(cfg.toySteps, cfg.logPoints)) rows.push({ step, t: cfg.toyLr * step, probe: "toy", key: "l2Margin", value: x2OnlyMargin(data) });
    for (const step of linearSteps(cfg.controlSteps, cfg.logPoints)) rows.push({ step, t: cfg.controlLr * step, probe: "control", key: "l2Margin", value: svm.margin });
    rows.push({ step: 0, t: 0, probe: "svm", key: "direction1", value: svm.direction[0] });
    rows.push({ step: 0, t: 0, probe: "svm", key: "direction2", value: svm.direction[1] });
    rows.push({ step: 0, t: 0, probe: "svm", key: "margin", value: svm.margin });
    rows.push({ step: cfg.ncSteps, t: cfg.ncSteps, probe: "nc", key: "meanCosine", value: etfCosine(cfg.ncClasses) });
    return rows;
  },
  claims: CLAIMS,
  figure: { probe: "toy", key: "beta1Abs", x: "step", logy: true, xLabel: "normalised-GD step (learning rate eta / loss)", yLabel: "|beta_1| = |a1| / ||(a1, a2 b2)||" },
});
