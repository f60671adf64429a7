import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import type { Experiment } from "../types.js";
import { upperBound, verdict } from "../types.js";
import { exactCrossing, exactLoss, midDropLevel } from "./theory.js";

const schema = z
  .object({
    s: z.array(z.number().positive()).min(1).max(8).describe("target singular values, decreasing"),
    alpha: z.number().positive().lt(1).describe("initial scale: W1 = W2 = alpha I"),
    lr: z.number().positive().describe("GD learning rate on Saddle's MSE (1/2 mean)"),
    steps: z.number().int().positive().describe("GD steps"),
    every: z.number().int().positive().describe("log the loss every this many steps"),
    flowTime: z.number().positive().describe("gradient-flow time of the RK45 conservation check"),
  })
  .strict()
  .refine((c) => c.s.every((v, i) => i === 0 || v < c.s[i - 1]), { message: "s must be strictly decreasing", path: ["s"] });

export type LinearS2SConfig = z.infer<typeof schema>;

function setup(cfg: LinearS2SConfig) {
  const d = cfg.s.length;
  const x = S.eye(d); // whitened inputs: n = d samples
  const y = S.mul(S.eye(d), S.tensor(cfg.s)); // Y = diag(s)
  const loss = (p: { w1: Tensor; w2: Tensor }) => S.mse(S.matmul(S.matmul(x, p.w1), p.w2), y);
  const init = { w1: S.mul(S.eye(d), cfg.alpha), w2: S.mul(S.eye(d), cfg.alpha) };
  return { d, loss, init };
}

/** Time where the simulated loss first falls below `level` (log-linear interpolation between logged rows). */
function crossing(rows: readonly Row[], level: number): number {
  const loss = rows.filter((r) => r.probe === "train" && r.key === "loss");
  for (let i = 1; i < loss.length; i++) {
    const a = loss[i - 1];
    const b = loss[i];
    if (a.value > level && b.value <= level) {
      const f = (Math.log(a.value) - Math.log(level)) / (Math.log(a.value) - Math.log(b.value));
      return a.t + f * (b.t - a.t);
    }
  }
  return NaN;
}

function plateauTime(cfg: LinearS2SConfig, k: number): number {
  const n = cfg.s.length;
  const t1 = exactCrossing(cfg.s, cfg.alpha, midDropLevel(cfg.s, k, n, n), n, n, 1e9);
  const t2 = exactCrossing(cfg.s, cfg.alpha, midDropLevel(cfg.s, k + 1, n, n), n, n, 1e9);
  return Math.sqrt(t1 * t2); // geometric midpoint of two drops, deep in the plateau
}

/**
 * Saddle-to-saddle dynamics of a two-layer linear network from small initialisation: the loss
 * drops once per singular value of the target, at times predicted by the closed form, and the
 * balance matrix W2 W2^T - W1^T W1 is conserved by gradient flow.
 */
export const linearSaddleToSaddle: Experiment<LinearS2SConfig> = {
  id: "linear-saddle-to-saddle",
  title: "Two-layer linear network: saddle-to-saddle drops and the conserved balance",
  paper: { arxiv: "1312.6120", title: "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks", authors: "Saxe, McClelland, Ganguli", year: 2014 },
  schema: schema as unknown as z.ZodType<LinearS2SConfig>,
  presets: {
    quick: { s: [3, 2, 1], alpha: 1e-3, lr: 0.05, steps: 2400, every: 4, flowTime: 60 },
    full: { s: [4, 3, 2, 1], alpha: 1e-5, lr: 0.02, steps: 12000, every: 5, flowTime: 200 },
  },
  async *run(cfg, ctx) {
    const { d, loss, init } = setup(cfg);
    const run = S.train({
      params: ctx.resume ? (ctx.resume.params as typeof init) : init,
      loss: (p) => loss(p),
      optimizer: S.gd(cfg.lr),
      steps: cfg.steps,
      schedule: { every: cfg.every },
      time: { lr: cfg.lr },
      probes: [S.deepLinearConserved((p: typeof init) => [p.w1, p.w2])],
      resume: ctx.resume ? { step: ctx.resume.step, optState: ctx.resume.optState, rngState: ctx.resume.rngState } : undefined,
      checkpointEvery: ctx.checkpointEvery,
      onCheckpoint: ctx.onCheckpoint,
      signal: ctx.signal,
    });
    yield* run;
    if (run.result().reason !== "done") return;
    // Gradient flow (RK45) from a generic (random, unbalanced) init: the balance matrix is conserved.
    const rng = ctx.rng.fork("flow-init");
    const init2 = { w1: S.normal(rng, [d, d], { std: 0.3 }), w2: S.normal(rng, [d, d], { std: 0.3 }) };
    const flow = S.gradientFlow((p: typeof init) => loss(p), init2, cfg.flowTime, { times: [cfg.flowTime], rtol: 1e-11, atol: 1e-14 });
    const q = (p: typeof init) => S.sub(S.matmul(p.w2, S.transpose(p.w2)), S.matmul(S.transpose(p.w1), p.w1));
    const drift = Math.sqrt(S.sum(S.square(S.sub(q(flow.final), q(init2)))).item());
    yield { step: cfg.steps, t: cfg.flowTime, probe: "flow", key: "balanceNorm", value: Math.sqrt(S.sum(S.square(q(init2))).item()) };
    yield { step: cfg.steps, t: cfg.flowTime, probe: "flow", key: "balanceDrift", value: drift };
    yield { step: cfg.steps, t: cfg.flowTime, probe: "flow", key: "loss", value: flow.losses[0] };
    yield { step: cfg.steps, t: cfg.flowTime, probe: "flow", key: "gradEvals", value: flow.gradEvals };
  },
  theory(cfg) {
    const n = cfg.s.length;
    const tEnd = cfg.lr * cfg.steps;
    return S.logTimes(tEnd / 1e3, tEnd, 200).map((t) => ({ step: t / cfg.lr, t, probe: "train", key: "loss", value: exactLoss(cfg.s, cfg.alpha, t, n, n) }));
  },
  claims: [
    ...[0, 1, 2].map((k) => ({
      id: `drop-${k + 1}-time`,
      statement: `Drop ${k + 1} (the loss halfway through learning the ${k + 1}${["st", "nd", "rd"][k]} singular value) happens at the closed-form time, within 2% (GD discretisation at the preset learning rate)`,
      check: (rows: readonly Row[], cfg: LinearS2SConfig) => {
        const n = cfg.s.length;
        if (k >= n) return verdict(NaN, NaN, 0.02);
        const level = midDropLevel(cfg.s, k, n, n);
        return verdict(exactCrossing(cfg.s, cfg.alpha, level, n, n, 1e9), crossing(rows, level), 0.02, "Saddle time t = lr * step");
      },
    })),
    {
      id: "plateau-level",
      statement: "In the middle of the first plateau (between drops 1 and 2) the loss equals the closed form within 1% (as alpha -> 0 this level tends to 1/2 sum_{j>1} s_j^2 / (n k))",
      check: (rows, cfg) => {
        const n = cfg.s.length;
        const t = plateauTime(cfg, 0);
        const loss = rows.filter((r) => r.probe === "train" && r.key === "loss");
        const near = loss.reduce((best, r) => (Math.abs(r.t - t) < Math.abs(best.t - t) ? r : best), loss[0]);
        return verdict(exactLoss(cfg.s, cfg.alpha, near.t, n, n), near.value, 0.01, "loss");
      },
    },
    {
      id: "balance-conserved",
      statement: "Gradient flow (RK45, from a random unbalanced init) conserves W2 W2^T - W1^T W1: Frobenius drift below 1e-9",
      check: (rows) => upperBound(0, rows.find((r) => r.probe === "flow" && r.key === "balanceDrift")?.value ?? NaN, 1e-9, "Frobenius norm"),
    },
  ],
  figure: { probe: "train", key: "loss", x: "t", logx: true, logy: true, xLabel: "gradient-flow time t = lr * step", yLabel: "training loss (1/2 mean squared error)" },
};
