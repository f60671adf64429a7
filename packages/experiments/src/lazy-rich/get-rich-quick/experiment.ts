import { z } from "zod";
import * as S from "@saddle/core";
import type { Row } from "@saddle/core";
import type { Experiment } from "../../types.js";
import { upperBound, verdict } from "../../types.js";
import { neuronParams, neuronTask, unpack } from "./single-neuron-sim.js";
import { runReluCell } from "./relu-grid.js";
import { grokSteps } from "./grokking.js";

const { conservedDelta, singleNeuronExact, singleNeuronFromBeta, singleNeuronInvariants } = S.getRichQuick;

/** nu(t) at t = 1, 2, 8 from the reference note (kunin-papers.md section 5.2; beta* = (0.5, 0.5), beta0 = (0, -1)). */
export const REFERENCE_NU_TABLE: Record<string, readonly number[]> = { "2": [0.18030071, 0.22084298, 0.22474487], "-0.2": [-0.38793722, 0.01398032, 0.81379765] };
export const REFERENCE_NU_TIMES = [1, 2, 8] as const;

const schema = z
  .object({
    betaStar: z.array(z.number()).min(1).max(8).describe("target linear map beta* of the single neuron (whitened data)"),
    beta0: z.array(z.number()).min(1).max(8).describe("initial function a0 w0 of the single neuron (same length as betaStar)"),
    deltas: z.array(z.number()).min(1).max(8).describe("conserved delta = a^2 - |w|^2 values of the single-neuron runs"),
    neuronSamples: z.number().int().min(1).max(256).describe("n whitened samples of the single-neuron task"),
    flowTime: z.number().positive().describe("end of the single-neuron RK45 flow (gradient-flow time)"),
    gdLrs: z.array(z.number().positive()).min(2).max(6).describe("GD learning rates of the delta-drift check, each half the previous"),
    gdDelta: z.number().describe("delta of the GD drift check's init"),
    gdTime: z.number().positive().describe("gradient-flow time T = lr * steps of every GD drift run"),
    reluD: z.number().int().min(2).max(200).describe("input dimension d of the ReLU teacher-student grid"),
    reluN: z.number().int().min(4).max(2000).describe("training samples n of the ReLU grid"),
    reluTest: z.number().int().min(4).max(4000).describe("test samples of the ReLU grid"),
    reluWidth: z.number().int().min(2).max(200).multipleOf(2).describe("student width m (even: symmetrized pairs)"),
    reluTaus: z.array(z.number().positive()).min(2).max(6).describe("overall init scales tau of the grid (ascending; the first is 'small')"),
    reluDeltas: z.array(z.number()).min(2).max(7).describe("conserved delta per neuron of the grid (must include a negative and a nonnegative value)"),
    reluSeeds: z.number().int().min(1).max(5).describe("seeds per grid cell"),
    reluSteps: z.number().int().min(1).describe("GD steps per grid cell"),
    reluLrScale: z.number().positive().describe("lr = reluLrScale / tau^2 (the reference uses 5e-3 with its own loss scaling)"),
    reluNtkPoints: z.number().int().min(2).max(200).describe("training inputs on which the empirical NTK is compared"),
    grokking: z.boolean().describe("run the modular-addition grokking comparison (slow: full preset)"),
    grokP: z.number().int().min(3).max(97).describe("modulus p of (a + b) mod p"),
    grokTrainFraction: z.number().gt(0).lt(1).describe("fraction of the p^2 pairs used for training"),
    grokHidden: z.number().int().min(2).max(1024).describe("hidden width of the grokking MLP"),
    grokAlphas: z.array(z.number().positive()).min(2).max(5).describe("first-layer scales alpha (readout 1/alpha^2 per neuron norm); 1 = balanced, < 1 = delta > 0; the first must be 1"),
    grokActivation: z.enum(["relu", "square"]).describe("hidden nonlinearity of the grokking MLP"),
    grokLoss: z.enum(["ce", "mse"]).describe("grokking loss: cross-entropy or MSE on one-hot targets"),
    grokLr: z.number().positive().describe("AdamW learning rate"),
    grokWeightDecay: z.number().min(0).describe("AdamW decoupled weight decay"),
    grokMaxSteps: z.number().int().min(1).describe("full-batch steps before giving up"),
    grokEvalEvery: z.number().int().min(1).describe("steps between test-accuracy evaluations"),
  })
  .strict()
  .refine((c) => c.beta0.length === c.betaStar.length, { message: "beta0 must have the length of betaStar", path: ["beta0"] })
  .refine((c) => c.gdLrs.every((v, i) => i === 0 || Math.abs(v / c.gdLrs[i - 1] - 0.5) < 1e-12), { message: "gdLrs must halve at each entry", path: ["gdLrs"] })
  .refine((c) => c.reluTaus.every((v, i) => i === 0 || v > c.reluTaus[i - 1]), { message: "reluTaus must be ascending", path: ["reluTaus"] })
  .refine((c) => c.reluDeltas.some((v) => v < 0) && c.reluDeltas.some((v) => v >= 0), { message: "reluDeltas needs a negative and a nonnegative value", path: ["reluDeltas"] })
  .refine((c) => c.grokAlphas[0] === 1, { message: "grokAlphas[0] must be 1 (the balanced reference)", path: ["grokAlphas"] });

export type GetRichQuickConfig = z.infer<typeof schema>;

const deltaKey = (delta: number) => `delta=${delta}`;
const cellKey = (tau: number, delta: number) => `tau=${tau}/delta=${delta}`;

function find(rows: readonly Row[], probe: string, key: string): Row[] {
  return rows.filter((r) => r.probe === probe && r.key === key);
}

function maxOf(rows: readonly Row[], probe: string, keySuffix: string): number {
  const vs = rows.filter((r) => r.probe === probe && r.key.endsWith(keySuffix)).map((r) => r.value);
  return vs.length ? Math.max(...vs) : NaN;
}

/** Seed-mean of a ReLU-grid metric in one cell. */
function cellMean(rows: readonly Row[], tau: number, delta: number, metric: string): number {
  const vs = find(rows, "relu", `${cellKey(tau, delta)}/${metric}`).map((r) => r.value);
  return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : NaN;
}

/**
 * Get rich quick (Kunin et al., arXiv 2406.06158): the exact solution of the minimal model
 * f(x) = a (w . x) across the conserved delta = a^2 - |w|^2, its conservation under flow and O(lr)
 * drift under GD, the lazy/rich split of a two-layer ReLU teacher-student grid by the sign of delta,
 * and (full preset) the grokking speed of unbalanced inits on modular addition.
 */
export const getRichQuick: Experiment<GetRichQuickConfig> = {
  id: "get-rich-quick",
  title: "Get rich quick: exact single-neuron dynamics across delta, and unbalanced inits learning features faster",
  paper: { arxiv: "2406.06158", title: "Get rich quick: exact solutions reveal how unbalanced initializations promote rapid feature learning", authors: "Kunin, Raventos, Domine, Chen, Klindt, Saxe, Ganguli", year: 2024 },
  schema: schema as unknown as z.ZodType<GetRichQuickConfig>,
  presets: {
    quick: {
      betaStar: [0.5, 0.5], beta0: [0, -1], deltas: [-2, -0.2, 0.2, 2], neuronSamples: 8, flowTime: 8,
      gdLrs: [0.1, 0.05, 0.025], gdDelta: -0.2, gdTime: 8,
      reluD: 20, reluN: 200, reluTest: 200, reluWidth: 20, reluTaus: [0.1, 1], reluDeltas: [-1, 0, 1], reluSeeds: 1, reluSteps: 400, reluLrScale: 0.05, reluNtkPoints: 30,
      grokking: false, grokP: 23, grokTrainFraction: 0.4, grokHidden: 128, grokAlphas: [1, 0.5], grokActivation: "square", grokLoss: "mse", grokLr: 5e-3, grokWeightDecay: 1, grokMaxSteps: 2000, grokEvalEvery: 25,
    },
    full: {
      betaStar: [0.5, 0.5], beta0: [0, -1], deltas: [-2, -0.2, 0.2, 2], neuronSamples: 8, flowTime: 8,
      gdLrs: [0.1, 0.05, 0.025, 0.0125], gdDelta: -0.2, gdTime: 8,
      reluD: 20, reluN: 200, reluTest: 500, reluWidth: 20, reluTaus: [0.1, 0.3, 1], reluDeltas: [-1, -0.1, 0, 0.1, 1], reluSeeds: 2, reluSteps: 2000, reluLrScale: 0.05, reluNtkPoints: 30,
      grokking: true, grokP: 23, grokTrainFraction: 0.4, grokHidden: 128, grokAlphas: [1, 0.5, 0.25], grokActivation: "square", grokLoss: "mse", grokLr: 5e-3, grokWeightDecay: 1, grokMaxSteps: 8000, grokEvalEvery: 50,
    },
  },
  async *run(cfg, ctx) {
    const tol = { rtol: 1e-12, atol: 1e-14 };
    // 1. Single neuron: RK45 gradient flow against the closed form, for each delta.
    const task = neuronTask(ctx.rng.fork("neuron"), cfg.betaStar, cfg.neuronSamples);
    const times = [...new Set([...S.logTimes(cfg.flowTime / 1e3, cfg.flowTime, 40), ...REFERENCE_NU_TIMES.filter((t) => t <= cfg.flowTime)])].sort((a, b) => a - b);
    for (const delta of cfg.deltas) {
      const init = singleNeuronFromBeta(delta, cfg.beta0);
      const flow = S.gradientFlow(task.loss, neuronParams(init.a, init.w), cfg.flowTime, { times, ...tol });
      let worstClosedForm = 0;
      let worstDrift = 0;
      for (let i = 0; i < flow.times.length; i++) {
        const t = flow.times[i];
        const { a, w } = unpack(flow.params[i]);
        const inv = singleNeuronInvariants(a, w, cfg.betaStar);
        const exact = singleNeuronExact(init.a, init.w, cfg.betaStar, t);
        worstClosedForm = Math.max(worstClosedForm, Math.abs(exact.nu - inv.nu), Math.abs(exact.a - a), ...w.map((v, j) => Math.abs(exact.w[j] - v)));
        worstDrift = Math.max(worstDrift, Math.abs(conservedDelta(a, w) - delta));
        yield { step: t, t, probe: "neuron", key: `${deltaKey(delta)}/nu`, value: inv.nu };
        yield { step: t, t, probe: "neuron", key: `${deltaKey(delta)}/a`, value: a };
      }
      yield { step: cfg.flowTime, t: cfg.flowTime, probe: "neuron", key: `${deltaKey(delta)}/closedFormError`, value: worstClosedForm };
      yield { step: cfg.flowTime, t: cfg.flowTime, probe: "neuron", key: `${deltaKey(delta)}/deltaDrift`, value: worstDrift };
    }

    // 2. GD: the drift of delta over a fixed flow time T scales like lr (per step lr^2 (g_a^2 - |g_w|^2)).
    {
      const init = singleNeuronFromBeta(cfg.gdDelta, cfg.beta0);
      for (const lr of cfg.gdLrs) {
        const steps = Math.round(cfg.gdTime / lr);
        const run = S.train({ params: neuronParams(init.a, init.w), loss: (p) => task.loss(p), optimizer: S.gd(lr), steps, schedule: { steps: [steps] }, time: { lr } });
        for await (const _row of run) {
          // only the final parameters matter
        }
        const { a, w } = unpack(run.result().params);
        yield { step: steps, t: lr * steps, probe: "gd", key: `lr=${lr}/deltaDrift`, value: Math.abs(conservedDelta(a, w) - cfg.gdDelta) };
      }
    }

    // 3. Two-layer ReLU teacher-student grid over (tau, delta).
    for (let seed = 0; seed < cfg.reluSeeds; seed++) {
      for (const tau of cfg.reluTaus) for (const delta of cfg.reluDeltas) {
        const r = await runReluCell(
          { d: cfg.reluD, n: cfg.reluN, nTest: cfg.reluTest, width: cfg.reluWidth, teacherWidth: 3, tau, delta, lrScale: cfg.reluLrScale, steps: cfg.reluSteps, ntkPoints: cfg.reluNtkPoints },
          ctx.rng.fork(`relu-data-${seed}`),
          ctx.rng.fork(`relu-init-${seed}`),
        );
        for (const [metric, value] of Object.entries(r)) yield { step: cfg.reluSteps, t: (cfg.reluLrScale / (tau * tau)) * cfg.reluSteps, probe: "relu", key: `${cellKey(tau, delta)}/${metric}`, value };
      }
    }

    // 4. (full preset) Grokking: steps to 95% test accuracy for each first-layer scale alpha.
    if (cfg.grokking) {
      for (const alpha of cfg.grokAlphas) {
        const r = await grokSteps(
          { p: cfg.grokP, trainFraction: cfg.grokTrainFraction, hidden: cfg.grokHidden, alpha, lr: cfg.grokLr, weightDecay: cfg.grokWeightDecay, maxSteps: cfg.grokMaxSteps, evalEvery: cfg.grokEvalEvery, target: 0.95, activation: cfg.grokActivation, loss: cfg.grokLoss },
          ctx.rng.fork("grok"),
        );
        const key = `alpha=${alpha}`;
        const at = Math.min(r.steps, cfg.grokMaxSteps); // the row's step: where 95% was reached, else the last step
        yield { step: at, t: at, probe: "grok", key: `${key}/stepsTo95`, value: r.steps };
        yield { step: at, t: at, probe: "grok", key: `${key}/meanDelta0`, value: r.delta0 };
        yield { step: at, t: at, probe: "grok", key: `${key}/testAccuracy`, value: r.testAccuracy };
      }
    }
  },
  theory(cfg) {
    const rows: Row[] = [];
    for (const delta of cfg.deltas) {
      const init = singleNeuronFromBeta(delta, cfg.beta0);
      for (const t of S.logTimes(cfg.flowTime / 1e3, cfg.flowTime, 150)) {
        const ex = singleNeuronExact(init.a, init.w, cfg.betaStar, t);
        rows.push({ step: t, t, probe: "neuron", key: `${deltaKey(delta)}/nu`, value: ex.nu });
        rows.push({ step: t, t, probe: "neuron", key: `${deltaKey(delta)}/a`, value: ex.a });
      }
    }
    return rows;
  },
  claims: [
    {
      id: "delta-conserved",
      statement: "RK45 gradient flow conserves delta = a^2 - |w|^2 of the single neuron: max |delta(t) - delta(0)| below 1e-10 for every delta",
      check: (rows) => upperBound(0, maxOf(rows, "neuron", "/deltaDrift"), 1e-10, "|delta drift|"),
    },
    {
      id: "closed-form-vs-flow",
      statement: "The closed-form nu(t), a(t), w(t) (Riccati solution, tanh/coth in one branch-free form) match RK45 gradient flow to 1e-8 (max abs) for delta in {-2, -0.2, 0.2, 2}",
      check: (rows) => upperBound(0, maxOf(rows, "neuron", "/closedFormError"), 1e-8, "max |difference|"),
    },
    {
      id: "reference-nu-table",
      statement: "The simulated nu(t) at t = 1, 2, 8 equals the reference table (delta = 2 and -0.2, beta* = (0.5, 0.5), beta0 = (0, -1)) to 1e-7 (the table's 8 decimals)",
      check: (rows, cfg) => {
        let worst = 0;
        let count = 0;
        for (const [delta, values] of Object.entries(REFERENCE_NU_TABLE)) {
          if (!cfg.deltas.includes(Number(delta)) || cfg.betaStar.join() !== "0.5,0.5" || cfg.beta0.join() !== "0,-1") continue;
          REFERENCE_NU_TIMES.forEach((t, i) => {
            const hit = find(rows, "neuron", `${deltaKey(Number(delta))}/nu`).find((r) => Math.abs(r.t - t) < 1e-12);
            worst = Math.max(worst, hit ? Math.abs(hit.value - values[i]) : Infinity);
            count++;
          });
        }
        return upperBound(0, count ? worst : NaN, 1e-7, "|nu - table|");
      },
    },
    {
      id: "gd-drift-linear-in-lr",
      statement: "Under GD the drift of delta over a fixed flow time scales like lr: halving lr halves the drift, ratio 2 within 10% (worst consecutive pair)",
      check: (rows, cfg) => {
        const drift = cfg.gdLrs.map((lr) => find(rows, "gd", `lr=${lr}/deltaDrift`)[0]?.value ?? NaN);
        let worst = 2;
        for (let i = 1; i < drift.length; i++) {
          const ratio = drift[i - 1] / drift[i];
          if (!(Math.abs(ratio - 2) <= Math.abs(worst - 2))) worst = ratio;
        }
        return verdict(2, worst, 0.1, "drift(lr) / drift(lr / 2)");
      },
    },
    {
      id: "relu-rich-activations",
      statement: "ReLU grid, small tau: unbalanced delta >= 0 (small first layer, large readout) is rich and delta < 0 is lazy: the fraction of changed ReLU activation patterns (Hamming distance) is larger for every delta >= 0 than for every delta < 0; measured = min over delta >= 0 / max over delta < 0 (pass > 1)",
      check: (rows, cfg) => {
        const tau = cfg.reluTaus[0];
        const rich = Math.min(...cfg.reluDeltas.filter((d) => d >= 0).map((d) => cellMean(rows, tau, d, "activationChange")));
        const lazy = Math.max(...cfg.reluDeltas.filter((d) => d < 0).map((d) => cellMean(rows, tau, d, "activationChange")));
        const ratio = rich / lazy;
        return { theory: 1, measured: ratio, tolerance: 1, relError: Math.abs(ratio - 1), pass: ratio > 1, absolute: true, units: "ratio (pass > 1)" };
      },
    },
    {
      id: "relu-test-loss",
      statement: "ReLU grid: the lowest test loss is reached at the smallest tau with delta >= 0; measured = best test loss there / best test loss anywhere else in the grid (pass < 1)",
      check: (rows, cfg) => {
        const small = cfg.reluTaus[0];
        let best = Infinity;
        let other = Infinity;
        for (const tau of cfg.reluTaus) for (const d of cfg.reluDeltas) {
          const v = cellMean(rows, tau, d, "testLoss");
          if (tau === small && d >= 0) best = Math.min(best, v);
          else other = Math.min(other, v);
        }
        return upperBound(0, best / other, 1 - 1e-12, "test-loss ratio (pass < 1)");
      },
    },
    {
      id: "grokking-unbalanced-first",
      statement:
        "Modular addition (mod p, 40% train, weight decay; the paper's exact setup is unverified): an unbalanced init (alpha < 1, delta > 0) reaches 95% test accuracy before the balanced one (alpha = 1); measured = steps(alpha = 1) / fewest steps over alpha < 1, a run that never reaches 95% counting as infinitely many (pass > 1). Checked only where the run includes the grokking comparison (full preset)",
      appliesTo: (cfg) => cfg.grokking,
      check: (rows, cfg) => {
        const steps = (alpha: number) => {
          const v = find(rows, "grok", `alpha=${alpha}/stepsTo95`)[0]?.value;
          return v === undefined ? NaN : Number.isFinite(v) ? v : Infinity; // not reached within grokMaxSteps: stored as NaN
        };
        const balanced = steps(1);
        const fastest = Math.min(...cfg.grokAlphas.filter((a) => a < 1).map(steps));
        const ratio = balanced / fastest;
        return { theory: 1, measured: ratio, tolerance: 1, relError: Math.abs(ratio - 1), pass: ratio > 1, absolute: true, units: "steps ratio (pass > 1)" };
      },
    },
  ],
  figure: { probe: "neuron", key: "delta=-0.2/nu", x: "t", logx: true, xLabel: "gradient-flow time t", yLabel: "nu = (w . beta*) / a (exact dashed over RK45 flow)", series: (cfg) => cfg.deltas.map((d) => ({ key: `${deltaKey(d)}/nu`, label: deltaKey(d) })) },
};

