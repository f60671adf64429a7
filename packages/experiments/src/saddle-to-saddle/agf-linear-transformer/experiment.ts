import { z } from "zod";
import * as S from "@saddle/core";
import type { Row, Tensor } from "@saddle/core";
import type { ClaimResult, Experiment } from "../../types.js";
import { medianSeconds, speedupClaim } from "../../shared/timing.js";
import { verdict } from "../../types.js";

const { agf } = S;

const schema = z
  .object({
    eigenvalues: z.array(z.number().positive()).min(1).max(8).describe("eigenvalues of the input covariance Sigma (decreasing)"),
    N: z.number().int().positive().describe("context length: (x_n, y_n) pairs per prompt"),
    heads: z.number().int().positive().describe("attention heads H"),
    alpha: z.number().positive().lt(0.1).describe("initial scale: v = alpha |g|, k, q ~ alpha N(0, I)"),
    lr: z.number().positive().describe("GD learning rate on Saddle's MSE 1/2 E (y_hat - y_q)^2"),
    steps: z.number().int().positive().describe("full-batch GD steps"),
    every: z.number().int().positive().describe("GD steps between logged rows"),
    prompts: z.number().int().positive().describe("training prompts (the full batch)"),
    seed: z.number().int().nonnegative().describe("seed of the eigenbasis, the prompts and the initialisation"),
  })
  .strict()
  .refine((c) => c.eigenvalues.every((l, i) => i === 0 || l < c.eigenvalues[i - 1]), { message: "eigenvalues must be strictly decreasing", path: ["eigenvalues"] });

export type AgfLinearTransformerConfig = z.infer<typeof schema>;

/** A random orthonormal eigenbasis Q (D, D), row-major, columns the eigenvectors. */
function basis(cfg: AgfLinearTransformerConfig): Float64Array {
  const D = cfg.eigenvalues.length;
  const rng = S.Rng.seed(`agf-linear-transformer/basis/${cfg.seed}`);
  return Float64Array.from(S.linalg.qr(S.normal(rng, [D, D])).q.data);
}

/** Initial heads theta_h = (v, k, q), v = alpha |g| > 0 (the authors' |randn| value weights). */
function initHeads(cfg: AgfLinearTransformerConfig): Float64Array[] {
  const D = cfg.eigenvalues.length;
  const rng = S.Rng.seed(`agf-linear-transformer/init/${cfg.seed}`);
  return Array.from({ length: cfg.heads }, () => {
    const th = Float64Array.from({ length: 1 + 2 * D }, () => cfg.alpha * rng.nextNormal());
    th[0] = Math.abs(th[0]);
    return th;
  });
}

/**
 * The empirical loss of the sampled prompts as a quadratic in vec(M): with phi = vec(z x_q^T),
 * z = sum_n y_n x_n, L(M) = 1/2 mean (phi . vec M - y_q)^2 = 1/2 m^T G m - b^T m + c0,
 * G = mean phi phi^T, b = mean y_q phi, c0 = 1/2 mean y_q^2 (exact for this finite training set).
 */
function promptLoss(cfg: AgfLinearTransformerConfig) {
  const D = cfg.eigenvalues.length;
  const Q = basis(cfg);
  const rng = S.Rng.seed(`agf-linear-transformer/prompts/${cfg.seed}`);
  const size = D * D;
  const gram = new Float64Array(size * size);
  const linear = new Float64Array(size);
  let c0 = 0;
  const sqrtL = cfg.eigenvalues.map(Math.sqrt);
  const sample = () => {
    const g = sqrtL.map((s) => s * rng.nextNormal());
    const x = new Float64Array(D);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) x[i] += Q[i * D + j] * g[j];
    return x;
  };
  const phi = new Float64Array(size);
  for (let s = 0; s < cfg.prompts; s++) {
    const w = Array.from({ length: D }, () => rng.nextNormal());
    const z = new Float64Array(D);
    for (let n = 0; n < cfg.N; n++) {
      const x = sample();
      let y = 0;
      for (let i = 0; i < D; i++) y += w[i] * x[i];
      for (let i = 0; i < D; i++) z[i] += y * x[i];
    }
    const xq = sample();
    let yq = 0;
    for (let i = 0; i < D; i++) yq += w[i] * xq[i];
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) phi[i * D + j] = z[i] * xq[j];
    for (let a = 0; a < size; a++) {
      linear[a] += yq * phi[a];
      for (let b = 0; b < size; b++) gram[a * size + b] += phi[a] * phi[b];
    }
    c0 += 0.5 * yq * yq;
  }
  const inv = 1 / cfg.prompts;
  return { gram: gram.map((v) => v * inv), linear: linear.map((v) => v * inv), constant: c0 * inv };
}

/** The population loss in the rotated basis (for AGF): G, b of inContextRegressionLoss with Sigma = Q diag(lambda) Q^T. */
function populationLoss(cfg: AgfLinearTransformerConfig) {
  const D = cfg.eigenvalues.length;
  const Q = basis(cfg);
  const sigma = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) sigma[i * D + j] += Q[i * D + k] * cfg.eigenvalues[k] * Q[j * D + k];
  return agf.inContextRegressionLoss(sigma, D, cfg.N);
}

/** AGF on the population loss from the same initial heads (RK45 tolerances 1e-8 / 1e-10 suffice: times agree to 1e-5). */
function runAgf(cfg: AgfLinearTransformerConfig) {
  return agf.alternatingGradientFlow(agf.attentionHeadNeurons(cfg.eigenvalues.length, initHeads(cfg), populationLoss(cfg)), { rtol: 1e-8, atol: 1e-10 });
}

const levelsOf = (cfg: AgfLinearTransformerConfig) => agf.linearTransformerPlateaus(cfg.eigenvalues, cfg.N);
const final = (rows: readonly Row[], key: string) => rows.find((r) => r.probe === "final" && r.key === key)?.value ?? NaN;

/**
 * An attention-only linear transformer (heads v_h (k_h^T z)(q_h^T x_q)) trained by full-batch GD
 * on sampled in-context linear-regression prompts from small initialisation, against AGF: the
 * heads learn the principal components of Sigma one at a time in decreasing eigenvalue, with
 * closed-form plateaus and singular values.
 */
export const agfLinearTransformer: Experiment<AgfLinearTransformerConfig> = {
  id: "agf-linear-transformer",
  title: "AGF III: linear transformer — heads learn principal components in order",
  paper: { arxiv: "2506.06489", title: "Alternating Gradient Flows: A Theory of Feature Learning in Two-layer Neural Networks", authors: "Kunin, Marchetti, Chen, Karkada, Simon, DeWeese, Ganguli, Miolane", year: 2025 },
  schema: schema as unknown as z.ZodType<AgfLinearTransformerConfig>,
  presets: {
    quick: { eigenvalues: [0.96, 0.48, 0.32, 0.24], N: 32, heads: 5, alpha: 1e-3, lr: 0.01, steps: 90000, every: 50, prompts: 16384, seed: 0 },
    full: { eigenvalues: [0.96, 0.48, 0.32, 0.24], N: 32, heads: 5, alpha: 1e-3, lr: 0.01, steps: 150000, every: 50, prompts: 65536, seed: 0 },
  },
  async *run(cfg, ctx) {
    const D = cfg.eigenvalues.length;
    const H = cfg.heads;
    const { gram, linear, constant } = promptLoss(cfg);
    const G = new S.Tensor(gram, [D * D, D * D]);
    const b = new S.Tensor(linear, [D * D]);
    const heads = initHeads(cfg);
    const init = {
      v: S.tensor(heads.map((h) => h[0])), // (H)
      k: S.tensor(heads.map((h) => Array.from(h.subarray(1, 1 + D)))), // (H, D)
      q: S.tensor(heads.map((h) => Array.from(h.subarray(1 + D)))), // (H, D)
    };
    type P = typeof init;
    const mOf = (p: P) => S.reshape(S.matmul(S.transpose(S.mul(p.k, S.expandDims(p.v, 1))), p.q), [D * D]); // vec(sum_h v_h k_h q_h^T)
    const loss = (p: P) => {
      const m = mOf(p);
      return S.add(S.sub(S.mul(S.dot(m, S.matmul(G, m)), 0.5), S.dot(b, m)), constant);
    };
    const headNorms = S.probe<P>("heads", ({ params }) => {
      const out: Record<string, number> = {};
      for (let h = 0; h < H; h++) {
        let n = params.v.data[h] ** 2;
        for (let i = 0; i < D; i++) n += params.k.data[h * D + i] ** 2 + params.q.data[h * D + i] ** 2;
        out[`norm${h}`] = Math.sqrt(n);
      }
      return out;
    });
    const t0 = performance.now();
    const run = S.train({ params: init, loss, optimizer: S.gd(cfg.lr), steps: cfg.steps, schedule: { every: cfg.every }, time: { lr: cfg.lr }, probes: [headNorms], signal: ctx.signal });
    yield* run;
    const simulationSeconds = (performance.now() - t0) / 1000;
    if (run.result().reason !== "done") return;
    // Final heads in the eigenbasis: alignment of the head that carries each component, and M's singular values.
    const Q = basis(cfg);
    const p = run.params;
    const order = agf.learningOrder(cfg.eigenvalues);
    const proj = (vec: ArrayLike<number>, c: number) => {
      let s = 0;
      for (let i = 0; i < D; i++) s += vec[i] * Q[i * D + c];
      return s;
    };
    const M = mOf(p).data;
    for (const [rank, c] of order.entries()) {
      let best = 0;
      let bestScore = -Infinity;
      for (let h = 0; h < H; h++) {
        const kh = p.k.data.subarray(h * D, (h + 1) * D);
        const qh = p.q.data.subarray(h * D, (h + 1) * D);
        const score = Math.abs(p.v.data[h] * proj(kh, c) * proj(qh, c));
        if (score > bestScore) {
          bestScore = score;
          best = h;
        }
      }
      const kh = p.k.data.subarray(best * D, (best + 1) * D);
      const qh = p.q.data.subarray(best * D, (best + 1) * D);
      const cosK = Math.abs(proj(kh, c)) / Math.hypot(...kh);
      const cosQ = Math.abs(proj(qh, c)) / Math.hypot(...qh);
      let sv = 0;
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) sv += Q[i * D + c] * M[i * D + j] * Q[j * D + c];
      yield { step: cfg.steps, t: cfg.steps * cfg.lr, probe: "final", key: `head${rank + 1}`, value: best };
      yield { step: cfg.steps, t: cfg.steps * cfg.lr, probe: "final", key: `align${rank + 1}`, value: Math.min(cosK, cosQ) };
      yield { step: cfg.steps, t: cfg.steps * cfg.lr, probe: "final", key: `sv${rank + 1}`, value: Math.abs(sv) };
    }
    // AGF (generic engine on the population heads, same initialisation), timed.
    let result = runAgf(cfg);
    const agfSeconds = medianSeconds(() => (result = runAgf(cfg)));
    for (const j of result.jumps) {
      yield { step: j.k, t: j.t, probe: "agf", key: "level", value: j.level };
      yield { step: j.k, t: j.t, probe: "agf", key: "neuron", value: j.neuron };
    }
    yield { step: 0, t: 0, probe: "timing", key: "simulationSeconds", value: simulationSeconds };
    yield { step: 0, t: 0, probe: "timing", key: "agfSeconds", value: agfSeconds };
  },
  theory(cfg) {
    const res = runAgf(cfg);
    return agf.staircaseRows(agf.staircaseFromAgf(res), { lr: cfg.lr, probe: "train", tEnd: cfg.steps * cfg.lr });
  },
  claims: [
    ...[1, 2, 3, 4].map((k) => ({
      id: `plateau-${k}`,
      statement: `GD's plateau after ${k} head(s) (flattest point between drops) equals L_${k} = 1/2 [tr Lambda - sum_{i<=${k}} lambda_i / (1 + (1 + tr Lambda / lambda_i) / N)] within 3% (finite prompt set)`,
      check: (rows: readonly Row[], cfg: AgfLinearTransformerConfig): ClaimResult => {
        const levels = levelsOf(cfg);
        if (k >= levels.length) return verdict(NaN, NaN, 0.03);
        const { t, loss } = agf.lossSeries(rows, "train");
        const cross = agf.midpointCrossings(t, loss, levels);
        const end = k < cross.length ? cross[k] : t[t.length - 1] + 1;
        const measured = k === levels.length - 1 ? loss[loss.length - 1] : agf.plateauValue(t, loss, cross[k - 1], end);
        return verdict(levels[k], measured, 0.03, "loss (1/2 mean squared error)");
      },
    })),
    ...[1, 2, 3, 4].map((k) => ({
      id: `head-${k}-aligns`,
      statement: `The head carrying the ${k}-th principal component has k and q along the ${k}-th eigenvector of Sigma: min(|cos k|, |cos q|) > 0.95`,
      check: (rows: readonly Row[]): ClaimResult => {
        const c = final(rows, `align${k}`);
        return { theory: 1, measured: c, tolerance: 0.05, relError: 1 - c, pass: c > 0.95, absolute: true, units: "|cos|" };
      },
    })),
    ...[1, 2, 3, 4].map((k) => ({
      id: `singular-value-${k}`,
      statement: `M's value on the ${k}-th eigenvector equals 1 / (tr Lambda + (N + 1) lambda_${k}) within 5%`,
      check: (rows: readonly Row[], cfg: AgfLinearTransformerConfig) => verdict(agf.linearTransformerSingularValues(cfg.eigenvalues, cfg.N)[k - 1], final(rows, `sv${k}`), 0.05, "e_k^T M e_k"),
    })),
    speedupClaim("agf-speedup", "simulationSeconds", "agfSeconds", "The AGF engine computes the staircase at least 100x faster than GD simulates it (measured: simulation seconds / AGF seconds)"),
  ],
  figure: { probe: "train", key: "loss", x: "t", logx: true, logy: true, xLabel: "gradient-flow time t = lr * step", yLabel: "training loss 1/2 mean (y_hat - y_q)^2" },
};
