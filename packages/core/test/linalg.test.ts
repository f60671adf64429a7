import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor, linalg } from "@saddle/core";

/** Frobenius norm of a (or of a - b), scaled so that entries near 1e+-200 neither overflow nor underflow. */
function fro(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i] - (b ? b[i] : 0)));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] - (b ? b[i] : 0)) / scale) ** 2;
  return scale * Math.sqrt(s);
}

/** ||a - b||_F / ||b||_F. */
function rel(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>): number {
  const x = a instanceof Tensor ? a.data : a;
  const y = b instanceof Tensor ? b.data : b;
  return fro(x, y) / fro(y);
}

/** ||Q^T Q - I||_F for a matrix Q (m x k) that should have orthonormal columns. */
function orthogonalityError(q: Tensor): number {
  return fro(S.matmul(S.mT(q), q).data, S.eye(q.shape[1]).data);
}

/** Largest |entry| strictly below (lower = true) or above the diagonal of a row-major matrix. */
function offTriangle(x: Tensor, lower: boolean): number {
  const [m, n] = x.shape;
  let worst = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    if (lower ? j < i : j > i) worst = Math.max(worst, Math.abs(x.data[i * n + j]));
  }
  return worst;
}

function randomSymmetric(rng: Rng, n: number): Tensor {
  const g = S.normal(rng, [n, n]); // (n, n)
  return S.mul(S.add(g, S.mT(g)), 0.5);
}

/** Q diag(d) Q^T with a random orthogonal Q: a symmetric matrix of known spectrum. */
function withSpectrum(rng: Rng, d: number[]): Tensor {
  const { q } = linalg.qr(S.normal(rng, [d.length, d.length]));
  return S.matmul(S.mul(q, S.tensor(d)), S.mT(q));
}

/** U diag(s) V^T with random orthonormal U (m x k), V (n x k): a matrix of known singular values. */
function withSingularValues(rng: Rng, m: number, n: number, s: number[]): Tensor {
  const { q: u } = linalg.qr(S.normal(rng, [m, s.length]));
  const { q: v } = linalg.qr(S.normal(rng, [n, s.length]));
  return S.matmul(S.mul(u, S.tensor(s)), S.mT(v));
}

const repeated = Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : i < 35 ? -2 : 5));

// [name, matrix, known eigenvalues ascending or null]
const symmetricCases: [string, (rng: Rng) => Tensor, number[] | null][] = [
  ["random 50", (r) => randomSymmetric(r, 50), null],
  ["random 300", (r) => randomSymmetric(r, 300), null],
  ["repeated eigenvalues (1 x20, -2 x15, 5 x5)", (r) => withSpectrum(r, repeated), [...repeated].sort((a, b) => a - b)],
  ["diagonal", () => S.mul(S.eye(7), S.tensor([3, -1, 2, 2, 0, 9, -4])), [-4, -1, 0, 2, 2, 3, 9]],
  ["rank deficient 60 (rank 5)", (r) => { const b = S.normal(r, [60, 5]); return S.matmul(b, S.mT(b)); }, null],
  ["zero 6", () => S.zeros([6, 6]), [0, 0, 0, 0, 0, 0]],
  ["tridiagonal Toeplitz 100", () => {
    const n = 100;
    return S.tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0))));
  }, Array.from({ length: 100 }, (_, k) => 2 - 2 * Math.cos((Math.PI * (k + 1)) / 101))],
  ["huge entries (x 1e200)", (r) => S.mul(withSpectrum(r, [-3, 1, 2, 7]), 1e200), [-3e200, 1e200, 2e200, 7e200]],
  ["tiny entries (x 1e-200)", (r) => S.mul(withSpectrum(r, [-3, 1, 2, 7]), 1e-200), [-3e-200, 1e-200, 2e-200, 7e-200]],
  ["1x1", () => S.tensor([[4]]), [4]],
  ["2x2", () => S.tensor([[2, 1], [1, 2]]), [1, 3]],
];

describe("eigh (Householder tridiagonalisation + implicit QL)", () => {
  it.each(symmetricCases)("%s: residual, orthogonality, order, trace, spectrum", (name, make, known) => {
    const a = make(Rng.seed(name)); // (n, n)
    const n = a.shape[0];
    const { values, vectors } = linalg.eigh(a);
    expect(values.shape).toEqual([n]);
    expect(vectors.shape).toEqual([n, n]);
    const scale = Math.max(fro(a.data), Number.MIN_VALUE);
    // ||A V - V diag(w)||_F / ||A||_F and ||V^T V - I||_F
    expect(fro(S.matmul(a, vectors).data, S.mul(vectors, values).data) / scale).toBeLessThan(1e-12);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-12);
    for (let i = 1; i < n; i++) expect(values.data[i]).toBeGreaterThanOrEqual(values.data[i - 1]);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a.data[i * n + i];
    expect(Math.abs(S.sum(values).item() - trace)).toBeLessThanOrEqual(1e-12 * scale);
    if (known) for (let i = 0; i < n; i++) expect(Math.abs(values.data[i] - known[i])).toBeLessThanOrEqual(1e-12 * scale);
  });

  it("reads only the lower triangle", () => {
    const a = randomSymmetric(Rng.seed(3), 20);
    const garbage = Float64Array.from(a.data);
    for (let i = 0; i < 20; i++) for (let j = i + 1; j < 20; j++) garbage[i * 20 + j] = 1e3 * (i + j);
    const full = linalg.eigh(a).values;
    const lower = linalg.eigh(S.tensor(garbage, [20, 20])).values;
    expect(fro(full.data, lower.data)).toBeLessThan(1e-12);
  });

  it("0x0 gives empty results; bad input names the problem", () => {
    const { values, vectors } = linalg.eigh(S.zeros([0, 0]));
    expect(values.shape).toEqual([0]);
    expect(vectors.shape).toEqual([0, 0]);
    expect(() => linalg.eigh(S.zeros([2, 3]))).toThrow(/square matrix/);
    expect(() => linalg.eigh(S.tensor([[1, 0], [NaN, 1]]))).toThrow(/entry \(1, 0\) of the matrix is NaN/);
  });
});

// [name, matrix, known singular values descending or null]
const rectangularCases: [string, (rng: Rng) => Tensor, number[] | null][] = [
  ["50x50", (r) => S.normal(r, [50, 50]), null],
  ["300x300", (r) => S.normal(r, [300, 300]), null],
  ["tall 300x50", (r) => S.normal(r, [300, 50]), null],
  ["wide 50x300", (r) => S.normal(r, [50, 300]), null],
  ["rank deficient 40x30 (rank 4)", (r) => S.matmul(S.normal(r, [40, 4]), S.normal(r, [4, 30])), null],
  ["rank deficient wide 20x60 (rank 3)", (r) => S.matmul(S.normal(r, [20, 3]), S.normal(r, [3, 60])), null],
  ["known spectrum 60x25, cond 1e12", (r) => withSingularValues(r, 60, 25, Array.from({ length: 25 }, (_, i) => 10 ** (-i / 2))), Array.from({ length: 25 }, (_, i) => 10 ** (-i / 2))],
  ["zero 5x3", () => S.zeros([5, 3]), [0, 0, 0]],
  ["duplicate columns 10x4", (r) => { const b = S.normal(r, [10, 3]); return S.concat([b, S.slice(b, [null, [1, 2, 1]])], 1); }, null],
  ["huge entries (x 1e200)", (r) => S.mul(withSingularValues(r, 8, 5, [5, 4, 3, 2, 1]), 1e200), [5e200, 4e200, 3e200, 2e200, 1e200]],
  ["tiny entries (x 1e-200)", (r) => S.mul(withSingularValues(r, 5, 8, [5, 4, 3, 2, 1]), 1e-200), [5e-200, 4e-200, 3e-200, 2e-200, 1e-200]],
  ["1x1", () => S.tensor([[-3]]), [3]],
  ["row 1x6", (r) => S.normal(r, [1, 6]), null],
];

describe("svd (pivoted QR + one-sided Jacobi)", () => {
  it.each(rectangularCases)("%s: reconstruction, orthogonality, order", (name, make, known) => {
    const a = make(Rng.seed(name)); // (m, n)
    const [m, n] = a.shape;
    const k = Math.min(m, n);
    const { u, s, vt } = linalg.svd(a);
    expect(u.shape).toEqual([m, k]);
    expect(s.shape).toEqual([k]);
    expect(vt.shape).toEqual([k, n]);
    const norm = fro(a.data);
    expect(norm === 0 || Number.isFinite(1 / norm)).toBe(true);
    // Scale by 1 / ||A|| before multiplying back so that products of 1e200 entries do not overflow.
    const unit = norm > 0 ? 1 / norm : 1;
    const rebuilt = S.matmul(S.mul(u, S.mul(s, unit)), vt); // (m, n)
    expect(fro(rebuilt.data, S.mul(a, unit).data)).toBeLessThan(1e-12);
    // ||U^T U - I||_F / sqrt(k): rotation accumulation grows ~ k^1.5 eps in the absolute norm.
    expect(orthogonalityError(u) / Math.sqrt(k)).toBeLessThan(1e-13);
    expect(orthogonalityError(S.mT(vt)) / Math.sqrt(k)).toBeLessThan(1e-13);
    for (let i = 1; i < k; i++) expect(s.data[i]).toBeLessThanOrEqual(s.data[i - 1]);
    expect(s.data[k - 1]).toBeGreaterThanOrEqual(0);
    if (known) for (let i = 0; i < k; i++) expect(Math.abs(s.data[i] - known[i])).toBeLessThanOrEqual(1e-13 * norm);
  });

  it("singular values equal sqrt(eig(A^T A)) for a well-conditioned matrix", () => {
    const a = S.add(S.normal(Rng.seed(5), [20, 12]), S.mul(S.eye(20, 12), 5)); // (20, 12)
    const { s } = linalg.svd(a);
    const ev = linalg.eigh(S.matmul(S.mT(a), a)).values;
    for (let i = 0; i < 12; i++) expect(Math.abs(s.data[i] - Math.sqrt(ev.data[11 - i])) / s.data[i]).toBeLessThan(1e-12);
  });

  // A = Q D or D Q with Q orthogonal has singular values exactly d (up to Q's own rounding).
  // Pivoted QR with row sorting + one-sided Jacobi determines each of them to a few eps
  // *relative* (Demmel & Veselic 1992; Drmac & Veselic 2008): measured ~1e-15 for d down to 1e-30,
  // where a method going through A^T A could not resolve anything below ~1e-8 * s_max.
  const gradedOrder = [5, 0, 12, 3, 9, 15, 1, 7, 2, 14, 6, 11, 4, 8, 13, 10];
  it.each([
    ["columns graded (Q D)", "cols", false],
    ["rows graded (D Q)", "rows", false],
    ["rows graded in shuffled order", "rows", true],
    ["columns graded in shuffled order", "cols", true],
  ])("%s: singular values down to 1e-30 to high relative accuracy", (_name, side, shuffled) => {
    const n = 16;
    const d = Array.from({ length: n }, (_, i) => 10 ** (-2 * (shuffled ? gradedOrder[i] : i)));
    const { q } = linalg.qr(S.normal(Rng.seed(21), [n, n])); // (n, n) orthogonal
    const a = side === "cols" ? S.mul(q, S.tensor(d)) : S.mul(q, S.reshape(S.tensor(d), [n, 1]));
    const { s } = linalg.svd(a);
    const expected = [...d].sort((x, y) => y - x);
    for (let i = 0; i < n; i++) expect(Math.abs(s.data[i] - expected[i]) / expected[i]).toBeLessThan(1e-13);
  });

  it("0 x n and non-finite input", () => {
    const { u, s, vt } = linalg.svd(S.zeros([0, 4]));
    expect([u.shape, s.shape, vt.shape]).toEqual([[0, 0], [0], [0, 4]]);
    expect(() => linalg.svd(S.tensor([[1, Infinity]]))).toThrow(/entry \(1, 0\) of the matrix is Infinity|entry \(0, 1\) of the matrix is Infinity/);
  });
});

describe("cholesky and choleskySolve", () => {
  it.each([50, 300])("n = %i: L L^T = A, L lower triangular, solve residual", (n) => {
    const g = S.normal(Rng.seed(n), [n, n]);
    const a = S.add(S.matmul(g, S.mT(g)), S.mul(S.eye(n), n)); // (n, n), SPD
    const l = linalg.cholesky(a);
    expect(rel(S.matmul(l, S.mT(l)), a)).toBeLessThan(1e-12);
    expect(offTriangle(l, false)).toBe(0);
    for (let i = 0; i < n; i++) expect(l.data[i * n + i]).toBeGreaterThan(0);
    const b = S.normal(Rng.seed(1), [n, 3]);
    const x = linalg.choleskySolve(l, b); // (n, 3)
    expect(rel(S.matmul(a, x), b)).toBeLessThan(1e-12);
    const bv = S.normal(Rng.seed(2), [n]);
    const xv = linalg.choleskySolve(l, bv); // (n,)
    expect(xv.shape).toEqual([n]);
    expect(rel(S.matmul(a, xv), bv)).toBeLessThan(1e-12);
  });

  it.each([
    ["indefinite", [[1, 2], [2, 1]], /not positive definite \(pivot 1 is -3/],
    ["negative first pivot", [[-1, 0], [0, 1]], /not positive definite \(pivot 0 is -1/],
    ["singular", [[1, 1], [1, 1]], /not positive definite \(pivot 1 is 0/],
  ])("%s input throws naming the pivot", (_name, rows, message) => {
    expect(() => linalg.cholesky(S.tensor(rows as number[][]))).toThrow(message as RegExp);
  });
});

describe("solve (LU with partial pivoting)", () => {
  it.each([[1, 1], [50, 1], [80, 5], [300, 2]])("n = %i, %i right-hand sides: residual", (n, nrhs) => {
    const a = S.normal(Rng.seed(n * 10 + nrhs), [n, n]);
    const b = S.normal(Rng.seed(nrhs), nrhs === 1 ? [n] : [n, nrhs]);
    const x = linalg.solve(a, b);
    expect(x.shape).toEqual(b.shape);
    expect(rel(S.matmul(a, x), b)).toBeLessThan(1e-11);
  });

  it("needs pivoting: a zero leading entry", () => {
    const x = linalg.solve(S.tensor([[0, 1], [1, 0]]), S.tensor([2, 3]));
    expect(Array.from(x.data)).toEqual([3, 2]);
  });

  it.each([
    ["exactly singular", [[1, 2], [2, 4]]],
    ["singular to working precision", [[1, 1], [1, 1 + 1e-17]]],
    ["zero", [[0, 0], [0, 0]]],
  ])("%s matrix throws", (_name, rows) => {
    expect(() => linalg.solve(S.tensor(rows), S.tensor([1, 1]))).toThrow(/singular to working precision \(pivot \d/);
  });
});

describe("qr (Householder, reduced)", () => {
  it.each([[60, 60], [80, 20], [20, 80], [300, 300], [1, 1], [5, 1], [1, 5]])("%ix%i: Q^T Q = I, QR = A, R upper triangular", (m, n) => {
    const a = S.normal(Rng.seed(m * 1000 + n), [m, n]);
    const { q, r } = linalg.qr(a);
    const k = Math.min(m, n);
    expect(q.shape).toEqual([m, k]);
    expect(r.shape).toEqual([k, n]);
    expect(orthogonalityError(q)).toBeLessThan(1e-12);
    expect(rel(S.matmul(q, r), a)).toBeLessThan(1e-12);
    expect(offTriangle(r, true)).toBe(0);
  });

  it("rank-deficient input still gives orthonormal Q and QR = A", () => {
    const a = S.matmul(S.normal(Rng.seed(4), [30, 3]), S.normal(Rng.seed(5), [3, 10])); // (30, 10), rank 3
    const { q, r } = linalg.qr(a);
    expect(orthogonalityError(q)).toBeLessThan(1e-12);
    expect(rel(S.matmul(q, r), a)).toBeLessThan(1e-12);
  });
});

describe("lstsq (minimum norm via SVD)", () => {
  it("full-rank tall system: equals the normal-equation solution", () => {
    const a = S.normal(Rng.seed(7), [50, 8]);
    const b = S.normal(Rng.seed(8), [50, 2]);
    const x = linalg.lstsq(a, b); // (8, 2)
    const xn = linalg.solve(S.matmul(S.mT(a), a), S.matmul(S.mT(a), b));
    expect(rel(x, xn)).toBeLessThan(1e-12);
  });

  it("rank-deficient system: equals the pseudo-inverse solution V S^+ U^T b", () => {
    const d = S.matmul(S.normal(Rng.seed(9), [20, 3]), S.normal(Rng.seed(10), [3, 10])); // (20, 10), rank 3
    const y = S.normal(Rng.seed(11), [20]);
    const x = linalg.lstsq(d, y, 1e-10);
    expect(x.shape).toEqual([10]);
    const { u, s, vt } = linalg.svd(d);
    const keep = S.tensor(Array.from(s.data, (v, i) => (i < 3 ? 1 / v : 0))); // S^+
    const pinv = S.matmul(S.mT(vt), S.mul(S.matmul(S.mT(u), y), keep));
    expect(rel(x, pinv)).toBeLessThan(1e-12);
    // Minimum norm: x lies in the row space, so adding any null-space vector makes it longer.
    const xNull = S.sub(x, S.matmul(S.mT(S.slice(vt, [[0, 3, 1], null])), S.matmul(S.slice(vt, [[0, 3, 1], null]), x)));
    expect(fro(xNull.data) / fro(x.data)).toBeLessThan(1e-12);
  });

  it("underdetermined full-rank system: x = A^T (A A^T)^-1 b", () => {
    const a = S.normal(Rng.seed(12), [6, 15]);
    const b = S.normal(Rng.seed(13), [6]);
    const x = linalg.lstsq(a, b);
    const expected = S.matmul(S.mT(a), linalg.solve(S.matmul(a, S.mT(a)), b));
    expect(rel(x, expected)).toBeLessThan(1e-12);
    expect(rel(S.matmul(a, x), b)).toBeLessThan(1e-12);
  });
});

describe("fft (radix-2, Bluestein)", () => {
  /** Direct O(n^2) DFT with exact angles: X_k = sum_j x_j exp(sign 2 pi i jk / n). */
  function dft(re: ArrayLike<number>, im: ArrayLike<number>, sign: number): [Float64Array, Float64Array] {
    const n = re.length;
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      outRe[k] += re[j] * c - im[j] * s;
      outIm[k] += re[j] * s + im[j] * c;
    }
    return [outRe, outIm];
  }

  const batch = 3;
  it.each([1, 2, 3, 5, 8, 12, 17, 64, 100, 127, 256, 1000])("n = %i (batch 3): matches the direct DFT; ifft inverts", (n) => {
    const rng = Rng.seed(n);
    const re = S.normal(rng, [batch, n]);
    const im = S.normal(rng, [batch, n]);
    const out = linalg.fft(re, im);
    expect(out.re.shape).toEqual([batch, n]);
    const inv = linalg.ifft(re, im);
    for (let b = 0; b < batch; b++) {
      const row = (x: Tensor) => x.data.subarray(b * n, (b + 1) * n);
      const [dr, di] = dft(row(re), row(im), -1);
      const scale = Math.hypot(fro(dr), fro(di));
      expect(Math.hypot(fro(row(out.re), dr), fro(row(out.im), di)) / scale).toBeLessThan(1e-12);
      // The inverse, against the direct inverse DFT (with 1/n).
      const [ir, ii] = dft(row(re), row(im), +1);
      const iscale = Math.hypot(fro(ir), fro(ii));
      expect(Math.hypot(fro(row(inv.re), ir.map((v) => v / n)), fro(row(inv.im), ii.map((v) => v / n))) / (iscale / n)).toBeLessThan(1e-12);
    }
    const back = linalg.ifft(out.re, out.im);
    expect(Math.hypot(fro(back.re.data, re.data), fro(back.im.data, im.data)) / Math.hypot(fro(re.data), fro(im.data))).toBeLessThan(1e-12);
  });

  it("real input: a pure cosine has two spikes; the imaginary part defaults to zero", () => {
    const n = 30;
    const x = S.tensor(Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 4 * j) / n)));
    const { re, im } = linalg.fft(x);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(re.data[k] - (k === 4 || k === n - 4 ? n / 2 : 0))).toBeLessThan(1e-12);
      expect(Math.abs(im.data[k])).toBeLessThan(1e-12);
    }
  });

  it("length 0 is a no-op; mismatched shapes throw", () => {
    expect(linalg.fft(S.zeros([2, 0])).re.shape).toEqual([2, 0]);
    expect(() => linalg.fft(S.zeros([4]), S.zeros([5]))).toThrow(/shapes differ/);
  });
});
