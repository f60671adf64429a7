import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import { PAPERS, absClose, atLeast, atMost, defineExperiment, finished, phases, relClose, trainHooks, type Claim } from "../../kit/index.js";

const T = S.stepwiseSsl;

const schema = z
  .object({
    m: z.number().int().min(2).max(64).describe("input dimension"),
    spectrum: z.array(z.number().positive().max(100)).min(1).max(6).describe("latent variances of the top-d directions (d = length = embedding dimension), strictly decreasing"),
    tailFrac: z.number().positive().lt(1).describe("largest tail variance as a fraction of the smallest top variance"),
    tailDecay: z.number().positive().max(1).describe("geometric decay of the tail variances"),
    noise: z.number().min(0).max(2).describe("std of the additive augmentation noise of each view"),
    n: z.number().int().min(10).max(100000).describe("number of positive pairs"),
    alpha: z.number().positive().max(0.1).describe("init scale: entries of W0 ~ N(0, alpha^2)"),
    lr: z.number().positive().max(0.1).describe("GD learning rate on L = |W Gamma W^T - I|_F^2"),
    steps: z.number().int().positive().max(1e6).describe("GD steps"),
    every: z.number().int().positive().max(1e6).describe("log the loss and modes every this many steps"),
  })
  .strict()
  .refine((c) => c.spectrum.every((v, i) => i === 0 || v < c.spectrum[i - 1]), { message: "spectrum must be strictly decreasing", path: ["spectrum"] })
  .refine((c) => c.spectrum.length < c.m, { message: "needs d < m", path: ["m"] })
  .refine((c) => c.every <= c.steps, { message: "every must be <= steps", path: ["every"] });

export type StepwiseSslConfig = z.infer<typeof schema>;

type Params = { w: Tensor };

/** Everything the run, theory and claims share: the views' cross-correlation, its spectrum, the init and Saddle's predictions. */
interface Setup {
  d: number;
  m: number;
  /** Gamma, row-major m x m. */
  gamma: Float64Array;
  values: number[];
  vectors: Float64Array[];
  /** W0, row-major d x m. */
  w0: Float64Array;
  /** Effective initial mode values c_j(0) (Gram-Schmidt, see theory). */
  c0: number[];
  /** Predicted half-saturation times under GD (t = lr * step). */
  tStep: number[];
  /** Leakage bound on 1 - overlap. */
  leak: number;
}

/** The latent variances: the top-d spectrum, then m - d tail variances tailFrac * s_d * tailDecay^k. */
function variances(cfg: Pick<StepwiseSslConfig, "m" | "spectrum" | "tailFrac" | "tailDecay">): number[] {
  const d = cfg.spectrum.length;
  const sd = cfg.spectrum[d - 1];
  return [...cfg.spectrum, ...Array.from({ length: cfg.m - d }, (_, k) => cfg.tailFrac * sd * cfg.tailDecay ** k)];
}

/**
 * Steps that run 1.3x past the predicted last step from a conservative init estimate
 * c_d(0) ~ s_d alpha^2 / 1e4: the Gram-Schmidt residual of the last mode is one Gaussian
 * coordinate, |r_d|^2 ~ alpha^2 chi^2_1, below 1e-4 alpha^2 with probability ~1%. Used by the
 * domain to size runs.
 */
function stepsFor(cfg: Pick<StepwiseSslConfig, "spectrum" | "alpha" | "lr">): number {
  const sd = cfg.spectrum[cfg.spectrum.length - 1];
  const c0 = Math.min(0.01, (sd * cfg.alpha ** 2) / 1e4);
  return Math.ceil((1.3 * T.stepTime(c0, sd, cfg.lr)) / cfg.lr);
}

function makeSetup(cfg: StepwiseSslConfig, rng: S.Rng): Setup {
  const d = cfg.spectrum.length;
  const { m, n } = cfg;
  const v = variances(cfg);
  const z = S.normal(rng.fork("latent"), [n, m]).data;
  const e1 = S.normal(rng.fork("view-1"), [n, m]).data;
  const e2 = S.normal(rng.fork("view-2"), [n, m]).data;
  const x = new Float64Array(n * m);
  const xp = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      const zz = Math.sqrt(v[j]) * z[k];
      x[k] = zz + cfg.noise * e1[k];
      xp[k] = zz + cfg.noise * e2[k];
    }
  const gamma = T.crossCorrelation(x, xp, n, m);
  const sp = T.spectrum(S.tensor(Array.from(gamma), [m, m]));
  const w0 = Float64Array.from(S.normal(rng.fork("init"), [d, m], { std: cfg.alpha }).data);
  const c0 = T.effectiveInit(w0, d, m, sp.values, sp.vectors);
  const tStep = c0.map((c, j) => T.stepTime(c, sp.values[j], cfg.lr));
  const leak = T.leakageBound(w0, d, m, sp.values, sp.vectors, tStep[d - 1], cfg.lr);
  return { d, m, gamma, values: sp.values, vectors: sp.vectors, w0, c0, tStep, leak };
}

/** Time where a series first reaches `level` from below (linear interpolation between logged rows); NaN if never. */
function upCrossing(rows: readonly Row[], level: number): number {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.value < level && b.value >= level) return a.t + ((level - a.value) / (b.value - a.value)) * (b.t - a.t);
  }
  return NaN;
}

function claimsFor(cfg: StepwiseSslConfig, su: Setup): Claim<StepwiseSslConfig, Setup>[] {
  const { d } = su;
  const tEnd = cfg.lr * cfg.steps;
  const steps: Claim<StepwiseSslConfig, Setup>[] = su.tStep.map((tp, j) => {
    // Tolerance: an O(1) shift of ln c_j(0) from the modes' interaction (we allow a factor e^{1/2}
    // in the effective init, i.e. 0.5 / ln(1/c_j(0)) relative) plus GD's remaining O(gamma_j lr)
    // error in the saturating phase (the small-c phase is exact with GD's rate).
    const tol = 0.5 / Math.log(1 / su.c0[j]) + su.values[j] * cfg.lr;
    return {
      id: `step-${j + 1}-time`,
      kind: "claim",
      statement: `Mode ${j + 1} (gamma = ${su.values[j].toPrecision(4)}) reaches c = 1/2 at the closed-form logistic time ln(1/c_${j + 1}(0) - 1) / rate (GD rate 2 ln(1 + 4 gamma lr) / lr, Gram-Schmidt effective init), within 0.5/ln(1/c(0)) + gamma lr relative (= ${(100 * tol).toFixed(1)}%)`,
      check: ({ sim }) => relClose(tp, upCrossing(sim.series("mode", "c", { mode: j + 1 }), 0.5), tol, { units: "t = lr * step" }),
    };
  });
  const plateaus: Claim<StepwiseSslConfig, Setup>[] = su.tStep.slice(0, -1).map((_, j) => {
    const tMid = Math.sqrt(su.tStep[j] * su.tStep[j + 1]);
    const level = d - (j + 1);
    // The finite init keeps the plateau off the integer: the logistic modes' own deviation
    // |sum_k (1 - c_k(tMid))^2 - (d - j)| at the midpoint plus 2x the tail modes' linear-phase
    // value (they lower the loss by ~2c); twice that (GD and mode interaction shift the curves by
    // a fraction of it) plus 2e-3.
    const dev = Math.abs(T.stepLoss(su.c0, su.values.slice(0, d), tMid, cfg.lr) - level) + 2 * T.tailValue(su.w0, d, su.m, su.values, su.vectors, tMid, cfg.lr);
    const tol = 2 * dev + 2e-3;
    return {
      id: `plateau-${j + 1}-level`,
      kind: "claim",
      statement: `Between steps ${j + 1} and ${j + 2} (geometric midpoint of their predicted times) the loss sits at the integer ${level}, within twice the finite-init deviation (logistic top modes and linearly growing tail modes) plus 2e-3 (= ${tol.toPrecision(3)})`,
      check: ({ sim }) => absClose(level, sim.nearestT("train", "loss", tMid).value, tol, { units: "loss" }),
    };
  });
  // Remaining residual at the end: the predicted sqrt(sum_j (1 - c_j(T))^2), doubled (GD and the
  // modes' interaction shift the logistic by a fraction of it).
  const residual = Math.sqrt(T.stepLoss(su.c0, su.values.slice(0, d), tEnd, cfg.lr));
  const gapBound = 2 * residual + 1e-12;
  return [
    ...steps,
    ...plateaus,
    {
      id: "final-overlap",
      kind: "claim",
      statement: "The final embedding's row space is the top-d eigenspace of Gamma: overlap (1/d)|P_W V_d|_F^2 >= 1 - the leakage bound of the tail modes (their linear growth until the last step)",
      check: ({ sim }) => atLeast(sim.one("final", "overlap"), 1 - su.leak, { theory: 1, units: "overlap" }),
    },
    {
      id: "final-identity",
      kind: "claim",
      statement: "Training ends at the global minimum C = W Gamma W^T = I: |C - I|_F <= 2 x the logistic residual sqrt(sum_j (1 - c_j(T))^2) predicted at the end of training",
      check: ({ sim }) => atMost(sim.one("final", "identityGap"), gapBound, { theory: 0, units: "|C - I|_F" }),
    },
    {
      id: "loss-is-barlow",
      kind: "identity",
      statement: "The trained loss at step 0 equals the theory's |W0 Gamma W0^T - I|_F^2 (same C from the two code paths), to 1e-12 relative",
      check: ({ sim }) => relClose(T.identityGap(su.w0, su.gamma, d, su.m) ** 2, sim.series("train", "loss")[0].value, 1e-12),
    },
    {
      id: "spectrum-gaps",
      kind: "sanity",
      statement: "Domain guard: the sampled Gamma keeps eigenvalue ratios gamma_j / gamma_{j+1} >= 1.3 for j <= d (else steps merge)",
      check: ({ sim }) => {
        const g = Array.from({ length: d + 1 }, (_, k) => sim.one("data", "gamma", { mode: k + 1 }));
        const ratios = g.slice(0, d).map((x, k) => x / g[k + 1]);
        return atLeast(ratios.reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b))), 1.3, { units: "ratio" });
      },
    },
  ];
}

/**
 * Stepwise self-supervised learning (Simon et al., arXiv 2303.15438): linearised Barlow Twins from
 * small init learns the eigenmodes of the views' cross-correlation one at a time; the loss falls
 * d -> d-1 -> ... -> 0 in unit steps at closed-form times, and the embedding ends on the top-d
 * eigenspace with C = I.
 */
export const stepwiseSsl = defineExperiment({
  id: "stepwise-ssl",
  title: "Linearised Barlow Twins: stepwise learning of the cross-correlation eigenmodes",
  family: "saddle-to-saddle",
  paper: PAPERS.stepwiseSsl,
  schema,
  presets: {
    quick: { m: 12, spectrum: [4, 2.5, 1.6], tailFrac: 0.4, tailDecay: 0.8, noise: 0.3, n: 2000, alpha: 1e-4, lr: 0.005, steps: 570, every: 1 },
    full: { m: 32, spectrum: [5, 3.4, 2.3, 1.6], n: 8000, alpha: 1e-6, lr: 0.002, steps: 3000, every: 2 },
  },
  domain: {
    axes: {
      spectrum: { choices: [[4, 2.5, 1.6], [3, 1.8], [5, 3.2, 2, 1.3], [2.5, 1.6, 1], [6, 3]] },
      m: { range: [8, 16], integer: true },
      tailFrac: { range: [0.2, 0.5] },
      noise: { range: [0.1, 0.5] },
      n: { range: [1500, 3000], integer: true },
      alpha: { range: [1e-6, 1e-3], scale: "log" },
      lr: { range: [0.002, 0.01], scale: "log" },
    },
    seeds: [0, 1000],
    derive: (c) => {
      const steps = stepsFor(c);
      return { steps, every: Math.max(1, Math.floor(steps / 1500)) };
    },
    where: (c) => c.lr * c.spectrum[0] <= 0.05 && c.spectrum.length < c.m,
    note: "population eigenvalue ratios >= 1.44 (tail <= 0.5 s_d) so the sampled Gamma keeps ratios >= 1.3 (the spectrum-gaps guard); gamma_1 lr <= 0.05 keeps GD near its small-step logistic; alpha <= 1e-3: at alpha ~ 2e-3 with tail 0.5 s_d a tail mode can outrun a top mode whose Gram-Schmidt residual is small and take its output direction (sampled: overlap 0.77, step 3 never happens), and the steps are sized for residuals down to 1e-4 alpha^2",
  },
  setup: (cfg, { rng }) => makeSetup(cfg, rng),
  async *run(cfg, ctx, su) {
    const { d, m } = su;
    const gamma = S.tensor(Array.from(su.gamma), [m, m]);
    const eye = S.eye(d);
    const loss = (p: Params) => S.sum(S.square(S.sub(S.matmul(S.matmul(p.w, gamma), S.transpose(p.w)), eye)));
    const modes = S.probe<Params>("modes", ({ params }) => {
      const out: Record<string, number> = {};
      for (let k = 0; k < d; k++) out[String(k + 1)] = T.modeValue(params.w.data, d, m, su.values[k], su.vectors[k]);
      return out;
    });
    // The spectrum of the data being trained on (the domain guard reads it from the run's rows).
    if (ctx.resume === undefined) for (let k = 0; k <= d; k++) yield { step: 0, t: 0, probe: "data", key: "gamma", value: su.values[k], coords: { mode: k + 1 } };
    yield* phases(ctx, [
      [
        "gd",
        async function* () {
          const run = S.train({
            params: { w: S.tensor(Array.from(su.w0), [d, m]) },
            loss,
            optimizer: S.gd(cfg.lr),
            steps: cfg.steps,
            schedule: { every: cfg.every },
            time: { lr: cfg.lr },
            probes: [modes],
            ...trainHooks<Params>(ctx, "gd"),
          });
          for await (const r of run) {
            // mode index as a coordinate, not in the key
            if (r.probe === "modes") yield { step: r.step, t: r.t, probe: "mode", key: "c", value: r.value, coords: { mode: Number(r.key) } };
            else yield r;
          }
          if (!finished(run)) return;
          const w = run.result().params.w.data;
          const tEnd = cfg.lr * cfg.steps;
          yield { step: cfg.steps, t: tEnd, probe: "final", key: "overlap", value: T.subspaceOverlap(w, d, m, su.vectors) };
          yield { step: cfg.steps, t: tEnd, probe: "final", key: "identityGap", value: T.identityGap(w, su.gamma, d, m) };
        },
      ],
    ]);
  },
  theory(cfg, _ctx, su) {
    const rows: Row[] = [];
    const tEnd = cfg.lr * cfg.steps;
    const g = su.values.slice(0, su.d);
    for (let i = 0; i <= 300; i++) {
      const t = (tEnd * i) / 300;
      rows.push({ step: t / cfg.lr, t, probe: "train", key: "loss", value: T.stepLoss(su.c0, g, t, cfg.lr) });
      for (let k = 0; k < su.d; k++) rows.push({ step: t / cfg.lr, t, probe: "mode", key: "c", value: T.modeC(su.c0[k], g[k], t, cfg.lr), coords: { mode: k + 1 } });
    }
    su.tStep.forEach((t, k) => rows.push({ step: t / cfg.lr, t, probe: "step", key: "time", value: t, coords: { mode: k + 1 } }));
    return rows;
  },
  claims: (cfg, su) => claimsFor(cfg, su),
  figure: {
    probe: "train",
    key: "loss",
    x: "t",
    xLabel: "t = lr * step",
    yLabel: "loss |C - I|_F^2 (staircase d -> 0) and mode values c_j = gamma_j |W v_j|^2",
    series: (cfg) => [{ key: "loss", label: "loss" }, ...cfg.spectrum.map((_, k) => ({ probe: "mode", key: "c", coords: { mode: k + 1 }, label: `c_${k + 1}` }))],
  },
});
