import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import { PAPERS, atMost, between, defineExperiment, finished, meanSe, phases, tick, trainHooks, zClose, zSample, type Claim } from "../../kit/index.js";
import { simulateAdditive } from "./additive-model.js";
import { engineBatch, makeRegression, simulateRegressionPath, type RegressionProblem } from "./linear-regression.js";
import { logLags, logLogSlope, meanSquaredDisplacement, spectralPeak } from "./analysis.js";

const { stochastic } = S;

const schema = z
  .object({
    hs: z.array(z.number().positive().max(100)).min(1).max(12).describe("Hessian eigenvalues h of the quadratic (additive model) and the input spectrum (regression)"),
    eta: z.number().positive().max(10).describe("learning rate eta"),
    beta: z.number().min(0).lt(1).describe("heavy-ball coefficient beta (PyTorch: v <- beta v + g + lambda theta)"),
    batch: z.number().int().positive().max(4096).describe("batch size S"),
    lambda: z.number().nonnegative().max(10).describe("coupled weight decay lambda of the additive model"),
    sigma2: z.number().positive().max(100).describe("label-noise variance sigma^2 (additive gradient noise q = sigma^2 h / S)"),
    burnIn: z.number().int().nonnegative().max(1e6).describe("steps discarded before measuring (at least 20 relaxation times of the slowest direction are always discarded)"),
    annealFactor: z.number().gt(1).max(100).describe("anneal(): S' = S / a, beta' = sqrt(1 - a (1 - beta^2)), eta' = eta (1 + beta)/(1 + beta')"),
    additive: z
      .object({
        paths: z.number().int().min(8).max(4096).describe("independent paths per direction (the sample of the variance z-tests)"),
        steps: z.number().int().min(1000).max(1e7).describe("measured steps per path"),
      })
      .strict()
      .describe("the additive-noise model (one quadratic direction per h)"),
    oscillation: z
      .object({
        h: z.number().positive().max(100).describe("Hessian eigenvalue of the underdamped direction"),
        beta: z.number().min(0).lt(1).describe("its momentum (underdamped for large beta)"),
        steps: z.number().int().min(256).max(1 << 20).describe("FFT length (measured steps per path)"),
        paths: z.number().int().min(4).max(1024).describe("independent paths; each path's periodogram peak is one sample"),
      })
      .strict()
      .describe("the phase-space oscillation run (additive model)"),
    regression: z
      .object({
        samples: z.number().int().min(10).max(20000).describe("n training samples (drawn with replacement into batches; the theory sums n d^4 fourth moments)"),
        lambda: z.number().nonnegative().max(10).describe("coupled weight decay (its minimum's bias adds to the residual noise)"),
        paths: z.number().int().min(4).max(1024).describe("independent SGD paths from the minimum"),
        steps: z.number().int().min(1000).max(1 << 20).describe("measured steps per path (one path's trace is held in memory)"),
        blocks: z.number().int().min(1).max(64).describe("blocks per path for the variance z-tests (block means are the sample)"),
      })
      .strict()
      .describe("real minibatch linear regression"),
    msd: z
      .object({
        maxLag: z.number().int().min(10).max(1e6).describe("largest lag in steps"),
        earlyLag: z.number().int().min(2).max(1000).describe("the early-time exponent is fitted on lags 1..this"),
      })
      .strict()
      .describe("distance travelled (mean squared displacement) of the regression paths"),
    engineSteps: z.number().int().positive().max(1e5).describe("steps of the engine (S.train with S.sgd) cross-check of the fast loop"),
  })
  .strict()
  .refine((c) => c.hs.every((h) => c.eta * (h + c.lambda) < 2 * (1 + c.beta)) && c.hs.every((h) => c.eta * (h + c.regression.lambda) < 2 * (1 + c.beta)), { message: "unstable: needs eta (h + lambda) < 2 (1 + beta) for every h", path: ["eta"] })
  .refine((c) => c.eta * (c.oscillation.h + c.lambda) < 2 * (1 + c.oscillation.beta), { message: "unstable oscillation run", path: ["oscillation", "h"] })
  .refine((c) => c.annealFactor * (1 - c.beta * c.beta) < 1, { message: "annealFactor (1 - beta^2) must be < 1", path: ["annealFactor"] })
  .refine((c) => c.msd.maxLag < c.regression.steps / 2, { message: "msd.maxLag must be below regression.steps / 2", path: ["msd", "maxLag"] })
  .refine((c) => c.msd.earlyLag < c.msd.maxLag, { message: "msd.earlyLag must be below msd.maxLag", path: ["msd", "earlyLag"] });

export type LimitingSgdConfig = z.infer<typeof schema>;

/** |z| bound of every z-test here: ~30 tests per run, each with a false-alarm rate <= 4e-4 (t with >= 31 d.o.f.). */
const MAX_Z = 4;

const direction = (cfg: LimitingSgdConfig, h: number, hyper = { eta: cfg.eta, beta: cfg.beta, batch: cfg.batch }): S.stochastic.HeavyBallDirection => ({
  h,
  lambda: cfg.lambda,
  eta: hyper.eta,
  beta: hyper.beta,
  q: stochastic.labelNoiseVariance(cfg.sigma2, h, hyper.batch),
});

/** Largest |root| of z^2 - (1 + beta - eta h') z + beta: the per-step contraction of one direction. */
function spectralRadius(h: number, lambda: number, eta: number, beta: number): number {
  const a1 = 1 + beta - eta * (h + lambda);
  const disc = a1 * a1 - 4 * beta;
  return disc < 0 ? Math.sqrt(beta) : (Math.abs(a1) + Math.sqrt(disc)) / 2;
}

/** Steps of one relaxation time of the slowest direction of the config (additive, anneal and regression runs). */
export function relaxationSteps(cfg: LimitingSgdConfig): number {
  const hyper = stochastic.anneal({ batch: cfg.batch, beta: cfg.beta, eta: cfg.eta }, cfg.annealFactor);
  let worst = 0;
  for (const h of cfg.hs) {
    worst = Math.max(worst, spectralRadius(h, cfg.lambda, cfg.eta, cfg.beta), spectralRadius(h, cfg.lambda, hyper.eta, hyper.beta), spectralRadius(h, cfg.regression.lambda, cfg.eta, cfg.beta));
  }
  return 1 / -Math.log(worst);
}

/** Steps discarded: the config's burnIn, and at least 20 relaxation times (the start's transient is e^{-40} in the variance). */
const burnInOf = (cfg: LimitingSgdConfig) => Math.max(cfg.burnIn, Math.ceil(20 * relaxationSteps(cfg)));

/** The lags of the MSD curve: 40 log-spaced ones plus the claimed lags. */
function msdLags(cfg: LimitingSgdConfig): number[] {
  return [...new Set([...logLags(cfg.msd.maxLag, 40), ...claimLags(cfg)])].sort((a, b) => a - b);
}

/** The lags with a claim each: 1, earlyLag, two log-spaced between earlyLag and maxLag, and maxLag. */
function claimLags(cfg: LimitingSgdConfig): number[] {
  const { earlyLag: e, maxLag: m } = cfg.msd;
  return [...new Set([1, e, Math.round(e * (m / e) ** (1 / 3)), Math.round(e * (m / e) ** (2 / 3)), m])].sort((a, b) => a - b);
}

/** The ballistic-window lags of the early exponent: the curve's lags <= earlyLag. */
const earlyLags = (cfg: LimitingSgdConfig) => msdLags(cfg).filter((k) => k <= cfg.msd.earlyLag);

interface Setup {
  /** The regression data (setup stream), shared by the run and the theory. */
  prob: RegressionProblem;
}

/** The regression directions of the data's Hessian (ascending eigenvalues), with the run's hyperparameters. */
const regressionDirs = (cfg: LimitingSgdConfig, prob: RegressionProblem): S.stochastic.HeavyBallDirection[] =>
  Array.from(prob.h, (h) => ({ h, lambda: cfg.regression.lambda, eta: cfg.eta, beta: cfg.beta, q: stochastic.labelNoiseVariance(cfg.sigma2, h, cfg.batch) }));

/** Ratio a/b of two independent sample means with its delta-method standard error. */
function ratioSe(a: readonly number[], b: readonly number[]): { ratio: number; se: number; n: number } {
  const x = meanSe(a);
  const y = meanSe(b);
  const ratio = x.mean / y.mean;
  return { ratio, se: Math.abs(ratio) * Math.hypot(x.se / x.mean, y.se / y.mean), n: Math.min(x.n, y.n) };
}

function claimsFor(cfg: LimitingSgdConfig): Claim<LimitingSgdConfig, Setup>[] {
  const out: Claim<LimitingSgdConfig, Setup>[] = [];
  cfg.hs.forEach((h, i) => {
    const dir = { dir: i };
    out.push({
      id: `additive-variance-${i + 1}`,
      kind: "claim",
      statement: `Additive-noise heavy-ball model, direction ${i + 1} (h = ${h}): the stationary position variance (mean over independent paths of each path's time average) equals the exact discrete AR(2) formula eta q / (2 (1 - beta) h') / (1 - eta h' / (2 (1 + beta))), z-test with the paths' standard error`,
      check: ({ sim, theory }) => zSample(theory.one("additive", "discrete", dir), sim.values("additive", "pathVariance", dir), MAX_Z, { units: "parameter^2" }),
    });
    out.push({
      id: `additive-continuous-${i + 1}`,
      kind: "claim",
      statement: `Direction ${i + 1} (h = ${h}): the paper's continuous formula eta sigma^2 / (2 S (1 - beta)) h / (h + lambda) holds up to its finite-eta factor: the measured variance lies between the continuous and the exact discrete value, widened by ${MAX_Z} standard errors of the paths' mean (the allowance is the discretisation error, computed for this config)`,
      check: ({ sim, theory }) => {
        const cont = theory.one("additive", "continuous", dir);
        const disc = theory.one("additive", "discrete", dir);
        const m = meanSe(sim.values("additive", "pathVariance", dir));
        return between(m.mean, Math.min(cont, disc) - MAX_Z * m.se, Math.max(cont, disc) + MAX_Z * m.se, { theory: cont, units: "parameter^2", note: `discretisation factor ${(disc / cont).toFixed(4)}, paths' se ${m.se.toPrecision(3)} (n = ${m.n})` });
      },
    });
    out.push({
      id: `anneal-invariance-${i + 1}`,
      kind: "claim",
      statement: `Direction ${i + 1} (h = ${h}): anneal() (S' = S/a, beta' = sqrt(1 - a (1 - beta^2)), eta' = eta (1 + beta)/(1 + beta')) keeps the stationary variance: the measured ratio Var'/Var equals the exact discrete prediction (1 in the continuous model), z-test with the delta-method standard error of the two independent path samples`,
      check: ({ sim, theory }) => {
        const r = ratioSe(sim.values("anneal", "pathVariance", dir), sim.values("additive", "pathVariance", dir));
        return zClose(theory.one("anneal", "discrete", dir) / theory.one("additive", "discrete", dir), r.ratio, r.se, r.n, MAX_Z, { units: "Var' / Var" });
      },
    });
  });
  out.push({
    id: "oscillation-frequency",
    kind: "claim",
    statement: `Phase-space oscillation (h = ${cfg.oscillation.h}, beta = ${cfg.oscillation.beta}): the periodogram peak of the position equals the peak of the exact AR(2) spectral density, cos w = a1 (1 + beta) / (4 beta), z-test over the paths' peaks`,
    check: ({ sim, theory }) => zSample(theory.one("oscillation", "spectralPeak"), sim.values("oscillation", "pathPeak"), MAX_Z, { units: "cycles per step" }),
  });
  out.push({
    id: "oscillation-continuous",
    kind: "claim",
    statement: "The paper's continuous frequency eta sqrt(omega^2 - gamma^2) / (2 pi) cycles per step holds up to discretisation: the mean of the paths' peaks lies between it and the exact AR(2) spectral peak, widened by 4 standard errors",
    check: ({ sim, theory }) => {
      const cont = theory.one("oscillation", "continuous");
      const peak = theory.one("oscillation", "spectralPeak");
      const m = meanSe(sim.values("oscillation", "pathPeak"));
      return between(m.mean, Math.min(cont, peak) - MAX_Z * m.se, Math.max(cont, peak) + MAX_Z * m.se, { theory: cont, units: "cycles per step", note: `exact spectral peak ${peak.toPrecision(6)}, paths' se ${m.se.toPrecision(3)} (n = ${m.n})` });
    },
  });
  out.push({
    id: "engine-matches-fast-loop",
    kind: "identity",
    statement: "The vectorised minibatch loop is the engine's optimizer: the same minibatches through S.train with S.sgd(eta, { momentum: beta, wd: lambda }) give the same iterates, max |difference| <= 1e-12",
    check: ({ sim }) => atMost(sim.one("engine", "maxDiff"), 1e-12, { theory: 0, units: "parameter" }),
  });
  cfg.hs.forEach((_, k) => {
    const dir = { dir: k };
    out.push({
      id: `regression-variance-${k + 1}`,
      kind: "claim",
      statement: `Real minibatch linear regression, Hessian direction ${k + 1} (ascending): the stationary variance equals Saddle's exact second-moment theory (noise covariance from the data at theta*, plus the multiplicative part E[(x^T delta)^2 x x^T] / S, solved with the full cross-covariance; core stochastic.regressionSgdCovariance), z-test over block means (blocks of each path)`,
      check: ({ sim, theory }) => zSample(theory.one("regression", "variance", dir), sim.values("regression", "blockVariance", dir), MAX_Z, { units: "parameter^2" }),
    });
  });
  for (const lag of claimLags(cfg)) {
    out.push({
      id: `msd-lag-${lag}`,
      kind: "claim",
      statement: `Distance travelled from a stationary start at lag ${lag} steps: E|theta_{t0+k} - theta_t0|^2 equals sum_i 2 Var_i (1 - rho_i(k)) with Saddle's predicted variances Var_i (exact second-moment theory from the data, lr, batch and weight decay) and the exact AR(2) autocorrelation rho_i, z-test over the independent paths`,
      check: ({ sim, theory }) => zSample(theory.one("msd", "msd", { lag }), sim.values("msd", "pathMsd", { lag }), MAX_Z, { units: "parameter^2" }),
    });
  }
  out.push({
    id: "msd-early-exponent",
    kind: "claim",
    statement: `The log-log slope of the distance travelled over lags 1..${cfg.msd.earlyLag} (ballistic, below the damping time) equals the slope of the predicted curve over the same lags, z-test over the paths' slopes`,
    check: ({ sim, theory }) => zSample(theory.one("msd", "earlyExponent"), sim.values("msd", "pathEarlyExponent"), MAX_Z, { units: "exponent" }),
  });
  return out;
}

/**
 * The limiting dynamics of SGD (arXiv 2107.09133): near a minimum, heavy-ball SGD with weight decay
 * and minibatch noise is an underdamped Ornstein-Uhlenbeck process per Hessian eigendirection:
 * stationary variances, oscillation frequency, anneal() invariants and the displacement curve.
 * Every statistical claim is a z-test with the standard error of its own sample of independent
 * paths (or blocks); every prediction is computed from the config by core theory
 * (S.stochastic), the regression's from its data.
 */
export const limitingSgd = defineExperiment({
  id: "limiting-sgd",
  title: "Limiting dynamics of SGD: stationary covariance, phase-space oscillation and OU displacement",
  family: "symmetry",
  paper: PAPERS.limitingSgd,
  schema,
  presets: {
    quick: {
      hs: [2, 1, 0.5, 0.25, 0.1], eta: 0.05, beta: 0.9, batch: 10, lambda: 0.05, sigma2: 0.25, burnIn: 1000, annealFactor: 2,
      additive: { paths: 64, steps: 10000 },
      oscillation: { h: 2, beta: 0.99, steps: 8192, paths: 32 },
      regression: { samples: 2000, lambda: 0.05, paths: 32, steps: 8192, blocks: 4 },
      msd: { maxLag: 2000, earlyLag: 8 },
      engineSteps: 100,
    },
    full: {
      burnIn: 2000,
      additive: { paths: 128, steps: 100000 },
      oscillation: { h: 2, beta: 0.99, steps: 32768, paths: 64 },
      regression: { samples: 2000, lambda: 0.05, paths: 64, steps: 65536, blocks: 16 },
      msd: { maxLag: 8000, earlyLag: 8 },
      engineSteps: 400,
    },
  },
  domain: {
    axes: {
      hs: { choices: [[2, 1, 0.5, 0.25, 0.1], [1, 0.5, 0.2], [3, 1, 0.3, 0.1], [1.5, 1.5, 0.5, 0.5]] },
      eta: { range: [0.02, 0.1], scale: "log" },
      beta: { range: [0.6, 0.95] },
      batch: { choices: [5, 10, 20] },
      lambda: { range: [0, 0.1] },
      sigma2: { range: [0.1, 1], scale: "log" },
      annealFactor: { range: [1.2, 3] },
      oscillation: { choices: [{ h: 2, beta: 0.99, steps: 8192, paths: 32 }, { h: 1, beta: 0.98, steps: 8192, paths: 32 }, { h: 0.5, beta: 0.995, steps: 16384, paths: 32 }] },
      regression: { choices: [{ samples: 2000, lambda: 0.05, paths: 32, steps: 8192, blocks: 4 }, { samples: 500, lambda: 0, paths: 32, steps: 8192, blocks: 4 }, { samples: 4000, lambda: 0.1, paths: 32, steps: 8192, blocks: 4 }] },
    },
    seeds: [0, 1000],
    // Stationary second moments of the multiplicative-noise regression need the noise gain
    // eta tr(H) / (2 (1 - beta) S) well below 1 (at 1 they diverge; near it the per-path variances
    // are heavy-tailed); and every time average needs many relaxation times per sample.
    where: (c) => {
      const gain = (c.eta * c.hs.reduce((a, b) => a + b, 0)) / (2 * (1 - c.beta) * c.batch);
      const tau = relaxationSteps(c);
      return gain <= 0.3 && tau <= Math.min(c.additive.steps, c.regression.steps / c.regression.blocks) / 50 && tau <= c.msd.maxLag;
    },
    note: "Noise gain eta tr(H) / (2 (1 - beta) S) <= 0.3: the regression's second moments diverge at gain ~1 (multiplicative minibatch noise) and have heavy-tailed path averages near it. Each path average (additive steps, regression block) spans >= 50 relaxation times of the slowest direction, so path and block means are independent and near Gaussian. beta >= 0.6 with annealFactor in [1.2, 3] so anneal() is defined (a (1 - beta^2) < 1)",
  },
  setup: (cfg, { rng }) => ({ prob: makeRegression(rng.fork("regression-data"), cfg.regression.samples, cfg.hs, cfg.sigma2, cfg.regression.lambda) }),
  async *run(cfg, ctx, { prob }) {
    const burnIn = burnInOf(cfg);
    const tOf = (step: number, eta = cfg.eta, beta = cfg.beta) => S.flowTime(step, eta, beta);
    yield* phases(ctx, [
      [
        // The fast loop is the engine's optimizer: the same minibatches through S.train with S.sgd(momentum, wd).
        "engine",
        async function* (): AsyncGenerator<Row> {
          const steps = cfg.engineSteps;
          const irng = ctx.rng.fork("engine-batches");
          const indices = new Int32Array((steps + 1) * cfg.batch).map(() => irng.nextInt(0, prob.n));
          const d = prob.d;
          type P = { theta: Tensor };
          const run = S.train<P, { x: Tensor; y: Tensor }>({
            params: { theta: S.tensor(prob.thetaStar, [d, 1]) },
            loss: (p, b) => S.mse(S.matmul(b.x, p.theta), b.y),
            optimizer: S.sgd(cfg.eta, { momentum: cfg.beta, wd: cfg.regression.lambda }),
            steps,
            batches: (step) => engineBatch(prob, indices, cfg.batch, step),
            time: { lr: cfg.eta, momentum: cfg.beta },
            ...trainHooks(ctx, "engine"),
          });
          for await (const r of run) yield r;
          if (!finished(run)) return;
          const theta = run.params.theta.data;
          const fast = simulateRegressionPath(prob, { eta: cfg.eta, beta: cfg.beta, lambda: cfg.regression.lambda, batch: cfg.batch, burnIn: 0, steps }, ctx.rng.fork("unused"), indices);
          let diff = 0;
          for (let m = 0; m < d; m++) {
            let proj = 0;
            for (let c = 0; c < d; c++) proj += (theta[c] - prob.thetaStar[c]) * prob.u[c * d + m];
            diff = Math.max(diff, Math.abs(proj - fast[m][steps - 1]));
          }
          yield { step: steps, t: tOf(steps), probe: "engine", key: "maxDiff", value: diff };
        },
      ],
      [
        // Additive-noise model per direction, and the same direction under anneal().
        "additive",
        async function* (): AsyncGenerator<Row> {
          const hyper = stochastic.anneal({ batch: cfg.batch, beta: cfg.beta, eta: cfg.eta }, cfg.annealFactor);
          for (const [i, h] of cfg.hs.entries()) {
            if (await tick(ctx)) return;
            const res = simulateAdditive({ ...direction(cfg, h), paths: cfg.additive.paths, burnIn, steps: cfg.additive.steps }, ctx.rng.fork(`additive-${i}`));
            for (const [p, v] of res.pathVariance.entries()) yield { step: cfg.additive.steps, t: tOf(cfg.additive.steps), probe: "additive", key: "pathVariance", value: v, coords: { dir: i, path: p } };
            yield { step: cfg.additive.steps, t: h, probe: "additive", key: "variance", value: res.positionVariance, coords: { dir: i } };
            yield { step: cfg.additive.steps, t: h, probe: "additive", key: "velocityVariance", value: res.velocityVariance, coords: { dir: i } };
            if (await tick(ctx)) return;
            const ra = simulateAdditive({ ...direction(cfg, h, hyper), paths: cfg.additive.paths, burnIn, steps: cfg.additive.steps }, ctx.rng.fork(`anneal-${i}`));
            for (const [p, v] of ra.pathVariance.entries()) yield { step: cfg.additive.steps, t: tOf(cfg.additive.steps, hyper.eta, hyper.beta), probe: "anneal", key: "pathVariance", value: v, coords: { dir: i, path: p } };
            yield { step: cfg.additive.steps, t: h, probe: "anneal", key: "variance", value: ra.positionVariance, coords: { dir: i } };
          }
        },
      ],
      [
        // Phase-space oscillation: periodogram peak of the position in an underdamped direction, per path.
        "oscillation",
        async function* (): AsyncGenerator<Row> {
          const o = cfg.oscillation;
          const d = { ...direction(cfg, o.h), beta: o.beta };
          const burn = cfg.burnIn + Math.ceil(20 / -Math.log(spectralRadius(o.h, cfg.lambda, cfg.eta, o.beta)));
          const rng = ctx.rng.fork("oscillation");
          const traces: Float64Array[] = [];
          for (let p = 0; p < o.paths; p++) {
            if (await tick(ctx)) return;
            const res = simulateAdditive({ ...d, paths: 1, burnIn: burn, steps: o.steps, keep: o.steps }, rng.fork(p));
            traces.push(res.traces[0]);
            yield { step: o.steps, t: o.h, probe: "oscillation", key: "pathPeak", value: spectralPeak([res.traces[0]]), coords: { path: p } };
          }
          yield { step: o.steps, t: o.h, probe: "oscillation", key: "peak", value: spectralPeak(traces) };
        },
      ],
      [
        // Real minibatch linear regression: variances per block, distance travelled per path.
        "regression",
        async function* (): AsyncGenerator<Row> {
          const r = cfg.regression;
          const run = { eta: cfg.eta, beta: cfg.beta, lambda: r.lambda, batch: cfg.batch, burnIn, steps: r.steps };
          const lags = msdLags(cfg);
          const early = earlyLags(cfg);
          const rng = ctx.rng.fork("regression-sgd");
          const len = Math.floor(r.steps / r.blocks);
          const pooled = new Float64Array(lags.length);
          for (let p = 0; p < r.paths; p++) {
            if (await tick(ctx)) return;
            const tr = simulateRegressionPath(prob, run, rng.fork(p));
            for (let m = 0; m < prob.d; m++) {
              for (let b = 0; b < r.blocks; b++) {
                let s = 0;
                for (let j = b * len; j < (b + 1) * len; j++) s += tr[m][j] * tr[m][j];
                yield { step: (b + 1) * len, t: tOf((b + 1) * len), probe: "regression", key: "blockVariance", value: s / len, coords: { dir: m, block: p * r.blocks + b } };
              }
            }
            if (await tick(ctx)) return;
            const msd = meanSquaredDisplacement([tr], lags);
            for (const [j, k] of lags.entries()) {
              pooled[j] += msd[j] / r.paths;
              yield { step: k, t: tOf(k), probe: "msd", key: "pathMsd", value: msd[j], coords: { lag: k, path: p } };
            }
            yield { step: cfg.msd.earlyLag, t: tOf(cfg.msd.earlyLag), probe: "msd", key: "pathEarlyExponent", value: logLogSlope(early, early.map((k) => msd[lags.indexOf(k)])), coords: { path: p } };
          }
          for (const [j, k] of lags.entries()) yield { step: k, t: tOf(k), probe: "msd", key: "msd", value: pooled[j], coords: { lag: k } };
        },
      ],
    ]);
  },
  theory(cfg, _ctx, { prob }) {
    const rows: Row[] = [];
    const hyper = stochastic.anneal({ batch: cfg.batch, beta: cfg.beta, eta: cfg.eta }, cfg.annealFactor);
    for (const [i, h] of cfg.hs.entries()) {
      const d = direction(cfg, h);
      const base = { step: 0, t: h, probe: "additive", coords: { dir: i } };
      rows.push({ ...base, key: "discrete", value: stochastic.discretePositionVariance(d) });
      rows.push({ ...base, key: "continuous", value: stochastic.continuousPositionVariance(d) });
      rows.push({ ...base, key: "velocityDiscrete", value: stochastic.discreteVelocityVariance(d) });
      rows.push({ step: 0, t: h, probe: "anneal", key: "discrete", value: stochastic.discretePositionVariance(direction(cfg, h, hyper)), coords: { dir: i } });
    }
    const o = cfg.oscillation;
    const ob = { step: 0, t: o.h, probe: "oscillation" };
    rows.push({ ...ob, key: "spectralPeak", value: stochastic.spectralPeakCyclesPerStep(o.h, cfg.lambda, cfg.eta, o.beta) });
    rows.push({ ...ob, key: "continuous", value: stochastic.oscillationCyclesPerStep(o.h, cfg.lambda, cfg.eta, o.beta) });
    rows.push({ ...ob, key: "discrete", value: stochastic.discreteOscillationCyclesPerStep(o.h, cfg.lambda, cfg.eta, o.beta) });
    // Regression: exact stationary covariance from the data (eigenbasis of its Hessian).
    const { covariance, noise } = stochastic.regressionSgdCovariance(prob, { eta: cfg.eta, beta: cfg.beta, lambda: cfg.regression.lambda, batch: cfg.batch });
    const dirs = regressionDirs(cfg, prob);
    const variances = dirs.map((_, k) => covariance[k * prob.d + k]);
    for (const [k, d] of dirs.entries()) {
      const base = { step: 0, t: d.h, probe: "regression", coords: { dir: k } };
      rows.push({ ...base, key: "variance", value: variances[k] });
      rows.push({ ...base, key: "noise", value: noise[k * prob.d + k] });
      rows.push({ ...base, key: "continuous", value: stochastic.continuousPositionVariance(d) });
    }
    const lags = msdLags(cfg);
    const msd = stochastic.ouMeanSquaredDisplacement(dirs, lags, variances);
    for (const [j, k] of lags.entries()) rows.push({ step: k, t: S.flowTime(k, cfg.eta, cfg.beta), probe: "msd", key: "msd", value: msd[j], coords: { lag: k } });
    const early = earlyLags(cfg);
    rows.push({ step: cfg.msd.earlyLag, t: S.flowTime(cfg.msd.earlyLag, cfg.eta, cfg.beta), probe: "msd", key: "earlyExponent", value: logLogSlope(early, early.map((k) => msd[lags.indexOf(k)])) });
    return rows;
  },
  claims: (cfg) => claimsFor(cfg),
  figure: { probe: "msd", key: "msd", x: "step", logx: true, logy: true, xLabel: "lag k (steps)", yLabel: "E|theta_{t0+k} - theta_t0|^2 (predicted dashed)" },
});
