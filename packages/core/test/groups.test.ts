import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

// name, constructor, order, irreps as "<dim><r|c>" (real / complex type) in the group's order
const GROUPS: [string, () => S.FiniteGroup, number, string[]][] = [
  ["Z1", () => S.cyclic(1), 1, ["1r"]],
  ["Z2", () => S.cyclic(2), 2, ["1r", "1r"]],
  ["Z6", () => S.cyclic(6), 6, ["1r", "2c", "2c", "1r"]],
  ["Z7", () => S.cyclic(7), 7, ["1r", "2c", "2c", "2c"]],
  ["Z2xZ4", () => S.cyclicProduct([2, 4]), 8, ["1r", "2c", "1r", "1r", "2c", "1r"]],
  ["Z3xZ3xZ2", () => S.cyclicProduct([3, 3, 2]), 18, ["1r", "1r", ...Array<string>(8).fill("2c")]],
  ["D1", () => S.dihedral(1), 2, ["1r", "1r"]],
  ["D3", () => S.dihedral(3), 6, ["1r", "1r", "2r"]],
  ["D4", () => S.dihedral(4), 8, ["1r", "1r", "1r", "1r", "2r"]],
  ["D5", () => S.dihedral(5), 10, ["1r", "1r", "2r", "2r"]],
  ["D6", () => S.dihedral(6), 12, ["1r", "1r", "1r", "1r", "2r", "2r"]],
  ["S3", () => S.symmetric(3), 6, ["1r", "1r", "2r"]],
  ["S4", () => S.symmetric(4), 24, ["1r", "1r", "3r", "3r", "2r"]],
  ["Z3xZ4 (product)", () => S.directProduct(S.cyclic(3), S.cyclic(4)), 12, ["1r", "2c", "1r", "2c", "2c", "2c", "2c"]],
  ["Z3xS3 (product)", () => S.directProduct(S.cyclic(3), S.symmetric(3)), 18, ["1r", "1r", "2r", "2c", "2c", "4c"]],
  ["D3xZ2 (product)", () => S.directProduct(S.dihedral(3), S.cyclic(2)), 12, ["1r", "1r", "1r", "1r", "2r", "2r"]],
  ["(Z3xS3)xZ4 (nested product)", () => S.directProduct(S.directProduct(S.cyclic(3), S.symmetric(3)), S.cyclic(4)), 72, ["1r", "2c", "1r", "1r", "2c", "1r", "2r", "4c", "2r", ...Array<string>(8).fill("2c"), "4c", "4c", "4c", "4c"]],
];

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) c[i * d + j] += a[i * d + k] * b[k * d + j];
  return c;
}
const trace = (a: ArrayLike<number>, d: number) => Array.from({ length: d }, (_, i) => a[i * d + i]).reduce((s, v) => s + v, 0);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const randomFunction = (seed: number, n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + seed) + 0.3 * Math.cos(0.37 * i * i + seed));

describe.each(GROUPS)("group %s", (_name, make, order, irrepTypes) => {
  const g = make();
  const n = g.order;

  it("has the stated order and irreps, and its table satisfies the group axioms", () => {
    expect(n).toBe(order);
    expect(g.identity).toBe(0);
    expect(g.irreps.map((r) => `${r.dim}${r.type[0]}`)).toEqual(irrepTypes);
    expect(S.checkGroupAxioms(g)).toBeNull();
    for (let a = 0; a < n; a++) expect(g.mul[a * n + g.inverse[a]]).toBe(0);
  });

  it("counts sum_rho d^2 / c = |G| (a complex-type real irrep of dim d is two complex irreps of dim d/2)", () => {
    const complexDims = g.irreps.flatMap((r) => (r.type === "complex" ? [r.dim / 2, r.dim / 2] : [r.dim]));
    expect(complexDims.reduce((s, d) => s + d * d, 0)).toBe(n);
  });

  it("irreps are orthogonal homomorphisms: rho(g) rho(h) = rho(gh), rho(g) rho(g)^T = I", () => {
    let err = 0;
    for (const rho of g.irreps) {
      const d = rho.dim;
      for (let a = 0; a < n; a++) {
        const m = rho.matrices[a];
        const mt = Float64Array.from({ length: d * d }, (_, i) => m[(i % d) * d + Math.floor(i / d)]);
        err = Math.max(err, maxAbsDiff(matmul(m, mt, d), Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0))));
        for (let b = 0; b < n; b++) err = Math.max(err, maxAbsDiff(matmul(m, rho.matrices[b], d), rho.matrices[g.mul[a * n + b]]));
      }
    }
    expect(err).toBeLessThan(1e-12);
  });

  it("satisfies Schur orthogonality (with the J J term for complex type) and is pairwise orthogonal across irreps", () => {
    let err = 0;
    for (const rho of g.irreps) {
      const d = rho.dim;
      const J = rho.complexStructure;
      expect(rho.type === "complex").toBe(J !== undefined);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
        let s = 0;
        for (let a = 0; a < n; a++) s += rho.matrices[a][i * d + j] * rho.matrices[a][k * d + l];
        const want = (n / d) * ((i === k && j === l ? 1 : 0) + (J ? J[i * d + k] * J[j * d + l] : 0));
        err = Math.max(err, Math.abs(s - want));
      }
    }
    for (let x = 0; x < g.irreps.length; x++) for (let y = x + 1; y < g.irreps.length; y++) {
      const [r, s] = [g.irreps[x], g.irreps[y]];
      for (let i = 0; i < r.dim ** 2; i++) for (let k = 0; k < s.dim ** 2; k++) {
        let sum = 0;
        for (let a = 0; a < n; a++) sum += r.matrices[a][i] * s.matrices[a][k];
        err = Math.max(err, Math.abs(sum));
      }
    }
    expect(err).toBeLessThan(1e-10);
    expect(S.checkIrreps(g)).toBeNull();
  });

  it("Fourier transform: Plancherel sum_rho P = sum_g f^2 and the inverse recovers f", () => {
    const f = randomFunction(3, n);
    const comps = S.groupFourier(g, f);
    const energy = f.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(comps.reduce((s, c) => s + c.power, 0) - energy)).toBeLessThan(1e-12 * Math.max(1, energy));
    expect(maxAbsDiff(S.inverseGroupFourier(g, comps.map((c) => c.coefficient)), f)).toBeLessThan(1e-12);
  });

  it("groupTemplate has exactly the requested power per irrep", () => {
    const powers = g.irreps.map((_, r) => (r === 0 ? 0 : 1 + 0.5 * r));
    const x = S.groupTemplate(g, powers);
    const got = S.groupFourier(g, x).map((c) => c.power);
    expect(maxAbsDiff(got, powers)).toBeLessThan(1e-11);
    expect(Math.abs(x.reduce((s, v) => s + v, 0))).toBeLessThan(1e-11); // trivial power 0: mean-centred
  });
});

describe("group structure facts", () => {
  it("Z_n adds mod n and a product of cyclics adds digit-wise", () => {
    const z = S.cyclic(5);
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(z.mul[a * 5 + b]).toBe((a + b) % 5);
    const p = S.cyclicProduct([2, 3]); // (a, b) -> 3a + b
    expect(p.mul[(1 * 3 + 2) * 6 + (1 * 3 + 2)]).toBe(0 * 3 + 1);
    expect(p.labels[5]).toBe("(1,2)");
  });

  it("directProduct of cyclics has the cyclicProduct table and the same power spectrum (as a multiset)", () => {
    const a = S.directProduct(S.cyclic(2), S.cyclic(4));
    const b = S.cyclicProduct([2, 4]);
    expect(Array.from(a.mul)).toEqual(Array.from(b.mul));
    const f = randomFunction(1, 8);
    const pa = S.groupFourier(a, f).map((c) => c.power).sort();
    const pb = S.groupFourier(b, f).map((c) => c.power).sort();
    expect(maxAbsDiff(pa, pb)).toBeLessThan(1e-12);
  });

  it("dihedral: r^n = s^2 = e, s r s = r^-1, non-abelian for n >= 3", () => {
    const n = 5;
    const d = S.dihedral(n);
    const r = 1;
    const s = n; // r^0 s
    let x = 0;
    for (let i = 0; i < n; i++) x = d.mul[x * 2 * n + r];
    expect(x).toBe(0);
    expect(d.mul[s * 2 * n + s]).toBe(0);
    expect(d.mul[d.mul[s * 2 * n + r] * 2 * n + s]).toBe(n - 1);
    expect(d.labels[n + 2]).toBe("r^2 s");
    expect(d.mul[r * 2 * n + s]).not.toBe(d.mul[s * 2 * n + r]);
  });

  it("S4 has 1 + 9 + 8 + 6 elements of orders 1, 2, 3, 4 and the known character values", () => {
    const g = S.symmetric(4);
    const orderOf = (a: number) => {
      let x = a;
      let k = 1;
      while (x !== 0) {
        x = g.mul[x * 24 + a];
        k++;
      }
      return k;
    };
    const counts = new Map<number, number>();
    for (let a = 0; a < 24; a++) counts.set(orderOf(a), (counts.get(orderOf(a)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 1: 1, 2: 9, 3: 8, 4: 6 });
    const chi = (name: string, label: string) => {
      const rho = g.irreps.find((r) => r.name === name)!;
      return trace(rho.matrices[g.labels.indexOf(label)], rho.dim);
    };
    // classes: transposition [1 0 2 3], double transposition [1 0 3 2], 3-cycle [1 2 0 3], 4-cycle [1 2 3 0]
    const table: [string, number[]][] = [
      ["standard", [1, -1, 0, -1]],
      ["standard x sign", [-1, -1, 0, 1]],
      ["2-d (via S3)", [0, 2, -1, 0]],
      ["sign", [-1, 1, 1, -1]],
    ];
    for (const [name, values] of table) {
      const got = ["[1 0 2 3]", "[1 0 3 2]", "[1 2 0 3]", "[1 2 3 0]"].map((l) => chi(name, l));
      expect(maxAbsDiff(got, values)).toBeLessThan(1e-12);
    }
  });

  it("S3 composes permutations as functions: (sigma tau)(i) = sigma(tau(i))", () => {
    const g = S.symmetric(3);
    const perm = (a: number) => g.labels[a].slice(1, -1).split(" ").map(Number);
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
      const [pa, pb, pab] = [perm(a), perm(b), perm(g.mul[a * 6 + b])];
      expect(pab).toEqual(pb.map((v) => pa[v]));
    }
  });

  it("the Z_p Fourier power of irrep k is the one-sided DFT power 2|x_hat_k|^2 / p", () => {
    const p = 9;
    const f = randomFunction(7, p);
    const comps = S.groupFourier(S.cyclic(p), f);
    for (let k = 0; k <= 4; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < p; j++) {
        re += f[j] * Math.cos((2 * Math.PI * j * k) / p);
        im -= f[j] * Math.sin((2 * Math.PI * j * k) / p);
      }
      expect(comps[k].power).toBeCloseTo(((k === 0 ? 1 : 2) * (re * re + im * im)) / p, 12);
    }
  });
});

describe("checks catch broken groups and irreps", () => {
  it("checkGroupAxioms finds a non-associative loop, a wrong inverse and an out-of-range product", () => {
    // A Latin square with identity 0 of order 5 in which every element is its own inverse: not a group.
    const loop = [0, 1, 2, 3, 4, 1, 0, 3, 4, 2, 2, 4, 0, 1, 3, 3, 2, 4, 0, 1, 4, 3, 1, 2, 0];
    const g = S.groupFromTable("loop5", Int32Array.from(loop), ["0", "1", "2", "3", "4"], []);
    expect(S.checkGroupAxioms(g)).toMatch(/not associative/);
    const z = S.cyclic(5);
    expect(S.checkGroupAxioms({ ...z, inverse: Int32Array.from([0, 1, 3, 2, 4]) })).toMatch(/inverse\[1\]/);
    const bad = Int32Array.from(z.mul);
    bad[7] = 9;
    expect(S.checkGroupAxioms({ ...z, mul: bad })).toMatch(/outside 0..4/);
  });

  it("groupFromTable rejects a wrong-size or non-Latin table", () => {
    expect(() => S.groupFromTable("g", Int32Array.from([0, 1, 1]), ["a", "b"], [])).toThrow(/expected 2 x 2/);
    expect(() => S.groupFromTable("g", Int32Array.from([0, 1, 1, 1]), ["a", "b"], [])).toThrow(/Latin square/);
  });

  it("checkIrreps finds a non-homomorphism, a missing irrep, a reducible one and a wrong type", () => {
    const g = S.symmetric(3);
    const broken = g.irreps.map((r) => ({ ...r, matrices: r.matrices.slice() }));
    broken[2].matrices[1] = broken[2].matrices[1].map((v) => -v);
    expect(S.checkIrreps({ ...g, irreps: broken })).toMatch(/standard/);
    expect(S.checkIrreps({ ...g, irreps: g.irreps.slice(0, 2) })).toMatch(/incomplete/);
    // trivial + sign as one 2-D "irrep": orthogonal homomorphism but reducible
    const reducible: S.Irrep = { name: "trivial+sign", dim: 2, type: "real", matrices: g.irreps[1].matrices.map((m) => Float64Array.of(1, 0, 0, m[0])) };
    expect(S.checkIrreps({ ...g, irreps: [reducible, g.irreps[2]] })).toMatch(/character norm/);
    const z = S.cyclic(5);
    const mistyped = z.irreps.map((r) => (r.dim === 2 ? { ...r, type: "real" as const, complexStructure: undefined } : r));
    expect(S.checkIrreps({ ...z, irreps: mistyped })).toMatch(/character norm|Frobenius-Schur/);
  });

  it("constructors reject bad sizes with the allowed range", () => {
    expect(() => S.cyclic(0)).toThrow(/positive integer, got 0/);
    expect(() => S.dihedral(2.5)).toThrow(/n >= 1/);
    expect(() => S.symmetric(5)).toThrow(/m = 3 or 4 .*got 5/);
    expect(() => S.cyclicProduct([3, -1])).toThrow(/factor 1/);
    expect(() => S.groupFourier(S.cyclic(4), [1, 2, 3])).toThrow(/3 values, but Z4 has 4 elements/);
    expect(() => S.groupTemplate(S.cyclic(4), [0, 1])).toThrow(/2 values, but Z4 has 3 irreps/);
  });
});

describe("templates and group composition", () => {
  it("translateTemplate is the left regular action: x_(gh) = lambda(g) x_h, and Z_p translation is a roll", () => {
    const g = S.symmetric(3);
    const x = randomFunction(2, 6);
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
      const lhs = S.translateTemplate(g, x, g.mul[a * 6 + b]);
      const rhs = S.translateTemplate(g, S.translateTemplate(g, x, b), a);
      expect(maxAbsDiff(lhs, rhs)).toBe(0);
    }
    const z = S.cyclic(5);
    expect(Array.from(S.translateTemplate(z, [10, 11, 12, 13, 14], 2))).toEqual([13, 14, 10, 11, 12]);
  });

  it("exhaustive sequences enumerate |G|^k in lexicographic order with ordered products", () => {
    const g = S.symmetric(3);
    const { sequences, products } = S.groupCompositionSequences(g, 3);
    expect(products.length).toBe(216);
    for (let s = 0; s < 216; s++) {
      const [a, b, c] = sequences.slice(3 * s, 3 * s + 3);
      expect(a * 36 + b * 6 + c).toBe(s);
      expect(products[s]).toBe(g.mul[g.mul[a * 6 + b] * 6 + c]);
    }
    expect(() => S.groupCompositionSequences(S.cyclic(60), 5)).toThrow(/pass sample/);
  });

  it("sampled sequences are seeded and uniform", () => {
    const g = S.dihedral(4);
    const a = S.groupCompositionSequences(g, 4, { rng: S.Rng.seed(1), count: 4000 });
    const b = S.groupCompositionSequences(g, 4, { rng: S.Rng.seed(1), count: 4000 });
    expect(Array.from(a.sequences)).toEqual(Array.from(b.sequences));
    const counts = new Array<number>(8).fill(0);
    for (const e of a.sequences) counts[e]++;
    for (const c of counts) expect(Math.abs(c / 16000 - 1 / 8)).toBeLessThan(0.015); // ~6 sigma
  });

  it("the composition dataset concatenates encodings and targets the product's encoding", () => {
    const g = S.dihedral(3);
    const x = S.groupTemplate(g, [0, 1, 3]);
    const data = S.groupCompositionDataset(g, x, { k: 3 });
    expect(data.x.shape).toEqual([216, 18]);
    expect(data.y.shape).toEqual([216, 6]);
    const row = 101;
    const seq = Array.from(data.sequences.slice(3 * row, 3 * row + 3));
    for (let j = 0; j < 3; j++) expect(Array.from(data.x.data.slice(row * 18 + 6 * j, row * 18 + 6 * j + 6))).toEqual(Array.from(S.translateTemplate(g, x, seq[j])));
    expect(Array.from(data.y.data.slice(row * 6, row * 6 + 6))).toEqual(Array.from(S.translateTemplate(g, x, data.labels[row])));
    // the zero predictor's MSE (mean over G and samples) is the template's mean square = (1/|G|) sum P
    const ms = data.y.data.reduce((s, v) => s + v * v, 0) / data.y.size;
    expect(ms).toBeCloseTo(4 / 6, 12);
  });

  it("with the one-hot template and k = 2 on Z_p it is the one-hot modular addition task", () => {
    const p = 7;
    const oneHot = Float64Array.from({ length: p }, (_, i) => (i === 0 ? 1 : 0));
    const comp = S.groupCompositionDataset(S.cyclic(p), oneHot, { k: 2 });
    const mod = S.modularArithmetic(S.Rng.seed(0), { p }).all;
    expect(Array.from(comp.x.data)).toEqual(Array.from(mod.x.data));
    expect(Array.from(comp.y.data)).toEqual(Array.from(mod.y.data));
    expect(Array.from(comp.labels)).toEqual(Array.from(mod.labels));
  });

  it("AGF's modular addition template: p = 20, |x_hat| = 10, 5, 2.5 at k = 1, 3, 5 gives powers 10, 2.5, 0.625 and plateaus 0.65625, 0.15625, 0.03125", () => {
    const p = 20;
    const x = S.cyclicTemplate(p, [
      { frequency: 1, magnitude: 10 },
      { frequency: 3, magnitude: 5 },
      { frequency: 5, magnitude: 2.5 },
    ]);
    const power = S.groupFourier(S.cyclic(p), x).map((c) => c.power);
    const want = new Array<number>(11).fill(0);
    [want[1], want[3], want[5]] = [10, 2.5, 0.625];
    expect(maxAbsDiff(power, want)).toBeLessThan(1e-12);
    const plateaus = [0, 1, 3, 5].map((learned) => power.reduce((s, v, k) => s + (k > learned ? v : 0), 0) / p);
    expect(maxAbsDiff(plateaus, [0.65625, 0.15625, 0.03125, 0])).toBeLessThan(1e-14);
    // zero-phase template = groupTemplate with the same powers
    expect(maxAbsDiff(x, S.groupTemplate(S.cyclic(p), want))).toBeLessThan(1e-13);
    const task = S.modularTemplateTask(x);
    expect(task.x.shape).toEqual([400, 40]);
    const [a, b] = [7, 16];
    const row = a * p + b;
    const roll = (s: number) => Array.from({ length: p }, (_, j) => x[(((j - s) % p) + p) % p]);
    expect(Array.from(task.x.data.slice(row * 40, row * 40 + 20))).toEqual(roll(a));
    expect(Array.from(task.x.data.slice(row * 40 + 20, row * 40 + 40))).toEqual(roll(b));
    expect(Array.from(task.y.data.slice(row * 20, row * 20 + 20))).toEqual(roll((a + b) % p));
    expect(task.labels[row]).toBe(3);
  });

  it("cyclicTemplate places the DFT magnitudes and phases exactly and rejects invalid frequencies", () => {
    const p = 8;
    const x = S.cyclicTemplate(p, [{ frequency: 2, magnitude: 3, phase: 0.4 }, { frequency: 4, magnitude: 1, phase: Math.PI }]);
    const dft = (k: number) => {
      let re = 0;
      let im = 0;
      for (let j = 0; j < p; j++) {
        re += x[j] * Math.cos((2 * Math.PI * j * k) / p);
        im -= x[j] * Math.sin((2 * Math.PI * j * k) / p);
      }
      return [re, im];
    };
    expect(maxAbsDiff(dft(2), [3 * Math.cos(0.4), 3 * Math.sin(0.4)])).toBeLessThan(1e-12);
    expect(maxAbsDiff(dft(4), [-1, 0])).toBeLessThan(1e-12);
    expect(maxAbsDiff(dft(1), [0, 0])).toBeLessThan(1e-12);
    expect(() => S.cyclicTemplate(p, [{ frequency: 0, magnitude: 1 }])).toThrow(/mean-centred/);
    expect(() => S.cyclicTemplate(p, [{ frequency: 4, magnitude: 1, phase: 1 }])).toThrow(/Nyquist/);
  });

  it("the C11 template of the sequential composition paper has plateaus (75, 50, 30, 15, 5, 0)/11", () => {
    const complexPowers = [0, 12.5, 10, 7.5, 5, 2.5]; // per complex irrep k = 0..5 (and the same for 11 - k)
    const realPowers = complexPowers.map((v, k) => (k === 0 ? v : 2 * v));
    const g = S.cyclic(11);
    const x = S.groupTemplate(g, realPowers);
    const power = S.groupFourier(g, x).map((c) => c.power);
    const plateaus = [0, 1, 2, 3, 4, 5].map((learned) => power.reduce((s, v, k) => s + (k > learned ? v : 0), 0) / 11);
    expect(maxAbsDiff(plateaus, [75, 50, 30, 15, 5, 0].map((v) => v / 11))).toBeLessThan(1e-12);
  });
});
