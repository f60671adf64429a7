import * as S from "@saddle/core";
import type { Rng, Tensor } from "@saddle/core";
import { finished, trainHooks, type RunContext } from "../../kit/index.js";

const { symmetrizedAlpha } = S.getRichQuick;

/**
 * The two-layer ReLU teacher-student grid of Get rich quick (arXiv 2406.06158, section 5; the
 * authors' `two-layer-relu/run_grid.py`, shrunk to CPU size): teacher f*(x) = sum_j c_j relu(w*_j . x)
 * with unit-norm w*_j and c_j = +-1; inputs uniform on the unit sphere; student
 * f(x) = sum_i a_i relu(w_i . x) with the symmetrized init w_i = tau alpha u_i, a_i = +-tau/alpha in
 * pairs sharing u_i (f = 0 at init, every neuron has delta = a_i^2 - |w_i|^2 = tau^2 (1/alpha^2 - alpha^2)),
 * full-batch GD on Saddle's MSE with lr = lrScale / tau^2 (the reference's 5e-3 / tau^2 scaling).
 */
export interface ReluGridSpec {
  d: number;
  n: number;
  nTest: number;
  width: number;
  teacherWidth: number;
  tau: number;
  delta: number;
  lrScale: number;
  steps: number;
  /** Number of training inputs on which the empirical NTK is compared (init vs end). */
  ntkPoints: number;
}

export interface ReluGridResult {
  kernelDistance: number;
  testLoss: number;
  trainLoss: number;
  /** max_i |delta_i(T) - delta_i(0)| under GD (drift O(lr) over the run). */
  deltaDrift: number;
  /** Fraction of (test input, neuron) ReLU activation signs that changed from init (Hamming distance). */
  activationChange: number;
  /** |W_T - W_0|_F / |W_0|_F: relative movement of the first layer. */
  firstLayerMove: number;
}

type Student = { w: Tensor; a: Tensor };

const apply = (p: Student, x: Tensor): Tensor => S.matmul(S.relu(S.matmul(x, p.w)), p.a); // (n, d)(d, m) -> (n, m) -> (n)

/** Symmetrized init: m/2 unit directions u_i, each used twice with readouts +tau/alpha and -tau/alpha. */
export function symmetrizedInit(rng: Rng, d: number, width: number, tau: number, delta: number): Student {
  if (width % 2 !== 0) throw new RangeError(`symmetrizedInit: width must be even, got ${width}`);
  const alpha = symmetrizedAlpha(delta, tau);
  const half = width / 2;
  const u = S.sphereInputs(rng, half, d); // (m/2, d) unit rows
  const w = new Float64Array(d * width);
  const a = new Float64Array(width);
  for (let j = 0; j < half; j++) {
    for (let r = 0; r < d; r++) {
      const v = tau * alpha * u.data[j * d + r];
      w[r * width + 2 * j] = v;
      w[r * width + 2 * j + 1] = v;
    }
    a[2 * j] = tau / alpha;
    a[2 * j + 1] = -tau / alpha;
  }
  return { w: new S.Tensor(w, [d, width]), a: new S.Tensor(a, [width]) };
}

function perNeuronDelta(p: Student): Float64Array {
  const [d, m] = p.w.shape;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += p.w.data[r * m + i] ** 2;
    out[i] = p.a.data[i] ** 2 - s;
  }
  return out;
}

/**
 * One grid cell: data from `dataRng` (shared across cells of a seed), init from `initRng`; trains
 * through core `train()` with the run's hooks for `phase` (cancel, checkpoints, resume). Returns
 * null when the run was cancelled.
 */
export async function runReluCell(spec: ReluGridSpec, dataRng: Rng, initRng: Rng, ctx: RunContext, phase: string): Promise<ReluGridResult | null> {
  const { d, n, nTest, teacherWidth } = spec;
  const teacherW = S.transpose(S.sphereInputs(dataRng, teacherWidth, d)); // (d, m0) unit columns
  const teacherA = S.tensor(Array.from({ length: teacherWidth }, (_, j) => (j % 2 === 0 ? 1 : -1)), [teacherWidth, 1]);
  const x = S.sphereInputs(dataRng, n, d);
  const xt = S.sphereInputs(dataRng, nTest, d);
  const target = (z: Tensor) => S.reshape(S.matmul(S.relu(S.matmul(z, teacherW)), teacherA), [z.shape[0]]);
  const y = target(x);
  const yt = target(xt);
  const init = symmetrizedInit(initRng, d, spec.width, spec.tau, spec.delta);
  const xProbe = S.slice(x, [[0, spec.ntkPoints], null]);
  const k0 = S.empiricalNtk(apply, init, xProbe);
  const lr = spec.lrScale / (spec.tau * spec.tau);
  const run = S.train({
    params: init,
    loss: (p) => S.mse(apply(p, x), y),
    optimizer: S.gd(lr),
    steps: spec.steps,
    schedule: { steps: [spec.steps] },
    time: { lr },
    ...trainHooks<Student>(ctx, phase),
  });
  for await (const _row of run) {
    // rows of the loop are not needed; the cell reports its summary
  }
  if (!finished(run)) return null;
  const final = run.result().params;
  const d0 = perNeuronDelta(init);
  const d1 = perNeuronDelta(final);
  let drift = 0;
  for (let i = 0; i < d0.length; i++) drift = Math.max(drift, Math.abs(d1[i] - d0[i]));
  const pattern = (p: Student) => S.matmul(xt, p.w).data; // (nTest, m) preactivations
  const z0 = pattern(init);
  const z1 = pattern(final);
  let flips = 0;
  for (let i = 0; i < z0.length; i++) if (z0[i] > 0 !== z1[i] > 0) flips++;
  let move = 0;
  let norm0 = 0;
  for (let i = 0; i < init.w.size; i++) {
    move += (final.w.data[i] - init.w.data[i]) ** 2;
    norm0 += init.w.data[i] ** 2;
  }
  return {
    activationChange: flips / z0.length,
    firstLayerMove: Math.sqrt(move / norm0),
    kernelDistance: S.kernelDistance(k0, S.empiricalNtk(apply, final, xProbe)),
    testLoss: S.noGrad(() => S.mse(apply(final, xt), yt).item()),
    trainLoss: run.result().loss,
    deltaDrift: drift,
  };
}
