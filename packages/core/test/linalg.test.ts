import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor, linalg } from "@saddle/core";

/** Frobenius norm of a - b over a plain array pair. */
function fro(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - (b ? b[i] : 0)) ** 2;
  return Math.sqrt(s);
}

function randomSymmetric(rng: Rng, n: number): Tensor {
  const g = S.normal(rng, [n, n]);
  return S.mul(S.add(g, S.transpose(g)), 0.5);
}

/** Relative orthogonality error ||Q^T Q - I||_F / ||I||_F for Q with orthonormal columns. */
function orthErr(q: Tensor): number {
  const k = q.shape[1];
  return fro(S.matmul(S.transpose(q), q).data, S.eye(k).data) / Math.sqrt(Math.max(k, 1));
}

const sym: [string, (rng: Rng) => Tensor][] = [
  ["random 50", (r) => randomSymmetric(r, 50)],
  ["random 300", (r) => randomSymmetric(r, 300)],
  ["repeated eigenvalues", (r) => {
    const { q } = linalg.qr(S.normal(r, [40, 40]));
    const d = S.tensor(Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : i < 35 ? -2 : 5)));
    return S.matmul(S.mul(q, d), S.transpose(q));
  }],
  ["diagonal", () => S.mul(S.eye(7), S.tensor([3, -1, 2, 2, 0, 9, -4]))],
  ["rank deficient", (r) => { const b = S.normal(r, [60, 5]); return S.matmul(b, S.transpose(b)); }],
  ["1x1", () => S.tensor([[4]])],
];

describe("eigh (Householder tridiagonalisation + implicit QL)", () => {
  it.each(sym)("%s: residual and orthogonality below 1e-12", (_name, make) => {
    const a = make(Rng.seed(_name));
    const n = a.shape[0];
    const { values, vectors } = linalg.eigh(a);
    const av = S.matmul(a, vectors);
    const vw = S.mul(vectors, values);
    expect(fro(av.data, vw.data) / Math.max(fro(a.data), 1e-300)).toBeLessThan(1e-12);
    expect(orthErr(vectors)).toBeLessThan(1e-12);
    for (let i = 1; i < n; i++) expect(values.data[i]).toBeGreaterThanOrEqual(values.data[i - 1]);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a.data[i * n + i];
    expect(S.sum(values).item()).toBeCloseTo(trace, 9);
  });

  it("known spectrum and empty input", () => {
    const { values } = linalg.eigh(S.tensor([[2, 1], [1, 2]]));
    expect(values.data[0]).toBeCloseTo(1, 14);
    expect(values.data[1]).toBeCloseTo(3, 14);
    expect(linalg.eigh(S.zeros([0, 0])).values.shape).toEqual([0]);
    expect(() => linalg.eigh(S.zeros([2, 3]))).toThrow(/square matrix/);
  });
});

const rect: [string, (rng: Rng) => Tensor][] = [
  ["50x50", (r) => S.normal(r, [50, 50])],
  ["300x300", (r) => S.normal(r, [300, 300])],
  ["tall 300x50", (r) => S.normal(r, [300, 50])],
  ["wide 50x300", (r) => S.normal(r, [50, 300])],
  ["rank deficient 40x30 (rank 4)", (r) => S.matmul(S.normal(r, [40, 4]), S.normal(r, [4, 30]))],
  ["ill-conditioned", (r) => {
    const { q: u } = linalg.qr(S.normal(r, [30, 30]));
    const { q: v } = linalg.qr(S.normal(r, [30, 30]));
    const s = S.tensor(Array.from({ length: 30 }, (_, i) => 10 ** (-i / 3)));
    return S.matmul(S.mul(u, s), S.transpose(v));
  }],
];

describe("svd (one-sided Jacobi)", () => {
  it.each(rect)("%s: reconstruction and orthogonality below 1e-12", (name, make) => {
    const a = make(Rng.seed(name));
    const { u, s, vt } = linalg.svd(a);
    const rec = S.matmul(S.mul(u, s), vt);
    expect(fro(rec.data, a.data) / fro(a.data)).toBeLessThan(1e-12);
    expect(orthErr(u)).toBeLessThan(1e-12);
    expect(orthErr(S.transpose(vt))).toBeLessThan(1e-12);
    for (let i = 1; i < s.size; i++) expect(s.data[i]).toBeLessThanOrEqual(s.data[i - 1]);
    expect(s.data[s.size - 1]).toBeGreaterThanOrEqual(0);
  });

  it("singular values equal sqrt(eig(A^T A)) for a well-conditioned matrix", () => {
    const a = S.add(S.normal(Rng.seed(5), [20, 12]), S.mul(S.eye(20, 12), 5));
    const { s } = linalg.svd(a);
    const ev = linalg.eigh(S.matmul(S.transpose(a), a)).values;
    for (let i = 0; i < 12; i++) expect(s.data[i]).toBeCloseTo(Math.sqrt(ev.data[11 - i]), 10);
  });

  it("recovers the small singular values of an ill-conditioned matrix to high relative accuracy", () => {
    const a = rect[5][1](Rng.seed("ill-conditioned"));
    const { s } = linalg.svd(a);
    for (let i = 0; i < 30; i++) expect(Math.abs(s.data[i] - 10 ** (-i / 3)) / 10 ** (-i / 3)).toBeLessThan(1e-4);
  });
});

describe("cholesky, solve, qr, lstsq", () => {
  it.each([50, 300])("cholesky n=%i: L L^T = A, lower triangular", (n) => {
    const g = S.normal(Rng.seed(n), [n, n]);
    const a = S.add(S.matmul(g, S.transpose(g)), S.mul(S.eye(n), n));
    const l = linalg.cholesky(a);
    expect(fro(S.matmul(l, S.transpose(l)).data, a.data) / fro(a.data)).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
    const b = S.normal(Rng.seed(1), [n, 3]);
    const x = linalg.choleskySolve(l, b);
    expect(fro(S.matmul(a, x).data, b.data) / fro(b.data)).toBeLessThan(1e-12);
  });

  it("cholesky names the failing pivot", () => {
    expect(() => linalg.cholesky(S.tensor([[1, 2], [2, 1]]))).toThrow(/not positive definite \(pivot 1/);
  });

  it("solve: residual, vector right-hand side, singular matrix", () => {
    const a = S.normal(Rng.seed(2), [80, 80]);
    const b = S.normal(Rng.seed(3), [80]);
    const x = linalg.solve(a, b);
    expect(x.shape).toEqual([80]);
    expect(fro(S.matmul(a, x).data, b.data) / fro(b.data)).toBeLessThan(1e-10);
    expect(() => linalg.solve(S.tensor([[1, 2], [2, 4]]), S.tensor([1, 1]))).toThrow(/singular/);
  });

  it.each([[60, 60], [80, 20], [20, 80]])("qr %ix%i: Q^T Q = I, QR = A, R upper triangular", (m, n) => {
    const a = S.normal(Rng.seed(m * 1000 + n), [m, n]);
    const { q, r } = linalg.qr(a);
    expect(orthErr(q)).toBeLessThan(1e-12);
    expect(fro(S.matmul(q, r).data, a.data) / fro(a.data)).toBeLessThan(1e-12);
    const k = Math.min(m, n);
    for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, n); j++) expect(r.data[i * n + j]).toBe(0);
  });

  it("lstsq: normal equations on a full-rank tall system, pseudo-inverse on a rank-deficient one", () => {
    const a = S.normal(Rng.seed(7), [50, 8]);
    const b = S.normal(Rng.seed(8), [50, 2]);
    const x = linalg.lstsq(a, b);
    const xn = linalg.solve(S.matmul(S.transpose(a), a), S.matmul(S.transpose(a), b));
    expect(fro(x.data, xn.data) / fro(xn.data)).toBeLessThan(1e-10);
    // Rank 3: the minimum-norm solution lies in the row space: x = V S^+ U^T b.
    const d = S.matmul(S.normal(Rng.seed(9), [20, 3]), S.normal(Rng.seed(10), [3, 10]));
    const y = S.normal(Rng.seed(11), [20]);
    const xm = linalg.lstsq(d, y, 1e-10);
    const { u, s, vt } = linalg.svd(d);
    const pinv = new Float64Array(10);
    for (let c = 0; c < 3; c++) {
      let dot = 0;
      for (let i = 0; i < 20; i++) dot += u.data[i * 10 + c] * y.data[i];
      for (let j = 0; j < 10; j++) pinv[j] += (dot / s.data[c]) * vt.data[c * 10 + j];
    }
    expect(fro(xm.data, pinv) / fro(pinv)).toBeLessThan(1e-10);
  });
});

describe("fft", () => {
  function dft(re: Float64Array, im: Float64Array, sign: number): [Float64Array, Float64Array] {
    const n = re.length;
    const or = new Float64Array(n);
    const oi = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) {
      const ang = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      or[k] += re[j] * Math.cos(ang) - im[j] * Math.sin(ang);
      oi[k] += re[j] * Math.sin(ang) + im[j] * Math.cos(ang);
    }
    return [or, oi];
  }

  it.each([1, 2, 3, 5, 8, 12, 17, 64, 100, 127, 256, 1000])("n = %i matches the direct DFT and inverts", (n) => {
    const rng = Rng.seed(n);
    const re = S.normal(rng, [2, n]);
    const im = S.normal(rng, [2, n]);
    const out = linalg.fft(re, im);
    for (let b = 0; b < 2; b++) {
      const [dr, di] = dft(re.data.slice(b * n, (b + 1) * n) as Float64Array, im.data.slice(b * n, (b + 1) * n) as Float64Array, -1);
      const scale = fro(dr) + fro(di);
      expect(fro(out.re.data.slice(b * n, (b + 1) * n), dr) / scale).toBeLessThan(1e-12);
      expect(fro(out.im.data.slice(b * n, (b + 1) * n), di) / scale).toBeLessThan(1e-12);
    }
    const back = linalg.ifft(out.re, out.im);
    expect(fro(back.re.data, re.data) / fro(re.data)).toBeLessThan(1e-12);
    expect(fro(back.im.data, im.data) / fro(im.data)).toBeLessThan(1e-12);
  });
});
