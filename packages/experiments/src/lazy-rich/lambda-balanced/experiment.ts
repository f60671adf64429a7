import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, RowQuery, Tensor } from "@saddle/core";
import { PAPERS, atMost, defineExperiment, phases, relClose, tick, type Claim, type ClaimResult } from "../../kit/index.js";
import { type LinearParams, paperTime, randomOrthogonal, saddleTime, whitenedTask, withSingularValues } from "./setup.js";

const { alignedModeSigma, alignedModeTime, balanceMatrix, lambdaBalancedFromProduct, linearNetworkNtk, qqtBlocks, qqtExact, qqtOf, qqtRiccatiFlow, riccatiDrive } = S.lambdaBalanced;

/**
 * The scalar-mode time table of the reference note (kunin-papers.md section 4.2; s = 2,
 * sigma0 = 1e-3, fractions 0.25, 0.5, 0.9 of s): paper time tau to reach each fraction, per lambda.
 * A reference table: its claim applies only to that config (`onReferenceTable`).
 */
export const REFERENCE_MODE_TABLE: Readonly<Record<string, readonly number[]>> = { "0": [1.6254, 1.9001, 2.4494], "0.5": [0.4058, 0.6644, 1.2052], "5": [0.057, 0.1345, 0.4101], "50": [0.0057, 0.0138, 0.046] };
export const REFERENCE_FRACTIONS = [0.25, 0.5, 0.9] as const;

const ascending = (xs: readonly number[]) => xs.every((v, i) => i === 0 || v > xs[i - 1]);

const schema = z
  .object({
    width: z.number().int().min(2).max(8).describe("d = h = k: input, hidden and output width (the reference's 5x5x5 task)"),
    samples: z.number().int().min(2).max(64).describe("n whitened samples (X^T X / n = I); the reference uses a batch of 10"),
    qqtLambda: z.number().min(-100).max(100).describe("lambda of the closed-form QQ^T check (the reference's qqt_test uses -50)"),
    qqtInitScale: z.number().positive().max(10).describe("std of the random initial product W1 W2 of the QQ^T check"),
    qqtTimes: z.array(z.number().positive().max(10)).min(1).max(12).describe("paper times tau at which QQ^T is compared (ascending)"),
    modeS: z.number().positive().max(10).describe("target singular value s of the aligned mode"),
    modeSigma0: z.number().positive().describe("initial singular value sigma0 of the aligned mode (< the first fraction of modeS)"),
    modeLambdas: z.array(z.number().min(-200).max(200)).min(1).max(8).describe("lambdas of the aligned-mode crossing times and figure"),
    modeFractions: z.array(z.number().gt(0).lt(1)).min(1).max(6).describe("fractions f of s whose crossing times tau(f s) are compared (ascending)"),
    sweepLambdas: z.array(z.number().min(-200).max(200)).min(2).max(10).describe("lambdas of the lazy-to-rich kernel-distance sweep (|lambda| strictly ascending)"),
    sweepInitScale: z.number().positive().max(1).describe("singular values of the initial product in the sweep (same for every lambda)"),
    sweepTargetSpectrum: z.array(z.number().positive().max(10)).min(1).max(8).describe("target singular values of the sweep (decreasing, length <= width)"),
    sweepTime: z.number().positive().max(100).describe("paper time tau of 'convergence' in the sweep"),
  })
  .strict()
  .refine((c) => ascending(c.qqtTimes), { message: "qqtTimes must be ascending", path: ["qqtTimes"] })
  .refine((c) => ascending(c.modeFractions), { message: "modeFractions must be ascending", path: ["modeFractions"] })
  .refine((c) => c.modeSigma0 < c.modeFractions[0] * c.modeS, { message: "modeSigma0 must be below the first fraction of modeS", path: ["modeSigma0"] })
  .refine((c) => new Set(c.modeLambdas).size === c.modeLambdas.length, { message: "modeLambdas must be distinct", path: ["modeLambdas"] })
  .refine((c) => c.samples >= c.width, { message: "samples must be >= width (whitening needs n >= d)", path: ["samples"] })
  .refine((c) => c.sweepTargetSpectrum.length <= c.width, { message: "sweepTargetSpectrum can have at most width values", path: ["sweepTargetSpectrum"] })
  .refine((c) => c.sweepTargetSpectrum.every((v, i) => i === 0 || v < c.sweepTargetSpectrum[i - 1]), { message: "sweepTargetSpectrum must be strictly decreasing", path: ["sweepTargetSpectrum"] })
  .refine((c) => c.sweepLambdas.every((v, i) => i === 0 || Math.abs(v) > Math.abs(c.sweepLambdas[i - 1])), { message: "sweepLambdas must have strictly increasing |lambda|", path: ["sweepLambdas"] });

export type LambdaBalancedConfig = z.infer<typeof schema>;

type Loss = (p: LinearParams) => Tensor;

/** The three tasks and their inits, drawn once from the setup stream and shared by run and theory. */
export interface LambdaBalancedSetup {
  /** QQ^T check: random target, random init product made lambda-balanced. */
  qqt: { betaStar: Tensor; loss: Loss; init: LinearParams };
  /** Aligned mode: target U diag(s, s/2, ...) V^T and every init singular value sigma0 on the same U, V. */
  mode: { u: Tensor; v: Tensor; loss: Loss; initProduct: Tensor; rotation: Tensor };
  /** Sweep: the same unaligned init product for every lambda. */
  sweep: { betaStar: Tensor; loss: Loss; initProduct: Tensor; rotation: Tensor };
}

function makeSetup(cfg: LambdaBalancedConfig, rng: S.Rng): LambdaBalancedSetup {
  const w = cfg.width;
  const n = cfg.samples;
  const qr = rng.fork("qqt");
  const qBeta = S.normal(qr.fork("target"), [w, w]);
  const qTask = whitenedTask(qr.fork("data"), qBeta, n);
  const qInit = lambdaBalancedFromProduct(S.normal(qr.fork("init"), [w, w], { std: cfg.qqtInitScale }), cfg.qqtLambda, randomOrthogonal(qr.fork("rotation"), w));

  const mr = rng.fork("mode");
  const u = randomOrthogonal(mr.fork("u"), w);
  const v = randomOrthogonal(mr.fork("v"), w);
  const spectrum = Array.from({ length: w }, (_, i) => cfg.modeS / 2 ** i); // mode 0 carries s
  const mTask = whitenedTask(mr.fork("data"), withSingularValues(u, spectrum, v), n);

  const sr = rng.fork("sweep");
  const su = randomOrthogonal(sr.fork("u"), w);
  const sv = randomOrthogonal(sr.fork("v"), w);
  const sBeta = withSingularValues(su, Array.from({ length: w }, (_, i) => cfg.sweepTargetSpectrum[i] ?? 0), sv);
  const sTask = whitenedTask(sr.fork("data"), sBeta, n);
  const initProduct = withSingularValues(randomOrthogonal(sr.fork("init-u"), w), Array.from({ length: w }, () => cfg.sweepInitScale), randomOrthogonal(sr.fork("init-v"), w)); // unaligned with the target

  return {
    qqt: { betaStar: qBeta, loss: qTask.loss, init: qInit },
    mode: { u, v, loss: mTask.loss, initProduct: withSingularValues(u, spectrum.map(() => cfg.modeSigma0), v), rotation: randomOrthogonal(mr.fork("rotation"), w) },
    sweep: { betaStar: sBeta, loss: sTask.loss, initProduct, rotation: randomOrthogonal(sr.fork("rotation"), w) },
  };
}

/** Projection u_0^T (W1 W2) v_0 of the network's product on the target's top singular pair. */
function modeValue(p: LinearParams, u: Tensor, v: Tensor): number {
  const prod = S.matmul(p.w1, p.w2).data;
  const d = u.shape[0];
  const k = v.shape[0];
  let acc = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < k; b++) acc += u.data[a * d] * prod[a * k + b] * v.data[b * k];
  return acc;
}

/** The linear-network NTK (W1 W1^T) (x) I_k + I_d (x) (W2^T W2) from the two representation blocks. */
function kroneckerSumNtk(inputRep: Tensor, outputRep: Tensor): Tensor {
  const d = inputRep.shape[0];
  const k = outputRep.shape[0];
  const n = d * k;
  const out = new Float64Array(n * n);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let i = 0; i < k; i++) out[(a * k + i) * n + b * k + i] += inputRep.data[a * d + b];
  for (let a = 0; a < d; a++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[(a * k + i) * n + a * k + j] += outputRep.data[i * k + j];
  return new S.Tensor(out, [n, n]);
}

/** Upper-triangle entries (i <= j) of a symmetric matrix as rows at coordinates {tau, i, j}. */
function entryRows(m: Tensor, key: string, tau: number, t: number): Row[] {
  const n = m.shape[0];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) rows.push({ step: t, t, probe: "qqt", key, value: m.data[i * n + j], coords: { tau, i, j } });
  return rows;
}

/**
 * max |a - b| / max |b| over the entries of (probe, key) at tau in `a` against `bKey` in `b`,
 * paired by their (i, j) coordinates. Throws (missing data) when an entry of b has no partner.
 */
function relEntryError(a: RowQuery, aKey: string, b: RowQuery, bKey: string, tau: number): { err: number; scale: number } {
  const ref = b.series("qqt", bKey, { tau });
  const got = new Map(a.series("qqt", aKey, { tau }).map((r) => [`${r.coords?.i},${r.coords?.j}`, r.value]));
  let err = 0;
  let scale = 0;
  for (const r of ref) {
    const v = got.get(`${r.coords?.i},${r.coords?.j}`);
    if (v === undefined) throw new S.MissingDataError(`${a.label} has no qqt/${aKey} entry (${r.coords?.i}, ${r.coords?.j}) at tau = ${tau}`);
    const e = Math.abs(v - r.value);
    err = Number.isNaN(e) || Number.isNaN(err) ? NaN : Math.max(err, e);
    scale = Math.max(scale, Math.abs(r.value));
  }
  return { err, scale };
}

/** Whether the config is the reference table's (s = 2, sigma0 = 1e-3, fractions 0.25/0.5/0.9, a table lambda present). */
function onReferenceTable(cfg: LambdaBalancedConfig): boolean {
  return cfg.modeS === 2 && cfg.modeSigma0 === 1e-3 && cfg.modeFractions.join() === REFERENCE_FRACTIONS.join() && cfg.modeLambdas.some((l) => String(l) in REFERENCE_MODE_TABLE);
}

// Tolerances. Every flow here is RK45 at rtol 1e-11 (atol 1e-13): its global error is at most a few
// hundred rtol on these horizons. Measured worst over 16 configs sampled from the domain (sample
// seeds 1 and 2, README): QQ^T closed form vs flow 3.9e-13 relative, Riccati ODE 2.0e-14, crossing
// times 9.0e-11 relative, kernel distance 5.8e-9 relative, balance drift 3.3e-13. The rules are
// 1e-8 (1000 rtol; 1e-6 relative for the kernel distance, 1 - cos of nearly parallel kernels, which
// loses digits as the distance goes to ~1e-8 at |lambda| = 100), so an error of the closed form (a
// wrong sign in F, a missing factor in the time conversion: O(1) effects) fails by many decades.
const RK45 = { rtol: 1e-11, atol: 1e-13 };
const QQT_TOL = 1e-8;
const TIME_TOL = 1e-8;
const KERNEL_TOL = 1e-6;
const BALANCE_TOL = 1e-10;

function claimsFor(cfg: LambdaBalancedConfig): Claim<LambdaBalancedConfig, LambdaBalancedSetup>[] {
  const qqt: Claim<LambdaBalancedConfig, LambdaBalancedSetup>[] = cfg.qqtTimes.map((tau, k) => ({
    id: `qqt-${k + 1}-closed-form`,
    kind: "claim",
    statement: `At tau = ${tau} the closed form QQ^T = Z C^{-1} Z^T (lambda = ${cfg.qqtLambda}) equals the simulated network's QQ^T (W1 W1^T, W1 W2, W2^T W2 by RK45 gradient flow): max |entry difference| / max |entry| <= ${QQT_TOL} (RK45 rtol 1e-11)`,
    check: ({ sim, theory }) => {
      const { err, scale } = relEntryError(sim, "network", theory, "closedForm", tau);
      return atMost(err / scale, QQT_TOL, { theory: 0, units: "max |entry error| / max |entry|" });
    },
  }));
  const riccati: Claim<LambdaBalancedConfig, LambdaBalancedSetup> = {
    id: "riccati-ode",
    kind: "identity",
    statement: `The closed form solves its Riccati ODE: an independent RK45 integration of d(QQ^T)/dtau = F QQ^T + QQ^T F - (QQ^T)^2 equals it at every tau of the QQ^T check, max relative entry difference <= ${QQT_TOL}`,
    check: ({ sim, theory }) => {
      let worst = 0;
      for (const tau of cfg.qqtTimes) {
        const { err, scale } = relEntryError(sim, "riccatiOde", theory, "closedForm", tau);
        worst = Number.isNaN(err) || Number.isNaN(worst) ? NaN : Math.max(worst, err / scale);
      }
      return atMost(worst, QQT_TOL, { theory: 0, units: "max |entry error| / max |entry|" });
    },
  };
  const balance: Claim<LambdaBalancedConfig, LambdaBalancedSetup> = {
    id: "balance-conserved",
    kind: "identity",
    statement: `RK45 gradient flow conserves the lambda-balance W2 W2^T - W1^T W1 = lambda I: relative Frobenius drift <= ${BALANCE_TOL} at every tau of the QQ^T check`,
    check: ({ sim }) => atMost(sim.max("qqt", "balanceRelDrift"), BALANCE_TOL, { theory: 0, units: "relative Frobenius drift" }),
  };
  const modes: Claim<LambdaBalancedConfig, LambdaBalancedSetup>[] = cfg.modeLambdas.map((lambda, k) => ({
    id: `mode-${k + 1}-times`,
    kind: "claim",
    statement: `lambda = ${lambda}: the simulated aligned mode (RK45 flow of the whole ${cfg.width}x${cfg.width}x${cfg.width} network, event location) reaches f s for f in {${cfg.modeFractions.join(", ")}} at the exact implicit solution's times tau(f s) (s = ${cfg.modeS}, sigma0 = ${cfg.modeSigma0}); the worst fraction's relative error <= ${TIME_TOL}`,
    check: ({ sim, theory }) => {
      // The first failing fraction, else the one with the largest error.
      const all: ClaimResult[] = cfg.modeFractions.map((f) => relClose(theory.one("modeTime", "tau", { lambda, frac: f }), sim.one("modeTime", "tau", { lambda, frac: f }), TIME_TOL, { units: `paper time tau (worst of f = ${cfg.modeFractions.join(", ")})` }));
      return all.find((r) => !r.pass) ?? all.reduce((a, b) => ((b.error ?? 0) > (a.error ?? 0) ? b : a));
    },
  }));
  const table: Claim<LambdaBalancedConfig, LambdaBalancedSetup> = {
    id: "mode-time-table",
    kind: "claim",
    statement:
      "Reference table (s = 2, sigma0 = 1e-3; applies only to that config): the simulated crossing times of 0.25 s, 0.5 s, 0.9 s equal the table's entries for each of its lambdas in the config within max(1e-3 x entry, 5e-5) (1e-3 relative, or half a unit in the table's 4th decimal where that is larger: 0.0057 is 0.0057432 rounded); measured = worst |error| / that allowance",
    appliesTo: onReferenceTable,
    check: ({ sim }) => {
      let worst = 0;
      for (const lambda of cfg.modeLambdas) {
        const row = REFERENCE_MODE_TABLE[String(lambda)];
        if (!row) continue;
        REFERENCE_FRACTIONS.forEach((f, i) => {
          const e = Math.abs(sim.one("modeTime", "tau", { lambda, frac: f }) - row[i]) / Math.max(1e-3 * row[i], 5e-5);
          worst = Number.isNaN(e) || Number.isNaN(worst) ? NaN : Math.max(worst, e);
        });
      }
      return atMost(worst, 1, { theory: 0, units: "|error| / max(1e-3 entry, 5e-5)" });
    },
  };
  const kernels: Claim<LambdaBalancedConfig, LambdaBalancedSetup>[] = cfg.sweepLambdas.map((lambda, k) => ({
    id: `kernel-distance-${k + 1}`,
    kind: "claim",
    statement: `lambda = ${lambda}: the NTK distance 1 - <K0, KT>/(|K0| |KT|) at tau = ${cfg.sweepTime} predicted from the closed-form QQ^T (its diagonal blocks W1 W1^T, W2^T W2) equals the simulated network's within ${KERNEL_TOL} relative`,
    check: ({ sim, theory }) => relClose(theory.one("sweep", "kernelDistance", { lambda }), sim.one("sweep", "kernelDistance", { lambda }), KERNEL_TOL, { units: "kernel distance" }),
  }));
  const monotone: Claim<LambdaBalancedConfig, LambdaBalancedSetup> = {
    id: "kernel-distance-monotone",
    kind: "claim",
    statement: "Lazy to rich (the paper's claim): the simulated NTK distance from init at convergence decreases strictly as |lambda| grows along the sweep; measured = number of consecutive pairs where it does not (theory 0)",
    check: ({ sim }) => {
      const d = cfg.sweepLambdas.map((lambda) => sim.one("sweep", "kernelDistance", { lambda }));
      let bad = d.some((x) => !Number.isFinite(x)) ? NaN : 0;
      for (let i = 1; i < d.length; i++) if (!(d[i] < d[i - 1])) bad++;
      return atMost(bad, 0, { theory: 0, units: "non-decreasing pairs" });
    },
  };
  const converged: Claim<LambdaBalancedConfig, LambdaBalancedSetup> = {
    id: "sweep-converged",
    kind: "sanity",
    statement: `The sweep's distances are at convergence: at tau = ${cfg.sweepTime} the worst final loss over the sweep is <= 1e-3 of the initial loss (measured ~1e-20 on the preset)`,
    check: ({ sim }) => {
      let worst = 0;
      for (const lambda of cfg.sweepLambdas) {
        const r = sim.one("sweep", "finalLoss", { lambda }) / sim.one("sweep", "initialLoss", { lambda });
        worst = Number.isNaN(r) || Number.isNaN(worst) ? NaN : Math.max(worst, r);
      }
      return atMost(worst, 1e-3, { units: "final / initial loss" });
    },
  };
  return [...qqt, riccati, balance, ...modes, table, ...kernels, monotone, converged];
}

/**
 * Lazy-to-rich dynamics of lambda-balanced two-layer linear networks (Domine et al., arXiv
 * 2409.14623): the closed-form QQ^T(t) against RK45 gradient flow of the network, the aligned
 * scalar mode's exact crossing times, and the kernel distance at convergence across lambda.
 */
export const lambdaBalanced = defineExperiment({
  id: "lambda-balanced",
  title: "lambda-balanced linear networks: exact QQ^T dynamics from rich (lambda = 0) to lazy (|lambda| large)",
  family: "lazy-rich",
  paper: PAPERS.lambdaBalanced,
  schema,
  presets: {
    quick: { width: 5, samples: 10, qqtLambda: -50, qqtInitScale: 0.3, qqtTimes: [0.05, 0.1, 0.2], modeS: 2, modeSigma0: 1e-3, modeLambdas: [0, 0.5, 5, 50], modeFractions: [0.25, 0.5, 0.9], sweepLambdas: [0, 1, 3, 10, 30], sweepInitScale: 0.01, sweepTargetSpectrum: [3, 2.5, 2, 1.5, 1], sweepTime: 20 },
    full: { qqtTimes: [0.02, 0.05, 0.1, 0.2, 0.5, 1], modeLambdas: [0, 0.5, 2, 5, 20, 50], sweepLambdas: [0, 0.3, 1, 3, 10, 30, 100], sweepTime: 30 },
  },
  domain: {
    axes: {
      width: { range: [2, 6], integer: true },
      samples: { range: [6, 40], integer: true },
      qqtLambda: { range: [-60, 60] },
      qqtInitScale: { range: [0.05, 1], scale: "log" },
      qqtTimes: { choices: [[0.05, 0.1, 0.2], [0.02, 0.1, 0.5, 1], [0.3, 1, 2]] },
      modeS: { range: [0.5, 4], scale: "log" },
      modeSigma0: { range: [1e-4, 1e-2], scale: "log" },
      modeLambdas: { choices: [[0, 0.5, 5, 50], [-5, -0.5, 0, 2], [0, 1, 10], [0.1, -20, 100]] },
      modeFractions: { choices: [[0.25, 0.5, 0.9], [0.1, 0.5, 0.99], [0.5]] },
      sweepLambdas: { choices: [[0, 1, 3, 10, 30], [0, 0.3, 1, 3, 10, 30, 100], [0, -2, 8, -30]] },
      sweepInitScale: { range: [1e-3, 0.05], scale: "log" },
      sweepTargetSpectrum: { choices: [[3, 2.5, 2, 1.5, 1], [2, 1], [4, 2, 1], [1.5, 1.2, 1, 0.8]] },
    },
    seeds: [0, 1000],
    note: "square networks only (d = h = k); the sweep's spectra have s_min >= 0.8 and init scale <= 0.05 so that tau = 20 is convergence (the slowest mode needs ~ln(s/init)/(2 s_min) < 5) and the distance ordering is the lazy-to-rich one",
  },
  setup: (cfg, { rng }) => makeSetup(cfg, rng),
  async *run(cfg, ctx, setup) {
    const w = cfg.width;
    const n = cfg.samples;
    yield* phases(ctx, [
      [
        // 1. QQ^T of the simulated network (RK45 gradient flow) and of an RK45 integration of the Riccati ODE.
        "qqt",
        async function* (): AsyncGenerator<Row> {
          const { init, loss, betaStar } = setup.qqt;
          const times = cfg.qqtTimes.map((tau) => saddleTime(tau, n, w));
          const flow = S.gradientFlow(loss, init, times[times.length - 1], { times, ...RK45 });
          const ode = qqtRiccatiFlow(qqtOf(init.w1, init.w2), riccatiDrive(betaStar, cfg.qqtLambda), cfg.qqtTimes);
          const target = S.mul(S.eye(w), cfg.qqtLambda).data;
          const b0 = balanceMatrix(init.w1, init.w2);
          const norm0 = Math.sqrt(b0.reduce((acc, v) => acc + v * v, 0));
          for (let i = 0; i < times.length; i++) {
            const tau = cfg.qqtTimes[i];
            const p = flow.params[i];
            const t = times[i];
            yield* entryRows(qqtOf(p.w1, p.w2), "network", tau, t);
            yield* entryRows(ode[i], "riccatiOde", tau, t);
            const drift = Math.sqrt(balanceMatrix(p.w1, p.w2).reduce((acc, v, j) => acc + (v - target[j]) ** 2, 0));
            yield { step: t, t, probe: "qqt", key: "balanceRelDrift", value: drift / Math.max(norm0, 1e-300), coords: { tau } };
            yield { step: t, t, probe: "qqt", key: "loss", value: flow.losses[i], coords: { tau } };
          }
        },
      ],
      [
        // 2. Aligned mode: RK45 flow of a network whose init shares the target's singular vectors.
        "mode",
        async function* (): AsyncGenerator<Row> {
          const { u, v, loss, initProduct, rotation } = setup.mode;
          for (const lambda of cfg.modeLambdas) {
            if (await tick(ctx)) return;
            const init = lambdaBalancedFromProduct(initProduct, lambda, rotation);
            const last = cfg.modeFractions[cfg.modeFractions.length - 1];
            const tauEnd = 1.2 * alignedModeTime(cfg.modeSigma0, Math.max(0.95, last + (1 - last) / 2) * cfg.modeS, cfg.modeS, lambda);
            const tEnd = saddleTime(tauEnd, n, w);
            const events = cfg.modeFractions.map((f) => ({ name: String(f), fn: (_t: number, p: LinearParams) => modeValue(p, u, v) - f * cfg.modeS, direction: 1 as const }));
            const flow = S.gradientFlow(loss, init, tEnd, { times: S.logTimes(tEnd / 200, tEnd, 40), events, ...RK45 });
            for (const e of flow.events) yield { step: e.t, t: e.t, probe: "modeTime", key: "tau", value: paperTime(e.t, n, w), coords: { lambda, frac: Number(e.name) } };
            for (let i = 0; i < flow.times.length; i++) {
              const t = flow.times[i];
              yield { step: t, t, probe: "mode", key: "sigmaOverS", value: modeValue(flow.params[i], u, v) / cfg.modeS, coords: { lambda } };
            }
          }
        },
      ],
      [
        // 3. Lazy-to-rich sweep: the NTK's distance from its init at convergence, for each lambda.
        "sweep",
        async function* (): AsyncGenerator<Row> {
          const { loss, initProduct, rotation } = setup.sweep;
          const tEnd = saddleTime(cfg.sweepTime, n, w);
          for (const lambda of cfg.sweepLambdas) {
            if (await tick(ctx)) return;
            const init = lambdaBalancedFromProduct(initProduct, lambda, rotation);
            const flow = S.gradientFlow(loss, init, tEnd, { ...RK45 });
            const row = (key: string, value: number): Row => ({ step: tEnd, t: tEnd, probe: "sweep", key, value, coords: { lambda } });
            yield row("kernelDistance", S.kernelDistance(linearNetworkNtk(init.w1, init.w2), linearNetworkNtk(flow.final.w1, flow.final.w2)));
            yield row("initialLoss", S.noGrad(() => loss(init).item()));
            yield row("finalLoss", flow.finalLoss);
          }
        },
      ],
    ]);
  },
  theory(cfg, _ctx, setup) {
    const rows: Row[] = [];
    const n = cfg.samples;
    const w = cfg.width;
    // Closed-form QQ^T of the check's network at each tau.
    for (const tau of cfg.qqtTimes) rows.push(...entryRows(qqtExact(setup.qqt.init.w1, setup.qqt.init.w2, setup.qqt.betaStar, cfg.qqtLambda, tau), "closedForm", tau, saddleTime(tau, n, w)));
    // Exact crossing times and curve of the aligned mode.
    for (const lambda of cfg.modeLambdas) {
      for (const f of cfg.modeFractions) {
        const tau = alignedModeTime(cfg.modeSigma0, f * cfg.modeS, cfg.modeS, lambda);
        rows.push({ step: saddleTime(tau, n, w), t: saddleTime(tau, n, w), probe: "modeTime", key: "tau", value: tau, coords: { lambda, frac: f } });
      }
      const tauEnd = 1.2 * alignedModeTime(cfg.modeSigma0, 0.95 * cfg.modeS, cfg.modeS, lambda);
      for (const tau of S.logTimes(tauEnd / 400, tauEnd, 120)) {
        const t = saddleTime(tau, n, w);
        rows.push({ step: t, t, probe: "mode", key: "sigmaOverS", value: alignedModeSigma(tau, cfg.modeSigma0, cfg.modeS, lambda) / cfg.modeS, coords: { lambda } });
      }
    }
    // Kernel distance at sweepTime from the closed-form QQ^T: W1 W1^T and W2^T W2 are its diagonal blocks.
    const tEnd = saddleTime(cfg.sweepTime, n, w);
    for (const lambda of cfg.sweepLambdas) {
      const init = lambdaBalancedFromProduct(setup.sweep.initProduct, lambda, setup.sweep.rotation);
      const blocks = qqtBlocks(qqtExact(init.w1, init.w2, setup.sweep.betaStar, lambda, cfg.sweepTime), w);
      rows.push({ step: tEnd, t: tEnd, probe: "sweep", key: "kernelDistance", value: S.kernelDistance(linearNetworkNtk(init.w1, init.w2), kroneckerSumNtk(blocks.inputRep, blocks.outputRep)), coords: { lambda } });
    }
    return rows;
  },
  claims: (cfg) => claimsFor(cfg),
  figure: {
    probe: "mode",
    key: "sigmaOverS",
    x: "t",
    logx: true,
    xLabel: "gradient-flow time t (Saddle MSE; paper time tau = t / k)",
    yLabel: "aligned mode sigma / s (exact dashed over RK45 simulation)",
    series: (cfg) => cfg.modeLambdas.map((lambda) => ({ key: "sigmaOverS", coords: { lambda }, label: `lambda=${lambda}` })),
  },
});
