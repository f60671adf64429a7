import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import type { ClaimResult, Experiment } from "../../types.js";
import { medianSeconds, speedupClaim } from "../../shared/timing.js";
import { verdict } from "../../types.js";

const { agf } = S;

const schema = z
  .object({
    s: z.array(z.number().positive()).min(1).max(8).describe("singular values of the teacher map B (y = B x)"),
    lambda: z.array(z.number().positive()).min(1).max(8).describe("input covariance eigenvalues (Sigma_xx commutes with B^T B)"),
    hidden: z.number().int().positive().describe("hidden width H"),
    alpha: z.number().positive().lt(0.5).describe("initial scale of the main run: A ~ alpha N(0, 1/c), W ~ alpha N(0, 1/d)"),
    sweep: z.array(z.number().positive().lt(0.5)).min(2).describe("initial scales (decreasing) of the convergence check"),
    lr: z.number().positive().describe("GD learning rate on Saddle's MSE (1/2 mean over outputs, population gradient)"),
    horizon: z.number().positive().describe("simulated time in units of c log(1/(sqrt 2 alpha)) of gradient-flow time"),
    every: z.number().int().positive().describe("GD steps between logged rows"),
    seed: z.number().int().nonnegative().describe("seed of the initialisation"),
  })
  .strict()
  .refine((c) => c.s.length === c.lambda.length, { message: "s and lambda must have the same length (d = c)", path: ["lambda"] })
  .refine((c) => c.sweep.every((a, i) => i === 0 || a < c.sweep[i - 1]), { message: "sweep must be strictly decreasing", path: ["sweep"] });

export type AgfLinearNetworkConfig = z.infer<typeof schema>;

/** Commuting moments in the eigenbasis: Sigma_xx = diag(lambda), Sigma_yx = B Sigma_xx = diag(s lambda). */
function moments(cfg: AgfLinearNetworkConfig): S.agf.LinearNetworkMoments {
  const d = cfg.s.length;
  const sxx = new Float64Array(d * d);
  const syx = new Float64Array(d * d);
  let traceSyy = 0;
  for (let i = 0; i < d; i++) {
    sxx[i * d + i] = cfg.lambda[i];
    syx[i * d + i] = cfg.s[i] * cfg.lambda[i];
    traceSyy += cfg.s[i] * cfg.s[i] * cfg.lambda[i];
  }
  return { sxx, syx, d, c: d, traceSyy };
}

/** The conjecture's staircase in Saddle units: levels / c, times in units of log(1/(sqrt 2 alpha)) of Saddle time (x c). */
function prediction(cfg: AgfLinearNetworkConfig) {
  const m = moments(cfg);
  const r = agf.linearNetworkAgf(m, Math.min(cfg.hidden, m.d));
  const levelScale = S.lossScale("half-mean-samples", "half-mean", 1, m.c);
  return { ...r, saddleLevels: r.levels.map((l) => l * levelScale), timeUnit: (alpha: number) => S.convertFlowTime(Math.log(1 / (Math.SQRT2 * alpha)), "half-mean-samples", "half-mean", 1, m.c) };
}

const probeName = (cfg: AgfLinearNetworkConfig, alpha: number) => (alpha === cfg.alpha ? "train" : `train@${alpha}`);
const predictorProbe = (cfg: AgfLinearNetworkConfig, alpha: number) => (alpha === cfg.alpha ? "predictor" : `predictor@${alpha}`);

function crossings(rows: readonly Row[], cfg: AgfLinearNetworkConfig, alpha: number): number[] {
  const { t, loss } = agf.lossSeries(rows, probeName(cfg, alpha));
  const p = prediction(cfg);
  return agf.midpointCrossings(t, loss, p.saddleLevels).map((v) => v / p.timeUnit(alpha));
}

/** The flattest logged step of GD's plateau k at alpha (between its measured drops k and k + 1). */
function plateauStep(rows: readonly Row[], cfg: AgfLinearNetworkConfig, alpha: number, k: number): { loss: number; t: number } {
  const p = prediction(cfg);
  const { t, loss } = agf.lossSeries(rows, probeName(cfg, alpha));
  const cross = agf.midpointCrossings(t, loss, p.saddleLevels);
  const value = agf.plateauValue(t, loss, cross[k - 1], cross[k]);
  const i = loss.indexOf(value);
  return { loss: value, t: i >= 0 ? t[i] : NaN };
}

const smallest = (cfg: AgfLinearNetworkConfig) => Math.min(cfg.alpha, ...cfg.sweep);

/**
 * A fully connected two-layer linear network f = A W x from small random initialisation, trained
 * by full-batch (population-gradient) GD on commuting, non-white Gaussian data, against AGF's
 * Conjecture 4.1: plateaus from the eigenvalues of Sigma_yx Sigma_xx^-1 Sigma_yx^T, low-rank
 * predictors, and the jump-time recursion in units of log(1/(sqrt 2 alpha)).
 */
export const agfLinearNetwork: Experiment<AgfLinearNetworkConfig> = {
  id: "agf-linear-network",
  title: "AGF II: fully connected linear network — singular modes one at a time",
  paper: { arxiv: "2506.06489", title: "Alternating Gradient Flows: A Theory of Feature Learning in Two-layer Neural Networks", authors: "Kunin, Marchetti, Chen, Karkada, Simon, DeWeese, Ganguli, Miolane", year: 2025 },
  schema: schema as unknown as z.ZodType<AgfLinearNetworkConfig>,
  presets: {
    quick: { s: [2, 1.5, 1, 0.5], lambda: [1, 0.5, 1.5, 0.25], hidden: 4, alpha: 1e-8, sweep: [1e-4, 1e-8, 1e-16], lr: 0.04, horizon: 11, every: 10, seed: 0 },
    full: { s: [2, 1.5, 1, 0.5], lambda: [1, 0.5, 1.5, 0.25], hidden: 4, alpha: 1e-8, sweep: [1e-4, 1e-8, 1e-16, 1e-32], lr: 0.02, horizon: 11, every: 10, seed: 0 },
  },
  async *run(cfg, ctx) {
    const m = moments(cfg);
    const { d, c } = m;
    const p = prediction(cfg);
    const sxx = S.tensor(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => m.sxx[i * d + j])));
    const syx = S.tensor(Array.from({ length: c }, (_, i) => Array.from({ length: d }, (_, j) => m.syx[i * d + j])));
    const traceSyy = m.traceSyy!;
    // Population loss, Saddle's 1/2 mean over outputs: (1/2c)(tr Syy - 2 tr(AW Sxy) + tr(AW Sxx W^T A^T)).
    const loss = (q: { a: Tensor; w: Tensor }) => {
      const beta = S.matmul(q.a, q.w); // (c, d)
      const cross = S.sum(S.mul(beta, syx));
      const quad = S.sum(S.mul(S.matmul(beta, sxx), beta));
      return S.mul(S.add(S.sub(quad, S.mul(cross, 2)), traceSyy), 1 / (2 * c));
    };
    const alphas = [cfg.alpha, ...cfg.sweep.filter((a) => a !== cfg.alpha)];
    let simulationSeconds = NaN;
    for (const alpha of alphas) {
      if (ctx.signal?.aborted) return;
      const rng = ctx.rng.fork(`init/${cfg.seed}`);
      // The same standard-normal draws at every alpha: only the scale changes.
      const init = { a: S.mul(S.normal(rng, [c, cfg.hidden]), alpha / Math.sqrt(c)), w: S.mul(S.normal(rng, [cfg.hidden, d]), alpha / Math.sqrt(d)) };
      const steps = Math.ceil((cfg.horizon * p.timeUnit(alpha) * Math.max(...p.times.filter(Number.isFinite))) / (p.times[p.times.length - 1] * cfg.lr));
      const predictorError = S.probe<typeof init>(predictorProbe(cfg, alpha), ({ params }) => {
        const beta = S.matmul(params.a, params.w).data as Float64Array;
        const out: Record<string, number> = {};
        p.predictors.forEach((target, k) => {
          if (k === 0) return;
          let num = 0;
          let den = 0;
          for (let j = 0; j < target.length; j++) {
            num += (beta[j] - target[j]) ** 2;
            den += target[j] ** 2;
          }
          out[`error${k}`] = Math.sqrt(num / den);
        });
        return out;
      });
      if (alpha === cfg.alpha) {
        // The generic neuron-level AGF engine from the same units: theta_i = (a_:i, w_i:).
        const A = init.a.data;
        const Wd = init.w.data;
        const units = Array.from({ length: cfg.hidden }, (_, i) => Float64Array.from([...Array.from({ length: c }, (_, r) => A[r * cfg.hidden + i]), ...Array.from({ length: d }, (_, j) => Wd[i * d + j])]));
        const res = agf.alternatingGradientFlow(agf.linearNetworkNeurons(m, units));
        for (const j of res.jumps) {
          yield { step: j.k, t: j.t, probe: "agf", key: "level", value: j.level };
          yield { step: j.k, t: j.t, probe: "agf", key: "time", value: j.t / p.timeUnit(alpha) };
        }
      }
      const t0 = performance.now();
      const run = S.train({ params: init, loss, optimizer: S.gd(cfg.lr), steps, schedule: { every: cfg.every }, time: { lr: cfg.lr }, probes: [predictorError], signal: ctx.signal });
      for await (const r of run) yield r.probe === "train" ? { ...r, probe: probeName(cfg, alpha) } : r;
      if (alpha === cfg.alpha) simulationSeconds = (performance.now() - t0) / 1000;
    }
    const agfSeconds = medianSeconds(() => agf.linearNetworkAgf(m, Math.min(cfg.hidden, d)));
    yield { step: 0, t: 0, probe: "timing", key: "simulationSeconds", value: simulationSeconds };
    yield { step: 0, t: 0, probe: "timing", key: "agfSeconds", value: agfSeconds };
  },
  theory(cfg) {
    const p = prediction(cfg);
    const unit = p.timeUnit(cfg.alpha);
    const st: S.agf.Staircase = { times: p.times.map((t) => t * unit), levels: p.saddleLevels, labels: p.times.map((_, k) => k + 1) };
    return agf.staircaseRows(st, { lr: cfg.lr, probe: "train", tEnd: cfg.horizon * unit });
  },
  claims: [
    ...[1, 2, 3].map((k) => ({
      id: `plateau-${k}`,
      statement: `GD's plateau ${k} (flattest point, at the smallest alpha) equals 1/2 sum_{i>${k}} mu_i / c to 1e-3 (relative), mu the eigenvalues of Syx Sxx^-1 Syx^T`,
      check: (rows: readonly Row[], cfg: AgfLinearNetworkConfig) => verdict(prediction(cfg).saddleLevels[k], plateauStep(rows, cfg, smallest(cfg), k).loss, 1e-3, "loss (1/2 mean squared error)"),
    })),
    {
      id: "agf-engine-levels",
      statement: "The generic neuron-level AGF engine (utility ascent + cost minimisation on the same initial units) reaches the conjectured plateaus: worst relative error over the nonzero levels below 1e-6",
      check: (rows: readonly Row[], cfg: AgfLinearNetworkConfig): ClaimResult => {
        const levels = prediction(cfg).saddleLevels;
        const got = rows.filter((r) => r.probe === "agf" && r.key === "level");
        let worst = got.length === levels.length - 1 ? 0 : Infinity;
        got.forEach((r) => {
          const k = r.step;
          if (levels[k] > 0) worst = Math.max(worst, Math.abs(r.value - levels[k]) / levels[k]);
        });
        return { theory: 0, measured: worst, tolerance: 1e-6, relError: worst, pass: worst <= 1e-6, absolute: true, units: "relative error" };
      },
    },
    ...[1, 2, 3].map((k) => ({
      id: `predictor-${k}`,
      statement: `On plateau ${k} (at the smallest alpha) the end-to-end map AW equals the rank-${k} predictor P_{U_${k}} Syx Sxx^-1 to 1e-3 (relative Frobenius distance)`,
      check: (rows: readonly Row[], cfg: AgfLinearNetworkConfig): ClaimResult => {
        const alpha = smallest(cfg);
        const at = plateauStep(rows, cfg, alpha, k).t;
        const row = rows.find((r) => r.probe === predictorProbe(cfg, alpha) && r.key === `error${k}` && r.t === at);
        const e = row?.value ?? NaN;
        return { theory: 0, measured: e, tolerance: 1e-3, relError: e, pass: e <= 1e-3, absolute: true, units: "relative Frobenius distance" };
      },
    })),
    ...[1, 2, 3].map((k) => ({
      id: `jump-${k}`,
      statement: `GD's drop ${k} (midpoint crossing) at the preset alpha happens at the conjectured time within 10%, in units of c log(1/(sqrt 2 alpha)) of Saddle time t = lr * step`,
      check: (rows: readonly Row[], cfg: AgfLinearNetworkConfig) => verdict(prediction(cfg).times[k - 1], crossings(rows, cfg, cfg.alpha)[k - 1], 0.1, "t / (c log(1/(sqrt 2 alpha)))"),
    })),
    ...[1, 2, 3, 4].map((k) => ({
      id: `jump-${k}-converges`,
      statement: `GD's drop ${k} approaches the conjectured time as alpha shrinks: the relative error decreases strictly across the sweep (measured: the time at the smallest alpha; tolerance: the error at the largest), as 1/log(1/alpha)`,
      check: (rows: readonly Row[], cfg: AgfLinearNetworkConfig): ClaimResult => {
        const theory = prediction(cfg).times[k - 1];
        if (theory === undefined) return { theory: NaN, measured: NaN, tolerance: NaN, relError: NaN, pass: false };
        const times = cfg.sweep.map((a) => crossings(rows, cfg, a)[k - 1]);
        const errors = times.map((t) => Math.abs(t - theory) / theory);
        const decreasing = errors.every((e, i) => Number.isFinite(e) && (i === 0 || e < errors[i - 1]));
        return { theory, measured: times[times.length - 1], tolerance: errors[0], relError: errors[errors.length - 1], pass: decreasing, units: "t / (c log(1/(sqrt 2 alpha)))" };
      },
    })),
    speedupClaim("agf-speedup", "simulationSeconds", "agfSeconds", "AGF's staircase (Conjecture 4.1: levels, predictors, jump times) is computed at least 100x faster than GD simulates it at the preset alpha (measured: simulation seconds / AGF seconds)"),
  ],
  figure: { probe: "train", key: "loss", x: "t", logy: true, xLabel: "gradient-flow time t = lr * step", yLabel: "population loss (1/2 mean squared error over outputs)" },
};
