import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

const GROUPS: [string, () => S.FiniteGroup, number][] = [
  ["Z1", () => S.cyclic(1), 1],
  ["Z6", () => S.cyclic(6), 6],
  ["Z7", () => S.cyclic(7), 7],
  ["Z2xZ4", () => S.cyclicProduct([2, 4]), 8],
  ["Z3xZ3xZ2", () => S.cyclicProduct([3, 3, 2]), 18],
  ["D3", () => S.dihedral(3), 6],
  ["D4", () => S.dihedral(4), 8],
  ["D5", () => S.dihedral(5), 10],
  ["S3", () => S.symmetric(3), 6],
  ["S4", () => S.symmetric(4), 24],
];

function matmul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) c[i * d + j] += a[i * d + k] * b[k * d + j];
  return c;
}
const trace = (a: Float64Array, d: number) => Array.from({ length: d }, (_, i) => a[i * d + i]).reduce((s, v) => s + v, 0);

describe.each(GROUPS)("group %s", (_name, make, order) => {
  const g = make();
  it("has the right order and satisfies the group axioms", () => {
    expect(g.order).toBe(order);
    expect(S.checkGroupAxioms(g)).toBeNull();
  });

  it("irreps are homomorphisms: rho(g) rho(h) = rho(gh)", () => {
    for (const rho of g.irreps) {
      for (let a = 0; a < g.order; a++) for (let b = 0; b < g.order; b++) {
        const lhs = matmul(rho.matrices[a], rho.matrices[b], rho.dim);
        const rhs = rho.matrices[g.mul[a * g.order + b]];
        for (let i = 0; i < lhs.length; i++) expect(Math.abs(lhs[i] - rhs[i])).toBeLessThan(1e-12);
      }
    }
  });

  it("irreps are orthogonal, irreducible and complete: sum d^2 / c = |G|", () => {
    const chars = g.irreps.map((rho) => rho.matrices.map((m) => trace(m, rho.dim)));
    g.irreps.forEach((rho, i) => {
      g.irreps.forEach((_sigma, j) => {
        const ip = chars[i].reduce((s, v, e) => s + v * chars[j][e], 0) / g.order;
        expect(ip).toBeCloseTo(i === j ? (rho.complexType ? 2 : 1) : 0, 10);
      });
      // Orthogonal matrices.
      for (const m of rho.matrices) {
        const mt = matmul(m, Float64Array.from({ length: rho.dim * rho.dim }, (_, k) => m[(k % rho.dim) * rho.dim + Math.floor(k / rho.dim)]), rho.dim);
        for (let k = 0; k < mt.length; k++) expect(mt[k]).toBeCloseTo(k % (rho.dim + 1) === 0 ? 1 : 0, 12);
      }
    });
    const total = g.irreps.reduce((s, rho) => s + (rho.dim * rho.dim) / (rho.complexType ? 2 : 1), 0);
    expect(total).toBeCloseTo(g.order, 12);
  });

  it("the group Fourier transform satisfies Plancherel", () => {
    const rng = S.Rng.seed(g.order);
    const f = Array.from({ length: g.order }, () => rng.nextNormal());
    const power = S.groupFourier(g, f).reduce((s, r) => s + r.power, 0);
    expect(power).toBeCloseTo(f.reduce((s, v) => s + v * v, 0), 10);
  });
});

describe("tasks", () => {
  it("modular addition: one-hot pairs, labels and a seeded split", () => {
    const { all, train, test } = S.modularArithmetic(S.Rng.seed(0), { p: 7, trainFraction: 0.5 });
    expect(all.x.shape).toEqual([49, 14]);
    expect(all.y.shape).toEqual([49, 7]);
    expect(all.labels![3 * 7 + 5]).toBe(1);
    expect(train.x.shape[0] + test.x.shape[0]).toBe(49);
    const again = S.modularArithmetic(S.Rng.seed(0), { p: 7, trainFraction: 0.5 });
    expect(Array.from(again.train.labels!)).toEqual(Array.from(train.labels!));
    expect(S.modularArithmetic(S.Rng.seed(0), { p: 5, op: "mul" }).all.labels![2 * 5 + 3]).toBe(1);
    expect(() => S.modularArithmetic(S.Rng.seed(0), { p: 5, trainFraction: 0 })).toThrow(/trainFraction must be in \(0, 1\]/);
  });

  it("sparse parity, teachers, Gaussian spectra, circle functions, group sequences", () => {
    const sp = S.sparseParity(S.Rng.seed(1), { n: 50, d: 6, k: 3 });
    for (let i = 0; i < 50; i++) expect(sp.y.data[i]).toBe(sp.x.data[i * 6] * sp.x.data[i * 6 + 1] * sp.x.data[i * 6 + 2]);
    const lt = S.linearTeacher(S.Rng.seed(2), { n: 30, d: 4, noise: 0 });
    const pred = S.matmul(lt.x, lt.beta);
    for (let i = 0; i < 30; i++) expect(pred.data[i]).toBeCloseTo(lt.y.data[i], 14);
    expect(S.twoLayerTeacher(S.Rng.seed(3), { n: 10, d: 5, h: 8, activation: "tanh" }).y.shape).toEqual([10, 1]);
    const spec = S.powerLawSpectrum(100, 1.5);
    expect(spec.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const xg = S.gaussianInputs(S.Rng.seed(4), 20000, { spectrum: [4, 1, 0.25] });
    const v = S.variance(xg, 0);
    expect(v.data[0]).toBeCloseTo(4, 0);
    expect(Math.abs(v.data[2] - 0.25)).toBeLessThan(0.02);
    const cov = S.tensor([[2, 0.5], [0.5, 1]]);
    const xc = S.gaussianInputs(S.Rng.seed(5), 40000, { covariance: cov });
    const emp = S.div(S.matmul(S.transpose(xc), xc), 40000);
    expect(Math.abs(emp.data[1] - 0.5)).toBeLessThan(0.03);
    const circ = S.circleFunction(S.Rng.seed(6), { n: 64, K: 5, beta: 1 });
    expect(circ.y.shape).toEqual([64, 1]);
    const g = S.symmetric(3);
    const seq = S.groupCompositionSequences(S.Rng.seed(7), g, 4, 10);
    for (let s = 0; s < 10; s++) {
      let acc = 0;
      for (let j = 0; j < 4; j++) acc = g.mul[acc * 6 + seq.sequences[s * 4 + j]];
      expect(seq.products[s]).toBe(acc);
    }
    const bs = [...S.batches(S.Rng.seed(8), 10, 4, 1)];
    expect(bs.map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it("CSV loader: values and clear errors", () => {
    const t = S.parseCsv("a,b,y\n1,2,3\n4,5,6\n", { target: "y" });
    expect(t.x.toArray()).toEqual([[1, 2], [4, 5]]);
    expect(t.y.toArray()).toEqual([[3], [6]]);
    expect(() => S.parseCsv("", { target: "y" })).toThrow(/CSV is empty/);
    expect(() => S.parseCsv("a,y\n1,2\n3\n", { target: "y" })).toThrow(/line 3 has 1 fields, the header has 2/);
    expect(() => S.parseCsv("a,y\n1,x\n", { target: "y" })).toThrow(/line 2, column 'y': 'x' is not a finite number/);
    expect(() => S.parseCsv("a,b\n1,2\n", { target: "y" })).toThrow(/target column 'y' not found; columns are: a, b/);
  });
});
