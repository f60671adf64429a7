import * as S from "@saddle/core";
import type { Rng } from "@saddle/core";

/** The spectral data of the diagonal teacher-student task (authors' run_teacher_student_diagonal.py). */
export interface DiagonalTask {
  /** [n] singular values s_k of X^T Y (descending). */
  s: Float64Array;
  /** [n] overlaps c_k = l_k^T W r_k of the teacher with the k-th singular pair of X^T Y. */
  overlap: Float64Array;
  /** |W|_F^2 of the teacher. */
  teacherNorm2: number;
  n: number;
}

/** A random n x n orthogonal matrix (QR of a Gaussian matrix), row-major. */
function orthogonal(rng: Rng, n: number): Float64Array {
  return Float64Array.from(S.linalg.qr(S.normal(rng, [n, n])).q.data);
}

/**
 * Teacher W = U diag(s_1..s_d, 0, ...) V^T (n x n, s = linspace(0.5, 1, d), random orthogonal U, V);
 * X (N x n) with orthonormal columns and Y = X W + dataNoise E / sqrt(n), E iid N(0, 1). Then
 * X^T Y = W + dataNoise G / sqrt(n) with G iid N(0, 1) n x n exactly, so X itself is never formed.
 */
export function makeDiagonalTask(rng: Rng, n: number, rank: number, dataNoise: number): DiagonalTask {
  const u = orthogonal(rng.fork("U"), n);
  const v = orthogonal(rng.fork("V"), n);
  const sTeacher = Array.from({ length: rank }, (_, i) => (rank === 1 ? 1 : 0.5 + (0.5 * i) / (rank - 1)));
  const w = new Float64Array(n * n); // [n, n] teacher
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let k = 0; k < rank; k++) acc += u[i * n + k] * sTeacher[k] * v[j * n + k];
    w[i * n + j] = acc;
  }
  const g = new Float64Array(n * n);
  rng.fork("noise").fillNormal(g, 0, dataNoise / Math.sqrt(n));
  const a = new Float64Array(n * n); // [n, n] X^T Y
  for (let i = 0; i < n * n; i++) a[i] = w[i] + g[i];
  const { u: l, s, vt } = S.linalg.svd(S.tensor(a, [n, n]));
  const L = l.data;
  const Rt = vt.data;
  const overlap = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let acc = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) acc += L[i * n + k] * w[i * n + j] * Rt[k * n + j];
    overlap[k] = acc;
  }
  return { s: Float64Array.from(s.data), overlap, teacherNorm2: sTeacher.reduce((acc, x) => acc + x * x, 0), n };
}

/** One label-noise SGD run of the diagonal student. */
export interface DiagonalRun {
  eta: number;
  samples: number;
  sigma: number;
  steps: number;
  /** Step at which the learning rate is multiplied by 0.1 (as the authors do at 5/6 of training). */
  decayAt: number;
}

/**
 * Label-noise SGD on the diagonal student (u, v init 1): per step and mode k, with xi ~ N(0, 1),
 * r = u v - s_k + sigma xi; u <- u - (eta/N) r v; v <- v - (eta/N) r u (arXiv 2306.04251).
 * Returns the final products p = u v ([n]).
 */
export function runDiagonal(task: DiagonalTask, run: DiagonalRun, rng: Rng): Float64Array {
  const n = task.n;
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(n).fill(1);
  const xi = new Float64Array(n);
  for (let k = 0; k < run.steps; k++) {
    const eps = (k < run.decayAt ? run.eta : 0.1 * run.eta) / run.samples;
    if (run.sigma > 0) rng.fillNormal(xi);
    for (let i = 0; i < n; i++) {
      const r = u[i] * v[i] - task.s[i] + run.sigma * xi[i];
      const ui = u[i];
      u[i] = ui - eps * r * v[i];
      v[i] = v[i] - eps * r * ui;
    }
  }
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = u[i] * v[i];
  return p;
}

/** Test loss mean((W_student - W)^2) = (sum p^2 - 2 sum p c + |W|^2) / n^2 (the authors' loss_test). */
export function diagonalTestLoss(task: DiagonalTask, p: Float64Array): number {
  let acc = task.teacherNorm2;
  for (let k = 0; k < task.n; k++) acc += p[k] * p[k] - 2 * p[k] * task.overlap[k];
  return acc / (task.n * task.n);
}
