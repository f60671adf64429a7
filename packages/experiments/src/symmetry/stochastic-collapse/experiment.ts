import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { ClaimResult, Experiment } from "../../types.js";
import { upperBound, verdict } from "../../types.js";
import { median, simulateQuartic, slope } from "./quartic-sde.js";
import { simulateNeuron } from "./neuron-sde.js";
import { diagonalTestLoss, makeDiagonalTask, runDiagonal } from "./diagonal-teacher-student.js";
import { runInvariance } from "./invariant-sets.js";
import { QUARTIC_REFERENCE } from "./reference.js";

const { stochastic } = S;

const schema = z
  .object({
    mu: z.number().positive().describe("quartic SDE: mu in d theta = -(theta^3 - mu theta) dt + zeta theta dW"),
    dt: z.number().positive().max(0.1).describe("quartic SDE: Euler-Maruyama step"),
    horizon: z.number().positive().describe("quartic SDE: final time T"),
    paths: z.number().int().min(20).describe("quartic SDE: paths per zeta"),
    zetas: z.array(z.number().positive()).min(3).max(24).describe("quartic SDE: noise levels zeta (increasing)"),
    theta0: z.number().positive().describe("quartic SDE: start value theta_0"),
    eps: z.number().positive().lt(1).describe("quartic SDE: a path has collapsed when |theta_T| < eps (1e-15 <=> theta^2 < 1e-30)"),
    rateZetaBelow: z.number().positive().describe("quartic SDE: a zeta below sqrt(2 mu) whose escape rate from theta0Small is measured"),
    theta0Small: z.number().positive().lt(1e-6).describe("quartic SDE: start value of the below-threshold rate run"),
    neuronSamples: z.number().int().min(4).describe("tanh neuron: samples m (x ~ N(0,1), y = x + labelNoise * N(0,1))"),
    neuronLabelNoise: z.number().nonnegative().describe("tanh neuron: noise in the targets"),
    neuronAlphas: z.array(z.number().positive()).min(3).max(16).describe("tanh neuron: noise strengths alpha = eta zeta^2 / 2 (increasing)"),
    neuronDt: z.number().positive().max(0.1).describe("tanh neuron: Euler-Maruyama step in time t = eta step"),
    neuronHorizon: z.number().positive().describe("tanh neuron: final time T"),
    neuronPaths: z.number().int().min(20).describe("tanh neuron: paths per alpha"),
    neuronRadius: z.number().positive().describe("tanh neuron: collapsed when |w| < radius at T"),
    neuronRateAlpha: z.number().positive().describe("tanh neuron: alpha (above threshold) of the collapse-rate run"),
    diagDim: z.number().int().min(2).max(64).describe("diagonal teacher-student: n = m"),
    diagRank: z.number().int().min(1).describe("diagonal teacher-student: teacher rank d"),
    diagSamples: z.number().int().positive().describe("diagonal teacher-student: N (gradient = sum / N)"),
    diagEta: z.number().positive().describe("diagonal teacher-student: learning rate eta"),
    diagSteps: z.number().int().positive().describe("diagonal teacher-student: SGD steps (lr x 0.1 after 5/6 of them)"),
    diagSigmas: z.array(z.number().nonnegative()).min(2).max(10).describe("diagonal teacher-student: label-noise scales (increasing, first = 0)"),
    diagDataNoise: z.number().nonnegative().describe("diagonal teacher-student: noise in Y (scaled by 1/sqrt(m))"),
    diagRepeats: z.number().int().positive().describe("diagonal teacher-student: independent label-noise runs per sigma"),
    diagZeroTol: z.number().positive().describe("diagonal teacher-student: a mode counts as zero when |u v| < this"),
    invWidth: z.number().int().min(5).describe("invariant sets: hidden width of the tanh net"),
    invSteps: z.number().int().positive().describe("invariant sets: minibatch heavy-ball SGD steps"),
    invLr: z.number().positive().describe("invariant sets: learning rate"),
  })
  .strict()
  .refine((c) => c.zetas.every((v, i) => i === 0 || v > c.zetas[i - 1]), { message: "zetas must increase", path: ["zetas"] })
  .refine((c) => c.neuronAlphas.every((v, i) => i === 0 || v > c.neuronAlphas[i - 1]), { message: "neuronAlphas must increase", path: ["neuronAlphas"] })
  .refine((c) => c.diagSigmas[0] === 0 && c.diagSigmas.every((v, i) => i === 0 || v > c.diagSigmas[i - 1]), { message: "diagSigmas must start at 0 and increase", path: ["diagSigmas"] })
  .refine((c) => c.diagRank <= c.diagDim, { message: "diagRank must be <= diagDim", path: ["diagRank"] });

export type StochasticCollapseConfig = z.infer<typeof schema>;

const pick = (rows: readonly Row[], probe: string, key: string) => rows.filter((r) => r.probe === probe && r.key === key);
const one = (rows: readonly Row[], probe: string, key: string) => pick(rows, probe, key)[0]?.value ?? NaN;

/** The x (row t) where a piecewise-linear curve first rises through `level`. */
function crossingOf(points: readonly Row[], level: number): number {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.value < level && b.value >= level) return a.t + ((level - a.value) / (b.value - a.value)) * (b.t - a.t);
  }
  return NaN;
}

/** Binomial z-score of our fraction against a reference fraction that is itself a Monte-Carlo estimate. */
function binomialZ(p: number, n: number, pRef: number, nRef: number): number {
  const pooled = (p * n + pRef * nRef) / (n + nRef);
  const se = Math.sqrt(Math.max(pooled * (1 - pooled), 1 / (n + nRef)) * (1 / n + 1 / nRef));
  return Math.max(0, Math.abs(p - pRef) - 0.5 / n) / se; // 0.5/n continuity correction
}

/**
 * Stochastic collapse (arXiv 2306.04251): multiplicative SGD noise that vanishes on invariant sets
 * (vanishing or duplicate neurons) attracts the dynamics to them. Checked on the engine (exact
 * invariance), the quartic SDE (threshold zeta = sqrt(2 mu), growth rate, stationary moment,
 * collapse fractions), a single tanh neuron (alpha threshold) and a diagonal teacher-student net.
 */
export const stochasticCollapse: Experiment<StochasticCollapseConfig> = {
  id: "stochastic-collapse",
  title: "Stochastic collapse: SGD noise attracts the dynamics to invariant sets",
  paper: { arxiv: "2306.04251", title: "Stochastic Collapse: How Gradient Noise Attracts SGD Dynamics Towards Simpler Subnetworks", authors: "Chen, Kunin, Yamamura, Ganguli", year: 2023 },
  schema: schema as unknown as z.ZodType<StochasticCollapseConfig>,
  presets: {
    quick: {
      mu: 1.5, dt: 0.0025, horizon: 100, paths: 100, zetas: [0.5, 1.0, 1.5, 1.6, 1.8, 1.9, 2.0, 2.5], theta0: 1, eps: 1e-15, rateZetaBelow: 1.0, theta0Small: 1e-30,
      neuronSamples: 16, neuronLabelNoise: 0.1, neuronAlphas: [0.5, 0.8, 0.95, 1.05, 1.2, 1.5], neuronDt: 0.01, neuronHorizon: 100, neuronPaths: 100, neuronRadius: 1e-2, neuronRateAlpha: 3,
      diagDim: 16, diagRank: 4, diagSamples: 1024, diagEta: 3, diagSteps: 20000, diagSigmas: [0, 5, 10, 15, 20], diagDataNoise: 0.5, diagRepeats: 4, diagZeroTol: 1e-3,
      invWidth: 6, invSteps: 200, invLr: 0.05,
    },
    full: {
      mu: 1.5, dt: 0.0025, horizon: 100, paths: 1000, zetas: [0.5, 1.0, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.5], theta0: 1, eps: 1e-15, rateZetaBelow: 1.0, theta0Small: 1e-30,
      neuronSamples: 32, neuronLabelNoise: 0.1, neuronAlphas: [0.5, 0.8, 0.9, 0.95, 1.0, 1.05, 1.2, 1.5], neuronDt: 0.01, neuronHorizon: 300, neuronPaths: 400, neuronRadius: 1e-2, neuronRateAlpha: 3,
      diagDim: 16, diagRank: 4, diagSamples: 1024, diagEta: 3, diagSteps: 60000, diagSigmas: [0, 5, 10, 15, 20], diagDataNoise: 0.5, diagRepeats: 16, diagZeroTol: 1e-3,
      invWidth: 8, invSteps: 1000, invLr: 0.05,
    },
  },
  async *run(cfg, ctx) {
    // 1. Invariant sets on the engine.
    // On the reference backend (the engine's specification): a BLAS backend may sum edge columns of
    // a matmul in a different order, an ulp-level asymmetry that has nothing to do with SGD.
    const inv = S.withBackend("reference", () =>
      runInvariance({ inputs: 3, width: cfg.invWidth, outputs: 2, samples: 64, batch: 8, lr: cfg.invLr, momentum: 0.9, steps: cfg.invSteps }, ctx.rng.fork("invariance")),
    );
    for (const [key, value] of Object.entries(inv)) yield { step: cfg.invSteps, t: cfg.invSteps * cfg.invLr / (1 - 0.9), probe: "invariance", key, value };

    // 2. Quartic SDE: collapse fraction per zeta, growth rate of median log|theta|, stationary E theta^2.
    for (const [i, zeta] of cfg.zetas.entries()) {
      const res = simulateQuartic({ mu: cfg.mu, zeta, dt: cfg.dt, horizon: cfg.horizon, paths: cfg.paths, theta0: cfg.theta0, recordEvery: 1 }, ctx.rng.fork(`quartic-${i}`));
      let collapsed = 0;
      for (const th of res.final) if (Math.abs(th) < cfg.eps) collapsed++;
      yield { step: i, t: zeta, probe: "quartic-collapse", key: "fraction", value: collapsed / cfg.paths };
      if (zeta > stochastic.quarticCollapseThreshold(cfg.mu)) {
        // growth rate of the mean and median of log|theta| over the last 4/5 of the run (after the start transient)
        const keep = res.times.map((t, j) => j).filter((j) => res.times[j] >= cfg.horizon / 5);
        yield { step: i, t: zeta, probe: "quartic-rate", key: "slope", value: slope(keep.map((j) => res.times[j]), keep.map((j) => res.meanLog[j])) };
        yield { step: i, t: zeta, probe: "quartic-rate", key: "medianSlope", value: slope(keep.map((j) => res.times[j]), keep.map((j) => res.medianLog[j])) };
      } else {
        // stationary E theta^2: path-wise time average over the second half, error from path spread
        const half = res.times.map((t, j) => j).filter((j) => res.times[j] >= cfg.horizon / 2);
        const perPath = new Float64Array(cfg.paths);
        for (const j of half) for (let p = 0; p < cfg.paths; p++) perPath[p] += res.squares[j][p] / half.length;
        const m = perPath.reduce((a, b) => a + b, 0) / cfg.paths;
        const sd = Math.sqrt(perPath.reduce((a, b) => a + (b - m) ** 2, 0) / (cfg.paths - 1));
        yield { step: i, t: zeta, probe: "quartic-moment", key: "secondMoment", value: m };
        yield { step: i, t: zeta, probe: "quartic-moment", key: "secondMomentSE", value: sd / Math.sqrt(cfg.paths) };
      }
    }
    // Escape rate below threshold: from theta0Small, log|theta| grows at mu - zeta^2/2 until it nears 0;
    // simulated until the deterministic log-distance would be 2/3 covered.
    {
      const zeta = cfg.rateZetaBelow;
      const rate = stochastic.quarticLogGrowthRate(cfg.mu, zeta);
      const horizon = Math.min(cfg.horizon, (-Math.log(cfg.theta0Small) * 2) / 3 / rate);
      const res = simulateQuartic({ mu: cfg.mu, zeta, dt: cfg.dt, horizon, paths: cfg.paths, theta0: cfg.theta0Small, recordEvery: 0.5 }, ctx.rng.fork("quartic-escape"));
      const keep = res.times.map((t, j) => j).filter((j) => res.times[j] >= 2 && res.meanLog[j] < Math.log(cfg.theta0Small) / 3);
      const fit = (ys: number[]) => (keep.length >= 3 ? slope(keep.map((j) => res.times[j]), keep.map((j) => ys[j])) : NaN);
      yield { step: cfg.zetas.length, t: zeta, probe: "quartic-rate", key: "slope", value: fit(res.meanLog) };
      yield { step: cfg.zetas.length, t: zeta, probe: "quartic-rate", key: "medianSlope", value: fit(res.medianLog) };
    }

    // 3. Single tanh neuron: collapse fraction vs alpha, threshold sum xy / sum x^2.
    const drng = ctx.rng.fork("neuron-data");
    const x = new Float64Array(cfg.neuronSamples);
    const noise = new Float64Array(cfg.neuronSamples);
    drng.fillNormal(x);
    drng.fillNormal(noise);
    const y = x.map((xi, i) => xi + cfg.neuronLabelNoise * noise[i]);
    yield { step: 0, t: 0, probe: "neuron", key: "threshold", value: stochastic.neuronCollapseThreshold(x, y) };
    yield { step: 0, t: 0, probe: "neuron", key: "meanSquareX", value: x.reduce((a, b) => a + b * b, 0) / x.length };
    for (const [i, alpha] of cfg.neuronAlphas.entries()) {
      const res = simulateNeuron({ x, y, alpha, dt: cfg.neuronDt, horizon: cfg.neuronHorizon, paths: cfg.neuronPaths, w0: [1, 1], recordEvery: 1 }, ctx.rng.fork(`neuron-${i}`));
      let collapsed = 0;
      for (const r of res.finalNorm) if (r < cfg.neuronRadius) collapsed++;
      yield { step: i, t: alpha, probe: "neuron-collapse", key: "fraction", value: collapsed / cfg.neuronPaths };
    }
    {
      // Linearised collapse rate at a strong noise: the mean increment of log|w| per unit time over
      // record intervals that start with |w| < radius (Markov, so no selection bias; paths that
      // linger near the non-zero minimum, which dominate a plain mean of log|w|, are excluded).
      const res = simulateNeuron({ x, y, alpha: cfg.neuronRateAlpha, dt: cfg.neuronDt, horizon: Math.min(cfg.neuronHorizon, 40), paths: cfg.neuronPaths, w0: [1, 1], recordEvery: 0.5 }, ctx.rng.fork("neuron-rate"));
      const lr = Math.log(cfg.neuronRadius);
      let sum = 0;
      let count = 0;
      for (let j = 0; j + 1 < res.logNorms.length; j++) {
        const a = res.logNorms[j];
        const b = res.logNorms[j + 1];
        for (let p = 0; p < a.length; p++) if (a[p] < lr) {
          sum += b[p] - a[p];
          count++;
        }
      }
      yield { step: 0, t: cfg.neuronRateAlpha, probe: "neuron", key: "rate", value: count > 0 ? sum / (count * (res.times[1] - res.times[0])) : NaN };
      yield { step: 0, t: cfg.neuronRateAlpha, probe: "neuron", key: "rateIntervals", value: count };
    }
    // 4. Diagonal teacher-student with label noise.
    const task = makeDiagonalTask(ctx.rng.fork("diag-task"), cfg.diagDim, cfg.diagRank, cfg.diagDataNoise);
    for (const [i, sigma] of cfg.diagSigmas.entries()) {
      let nonzero = 0;
      let test = 0;
      for (let r = 0; r < cfg.diagRepeats; r++) {
        const p = runDiagonal(task, { eta: cfg.diagEta, samples: cfg.diagSamples, sigma, steps: cfg.diagSteps, decayAt: Math.round((5 * cfg.diagSteps) / 6) }, ctx.rng.fork(`diag-${i}-${r}`));
        nonzero += p.filter((v) => Math.abs(v) >= cfg.diagZeroTol).length / cfg.diagRepeats;
        test += diagonalTestLoss(task, p) / cfg.diagRepeats;
      }
      yield { step: i, t: sigma, probe: "diagonal", key: "nonzeroModes", value: nonzero };
      yield { step: i, t: sigma, probe: "diagonal", key: "predictedSurvivors", value: stochastic.survivingModes(task.s, cfg.diagEta, sigma, cfg.diagSamples) };
      yield { step: i, t: sigma, probe: "diagonal", key: "testLoss", value: test };
    }
  },
  theory(cfg) {
    // The t -> infinity prediction: fraction 0 below sqrt(2 mu), 1 above (row t holds zeta).
    const zc = stochastic.quarticCollapseThreshold(cfg.mu);
    return cfg.zetas.map((zeta, i) => ({ step: i, t: zeta, probe: "quartic-collapse", key: "fraction", value: zeta > zc ? 1 : 0 }));
  },
  claims: [
    {
      id: "invariant-sets-exact",
      statement: "Minibatch heavy-ball SGD (engine, S.sgd) on a two-layer tanh net keeps a vanished neuron (zero in/out weights) exactly zero and two duplicated neurons exactly equal: max deviation 0 (bound 0), while the loss decreases and a generic neuron pair moves apart",
      check: (rows) => {
        const dev = Math.max(one(rows, "invariance", "vanishedMax"), one(rows, "invariance", "duplicateMax"));
        const trained = one(rows, "invariance", "lossEnd") < one(rows, "invariance", "lossStart") && one(rows, "invariance", "genericGap") > 1e-3;
        return upperBound(0, trained ? dev : NaN, 0, "max |weight difference|");
      },
    },
    {
      id: "quartic-growth-rate",
      statement: "Quartic SDE: the mean over paths of log|theta_t| changes at the Ito rate mu - zeta^2/2 as simulated, i.e. corrected for Euler-Maruyama's O(dt) bias (E log|1 + mu dt + zeta sqrt(dt) xi| / dt; 3.4% more negative at zeta = 2.5, dt = 0.0025), within 5% (about 3 Monte-Carlo standard errors at 100 paths). Fit over t >= T/5 for the largest zeta above sqrt(2 mu), and from theta_0 = theta0Small for rateZetaBelow below it; the sign flips at sqrt(2 mu). Reported: the worse of the two",
      check: (rows, cfg) => {
        const rates = pick(rows, "quartic-rate", "slope");
        const above = rates.filter((r) => r.t > stochastic.quarticCollapseThreshold(cfg.mu));
        const checks = [above[above.length - 1], rates.find((r) => r.t === cfg.rateZetaBelow && r.step === cfg.zetas.length)].filter((r): r is Row => !!r);
        const vs = checks.map((r) => verdict(stochastic.eulerMaruyamaLogGrowthRate(cfg.mu, r.t, cfg.dt), r.value, 0.05, "1/time"));
        return vs.length === 2 ? vs.reduce((a, b) => (b.relError > a.relError ? b : a)) : verdict(NaN, NaN, 0.05);
      },
    },
    {
      id: "quartic-stationary-moment",
      statement: "Quartic SDE below threshold: the stationary E[theta^2] equals mu - zeta^2/2 (from the density |theta|^{2mu/zeta^2 - 2} e^{-theta^2/zeta^2}) within 4 standard errors of the path average + 1% for Euler-Maruyama bias, for every zeta below sqrt(2 mu) - 0.3 (closer to the threshold relaxation is slower than T/2). Reported: the worst zeta",
      check: (rows, cfg) => {
        const zc = stochastic.quarticCollapseThreshold(cfg.mu);
        const ms = pick(rows, "quartic-moment", "secondMoment").filter((r) => r.t < zc - 0.3);
        const ses = pick(rows, "quartic-moment", "secondMomentSE");
        const vs = ms.map((r) => {
          const th = stochastic.quarticStationarySecondMoment(cfg.mu, r.t);
          const se = ses.find((s) => s.t === r.t)?.value ?? NaN;
          return verdict(th, r.value, (4 * se) / th + 0.01, "theta^2");
        });
        return vs.length ? vs.reduce((a, b) => (b.relError - b.tolerance > a.relError - a.tolerance ? b : a)) : verdict(NaN, NaN, 0);
      },
    },
    {
      id: "quartic-collapse-table",
      statement: "Quartic SDE (mu = 1.5, dt = 0.0025, t = 100, collapsed = theta^2 < 1e-30): the collapse fraction at each zeta of the reference table is within 4 binomial standard errors (ours and the reference's 1000 paths, pooled p, continuity-corrected) of it. Reported: the largest z-score, bound 4",
      check: (rows, cfg) => {
        const same = cfg.mu === QUARTIC_REFERENCE.mu && cfg.dt === QUARTIC_REFERENCE.dt && cfg.horizon === QUARTIC_REFERENCE.horizon && cfg.eps === QUARTIC_REFERENCE.eps;
        const fr = pick(rows, "quartic-collapse", "fraction");
        const zs = QUARTIC_REFERENCE.table.flatMap(([zeta, pRef]) => {
          const r = fr.find((f) => f.t === zeta);
          return r ? [binomialZ(r.value, cfg.paths, pRef, QUARTIC_REFERENCE.paths)] : [];
        });
        return upperBound(0, same && zs.length ? Math.max(...zs) : NaN, 4, "binomial z-score");
      },
    },
    {
      id: "quartic-collapse-crossing",
      statement: "Quartic SDE: the 50% collapse crossing in zeta lies between sqrt(2 mu) (the t -> infinity threshold) and the finite-time bound sqrt(2 mu + 2 log(theta_0/eps)/T) (median of log|theta| without the confining quartic); tolerance = the width of that interval relative to sqrt(2 mu)",
      check: (rows, cfg) => {
        const zc = stochastic.quarticCollapseThreshold(cfg.mu);
        const hi = stochastic.quarticFiniteTimeCrossingBound(cfg.mu, cfg.theta0, cfg.eps, cfg.horizon);
        const c = crossingOf(pick(rows, "quartic-collapse", "fraction"), 0.5);
        const r: ClaimResult = { ...verdict(zc, c, (hi - zc) / zc, "zeta"), pass: c >= zc && c <= hi };
        return r;
      },
    },
    {
      id: "neuron-collapse-crossing",
      statement: "Single tanh neuron f = w2 tanh(w1 x): the alpha where half the paths have |w| < radius at T is within 10% of the threshold sum x y / sum x^2 (Thm 5.1: collapse iff alpha = eta zeta^2 sigma'(0)/2 exceeds it)",
      check: (rows) => verdict(one(rows, "neuron", "threshold"), crossingOf(pick(rows, "neuron-collapse", "fraction"), 0.5), 0.1, "alpha"),
    },
    {
      id: "neuron-collapse-rate",
      statement: "Single tanh neuron at alpha = neuronRateAlpha: log|w| falls, over record intervals that start with |w| < radius, at the linearised rate (sum x^2/m)(alpha* - alpha) of the mode w1 + w2, corrected for Euler-Maruyama's O(dt) bias, within max(5%, 4 Monte-Carlo standard errors), the standard error being sqrt(2 alpha sum x^2/m) / sqrt(total time in the counted intervals)",
      check: (rows, cfg) => {
        const alpha = cfg.neuronRateAlpha;
        const th = one(rows, "neuron", "threshold");
        const xx = one(rows, "neuron", "meanSquareX");
        const theory = stochastic.eulerMaruyamaLogGrowthRate(xx * th, Math.sqrt(2 * alpha * xx), cfg.neuronDt);
        const se = Math.sqrt(2 * alpha * xx) / Math.sqrt(one(rows, "neuron", "rateIntervals") * 0.5); // 0.5 = record interval
        return verdict(theory, one(rows, "neuron", "rate"), Math.max(0.05, (4 * se) / Math.abs(theory)), "1/time");
      },
    },
    {
      id: "diagonal-modes-decrease",
      statement: "Diagonal teacher-student with label noise: the mean number of non-zero student modes (|u v| >= diagZeroTol) never increases with the label-noise scale sigma and is strictly lower at the largest sigma than at sigma = 0. Reported: modes at the largest sigma vs at sigma = 0 (pass needs the monotone sequence)",
      check: (rows) => {
        const m = pick(rows, "diagonal", "nonzeroModes");
        const monotone = m.every((r, i) => i === 0 || r.value <= m[i - 1].value + 1e-12);
        const first = m[0]?.value ?? NaN;
        const last = m[m.length - 1]?.value ?? NaN;
        return { theory: first, measured: last, tolerance: 0, relError: (first - last) / first, pass: monotone && last < first, units: "modes" };
      },
    },
    {
      id: "diagonal-test-loss",
      statement: "Diagonal teacher-student: the test loss mean((W_student - W)^2) at the best sigma > 0 is below the test loss at sigma = 0 (label noise collapses the noise-fitting modes). Reported: best noisy loss vs noiseless loss; which sigma wins is in the rows",
      check: (rows) => {
        const t = pick(rows, "diagonal", "testLoss");
        const clean = t[0]?.value ?? NaN;
        const best = Math.min(...t.slice(1).map((r) => r.value));
        return upperBound(clean, best, clean, "test loss");
      },
    },
  ],
  figure: { probe: "quartic-collapse", key: "fraction", x: "t", xLabel: "noise zeta (row t holds zeta; theory: step at sqrt(2 mu))", yLabel: "fraction of paths with theta_T^2 < 1e-30" },
};
