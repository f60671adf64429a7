import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Sample covariance (d, d) of the rows of x (mean known to be 0). */
function covariance(x: S.Tensor): Float64Array {
  const [n, d] = x.shape;
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) c[a * d + b] += (x.data[i * d + a] * x.data[i * d + b]) / n;
  return c;
}

describe("datasets, splits and minibatches", () => {
  const data: S.Dataset = {
    x: S.tensor(Array.from({ length: 20 }, (_, i) => i), [10, 2]),
    y: S.tensor(Array.from({ length: 10 }, (_, i) => 100 + i), [10, 1]),
    labels: Int32Array.from({ length: 10 }, (_, i) => i % 3),
    meta: { task: "toy" },
  };

  it("takeRows picks x, y and labels rows in order and rejects bad indices", () => {
    const sub = S.takeRows(data, [7, 2, 7]);
    expect(Array.from(sub.x.data)).toEqual([14, 15, 4, 5, 14, 15]);
    expect(Array.from(sub.y.data)).toEqual([107, 102, 107]);
    expect(Array.from(sub.labels!)).toEqual([1, 2, 1]);
    expect(() => S.takeRows(data, [3, 10])).toThrow(/index 10 at position 1 is outside 0..9/);
  });

  it.each([
    [0.5, 5],
    [0.34, 3],
    [1, 10],
    [0.01, 1],
  ])("splitDataset with fraction %f gives %i disjoint seeded train rows", (fraction, nTrain) => {
    const a = S.splitDataset(S.Rng.seed(4), data, fraction);
    const b = S.splitDataset(S.Rng.seed(4), data, fraction);
    expect(a.train.x.shape[0]).toBe(nTrain);
    expect(a.test.x.shape[0]).toBe(10 - nTrain);
    expect([...a.trainIndices, ...a.testIndices].sort((u, v) => u - v)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(Array.from(a.trainIndices)).toEqual(Array.from(b.trainIndices));
    expect(a.train.meta).toMatchObject({ task: "toy", part: "train" });
    expect(Array.from(a.train.y.data)).toEqual(Array.from(a.trainIndices, (i) => 100 + i));
  });

  it("splitDataset keeps labels but drops whole-dataset extras (sequences) from the parts", () => {
    const comp = S.groupCompositionDataset(S.cyclic(5), [1, 0, 0, 0, 0], { k: 2 });
    const { train } = S.splitDataset(S.Rng.seed(1), comp, 0.6);
    expect(train.labels.length).toBe(15);
    expect("sequences" in train).toBe(false);
  });

  it("splitDataset rejects fractions outside (0, 1]", () => {
    expect(() => S.splitDataset(S.Rng.seed(0), data, 0)).toThrow(/trainFraction must be in \(0, 1\], got 0/);
    expect(() => S.splitDataset(S.Rng.seed(0), data, 1.5)).toThrow(/got 1.5/);
  });

  it("batches covers every row once per epoch with a fresh seeded shuffle", () => {
    const epochs = [...S.batches(S.Rng.seed(9), 10, 4, { epochs: 3 })];
    expect(epochs.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    const perEpoch = [0, 1, 2].map((e) => epochs.slice(3 * e, 3 * e + 3).flatMap((b) => Array.from(b)));
    for (const e of perEpoch) expect([...e].sort((u, v) => u - v)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(perEpoch[0]).not.toEqual(perEpoch[1]);
    const again = [...S.batches(S.Rng.seed(9), 10, 4, { epochs: 3 })];
    expect(again.map((b) => Array.from(b))).toEqual(epochs.map((b) => Array.from(b)));
    expect([...S.batches(S.Rng.seed(9), 10, 4, { epochs: 2, dropLast: true })].map((b) => b.length)).toEqual([4, 4, 4, 4]);
    expect(() => S.batches(S.Rng.seed(0), 10, 0).next()).toThrow(/batchSize must be an integer >= 1, got 0/);
  });

  it("batchAt is stateless: same (rng, step) gives the same batch, each epoch is a permutation", () => {
    const rng = S.Rng.seed(2);
    const state = rng.state();
    const epoch1 = [3, 4, 5].flatMap((s) => Array.from(S.batchAt(rng, 10, 4, s)));
    expect(epoch1.length).toBe(10);
    expect([...epoch1].sort((u, v) => u - v)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(rng.state()).toEqual(state); // fork does not advance the generator
    expect(Array.from(S.batchAt(S.Rng.fromState(state), 10, 4, 4))).toEqual(epoch1.slice(4, 8));
    const epoch0 = [0, 1, 2].flatMap((s) => Array.from(S.batchAt(rng, 10, 4, s)));
    expect(epoch0).not.toEqual(epoch1);
  });
});

describe("spectra and Gaussian inputs", () => {
  it("powerLawSpectrum is i^-alpha, or rescaled to a trace (AGF's (0.96, 0.48, 0.32, 0.24))", () => {
    expect(maxAbsDiff(S.powerLawSpectrum(4, 1.5), [1, 2 ** -1.5, 3 ** -1.5, 4 ** -1.5])).toBeLessThan(1e-15);
    expect(maxAbsDiff(S.powerLawSpectrum(4, 1, { trace: 2 }), [0.96, 0.48, 0.32, 0.24])).toBeLessThan(1e-15);
    expect(() => S.powerLawSpectrum(0, 1)).toThrow(/d must be an integer >= 1, got 0/);
  });

  it("gaussianInputs with a spectrum has that diagonal covariance (n = 20000, 5 standard errors)", () => {
    const spectrum = [4, 1, 0.25];
    const c = covariance(S.gaussianInputs(S.Rng.seed(4), 20000, { spectrum }));
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const want = a === b ? spectrum[a] : 0;
      const se = Math.sqrt(((a === b ? 2 : 1) * spectrum[a] * spectrum[b]) / 20000);
      expect(Math.abs(c[a * 3 + b] - want)).toBeLessThan(5 * se);
    }
    expect(() => S.gaussianInputs(S.Rng.seed(0), 5, { spectrum: [1, -1] })).toThrow(/spectrum\[1\] must be a finite variance >= 0, got -1/);
  });

  it("gaussianInputs with a full covariance reproduces it (Cholesky; n = 20000, 5 standard errors)", () => {
    const cov = [2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5];
    const c = covariance(S.gaussianInputs(S.Rng.seed(5), 20000, { covariance: S.tensor(cov, [3, 3]) }));
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const se = Math.sqrt((cov[a * 3 + a] * cov[b * 3 + b] + cov[a * 3 + b] ** 2) / 20000);
      expect(Math.abs(c[a * 3 + b] - cov[a * 3 + b])).toBeLessThan(5 * se);
    }
    expect(() => S.gaussianInputs(S.Rng.seed(0), 5, { covariance: S.zeros([2, 3]) })).toThrow(/square \(d, d\) matrix, got shape \[2, 3\]/);
  });

  it("sphereInputs lie on the sphere of the given radius", () => {
    const x = S.sphereInputs(S.Rng.seed(1), 50, 7, 3);
    for (let i = 0; i < 50; i++) {
      let s = 0;
      for (let j = 0; j < 7; j++) s += x.data[i * 7 + j] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(3, 12);
    }
  });
});

describe("teacher-student", () => {
  it("linearTeacher: y = x beta exactly without noise; noise has the stated std", () => {
    const t = S.linearTeacher(S.Rng.seed(2), { n: 30, d: 4, outputs: 2 });
    expect(t.y.shape).toEqual([30, 2]);
    expect(maxAbsDiff(t.y.data, S.matmul(t.x, t.beta).data)).toBe(0);
    const noisy = S.linearTeacher(S.Rng.seed(3), { n: 20000, d: 4, noise: 0.5 });
    const resid = S.sub(noisy.y, S.matmul(noisy.x, noisy.beta)).data;
    const std = Math.sqrt(resid.reduce((s, v) => s + v * v, 0) / resid.length);
    expect(Math.abs(std - 0.5)).toBeLessThan(5 * 0.5 / Math.sqrt(2 * 20000));
    expect(() => S.linearTeacher(S.Rng.seed(0), { n: 3, d: 2, x: S.zeros([3, 3]) })).toThrow(/x must have shape \[3, 2\]/);
  });

  it("twoLayerTeacher: y = phi(x W) a with a named or given activation", () => {
    const t = S.twoLayerTeacher(S.Rng.seed(3), { n: 10, d: 5, width: 8, activation: "tanh" });
    expect(t.y.shape).toEqual([10, 1]);
    expect(maxAbsDiff(t.y.data, S.matmul(S.tanh(S.matmul(t.x, t.w)), t.a).data)).toBeLessThan(1e-15);
    const cube = (z: S.Tensor) => S.mul(z, S.mul(z, z));
    const w = S.tensor([1, 0, 0, 1], [2, 2]);
    const a = S.tensor([1, -1], [2, 1]);
    const x = S.tensor([2, 3], [1, 2]);
    const c = S.twoLayerTeacher(S.Rng.seed(0), { n: 1, d: 2, width: 2, activation: cube, w, a, x });
    expect(c.y.item()).toBe(8 - 27);
    expect(() => S.twoLayerTeacher(S.Rng.seed(0), { n: 1, d: 2, width: 2, activation: "swish" })).toThrow(/activation 'swish' is unknown/);
    expect(() => S.twoLayerTeacher(S.Rng.seed(0), { n: 1, d: 2, width: 3, w })).toThrow(/w must have shape \[2, 3\]/);
  });

  it("powerLawProblem: v_i^2 = i^-beta (Simon) or i^-(alpha s + 1) (Bordelon-Pehlevan source s), v_i^2 = lambda_i w_i^2", () => {
    const simon = S.powerLawProblem(S.Rng.seed(1), { d: 50, alpha: 1.5, beta: 1.2 });
    const source = S.powerLawProblem(S.Rng.seed(1), { d: 50, alpha: 1.5, source: 0.5 });
    for (let i = 0; i < 50; i++) {
      expect(simon.targetPower[i]).toBeCloseTo((i + 1) ** -1.2, 14);
      expect(source.targetPower[i]).toBeCloseTo((i + 1) ** -(1.5 * 0.5 + 1), 14);
      expect(simon.eigenvalues[i] * simon.weights.data[i] ** 2).toBeCloseTo(simon.targetPower[i], 13);
    }
    const data = S.powerLawRegression(S.Rng.seed(2), { n: 40, problem: simon });
    expect(data.x.shape).toEqual([40, 50]);
    expect(maxAbsDiff(data.y.data, S.matmul(data.x, simon.weights).data)).toBe(0);
  });
});

describe("sparse parity", () => {
  it("x in {-1, +1}^d and y = product over the hidden support", () => {
    const sp = S.sparseParity(S.Rng.seed(1), { n: 2000, d: 10, k: 3 });
    expect(sp.support.length).toBe(3);
    expect(new Set(sp.support).size).toBe(3);
    expect(sp.support).toEqual([...sp.support].sort((a, b) => a - b));
    for (const v of sp.x.data) expect(Math.abs(v)).toBe(1);
    for (let i = 0; i < 2000; i++) expect(sp.y.data[i]).toBe(sp.support.reduce((p, j) => p * sp.x.data[i * 10 + j], 1));
    const mean = sp.y.data.reduce((s, v) => s + v, 0) / 2000;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(2000));
    // any coordinate outside the support is uncorrelated with y
    const outside = [...Array(10).keys()].find((j) => !sp.support.includes(j))!;
    let corr = 0;
    for (let i = 0; i < 2000; i++) corr += (sp.x.data[i * 10 + outside] * sp.y.data[i]) / 2000;
    expect(Math.abs(corr)).toBeLessThan(5 / Math.sqrt(2000));
  });

  it("accepts a given support and rejects invalid ones", () => {
    expect(S.sparseParity(S.Rng.seed(0), { n: 4, d: 5, k: 2, support: [4, 1] }).support).toEqual([4, 1]);
    expect(() => S.sparseParity(S.Rng.seed(0), { n: 4, d: 5, k: 6 })).toThrow(/k must be in 1..d = 5, got 6/);
    expect(() => S.sparseParity(S.Rng.seed(0), { n: 4, d: 5, k: 2, support: [1, 1] })).toThrow(/distinct/);
    expect(() => S.sparseParity(S.Rng.seed(0), { n: 4, d: 5, k: 2, support: [1, 5] })).toThrow(/support\[1\] = 5/);
  });
});

describe("circle functions with power-law spectra", () => {
  it("grid samples have DFT magnitudes n c_k / 2 with c_k = k^-beta and inputs on the unit circle", () => {
    const target = S.powerLawCircleTarget(S.Rng.seed(6), { K: 6, beta: 1.25 });
    const n = 64;
    const data = S.circleDataset(S.Rng.seed(0), target, { n });
    expect(data.x.shape).toEqual([n, 2]);
    for (let i = 0; i < n; i++) expect(data.x.data[2 * i] ** 2 + data.x.data[2 * i + 1] ** 2).toBeCloseTo(1, 14);
    for (let k = 1; k <= 10; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        re += data.y.data[i] * Math.cos(data.theta[i] * k);
        im -= data.y.data[i] * Math.sin(data.theta[i] * k);
      }
      const want = k <= 6 ? (n * k ** -1.25) / 2 : 0;
      expect(Math.hypot(re, im)).toBeCloseTo(want, 10);
      if (k <= 6) expect(Math.atan2(im, re)).toBeCloseTo(Math.atan2(Math.sin(target.phases[k - 1]), Math.cos(target.phases[k - 1])), 10);
    }
  });

  it("uniform sampling draws seeded angles in [0, 2 pi) and evaluates the same function", () => {
    const target = S.powerLawCircleTarget(S.Rng.seed(1), { K: 3, beta: 2, phases: "zero" });
    expect(Array.from(target.phases)).toEqual([0, 0, 0]);
    const d = S.circleDataset(S.Rng.seed(3), target, { n: 100, sampling: "uniform" });
    for (const t of d.theta) expect(t >= 0 && t < 2 * Math.PI).toBe(true);
    const f = (t: number) => Math.cos(t) + Math.cos(2 * t) / 4 + Math.cos(3 * t) / 9;
    expect(maxAbsDiff(d.y.data, Array.from(d.theta, f))).toBeLessThan(1e-14);
    expect(() => S.circleDataset(S.Rng.seed(0), target, { n: 3, sampling: "random" as "grid" })).toThrow(/sampling must be "grid" or "uniform"/);
  });
});

describe("modular arithmetic", () => {
  it("all p^2 pairs as concatenated one-hots with one-hot (a + b) mod p targets", () => {
    const { all, pairs } = S.modularArithmetic(S.Rng.seed(0), { p: 7 });
    expect(all.x.shape).toEqual([49, 14]);
    expect(all.y.shape).toEqual([49, 7]);
    for (let i = 0; i < 49; i++) {
      const [a, b] = [pairs[2 * i], pairs[2 * i + 1]];
      expect(i).toBe(a * 7 + b);
      const row = Array.from(all.x.data.slice(i * 14, i * 14 + 14));
      expect(row.reduce((s, v) => s + v, 0)).toBe(2);
      expect(row[a]).toBe(1);
      expect(row[7 + b]).toBe(1);
      expect(all.labels[i]).toBe((a + b) % 7);
      expect(all.y.data[i * 7 + all.labels[i]]).toBe(1);
    }
    expect(S.modularArithmetic(S.Rng.seed(0), { p: 5, op: "mul" }).all.labels[2 * 5 + 3]).toBe(1);
  });

  it.each([
    [61, 0.5, 1860],
    [31, 0.5, 480],
    [23, 0.4, 211],
  ])("p = %i with train fraction %f has %i train pairs, disjoint from test, seeded", (p, fraction, nTrain) => {
    const a = S.modularArithmetic(S.Rng.seed(3), { p, trainFraction: fraction });
    const b = S.modularArithmetic(S.Rng.seed(3), { p, trainFraction: fraction });
    expect(a.train.x.shape).toEqual([nTrain, 2 * p]);
    expect(a.test.labels.length).toBe(p * p - nTrain);
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    const seen = new Set(a.trainIndices);
    expect(Array.from(a.testIndices).some((i) => seen.has(i))).toBe(false);
    expect(Array.from(a.train.labels)).toEqual(Array.from(a.trainIndices, (i) => a.all.labels[i]));
  });

  it("rejects bad settings", () => {
    expect(() => S.modularArithmetic(S.Rng.seed(0), { p: 5, trainFraction: 0 })).toThrow(/trainFraction must be in \(0, 1\], got 0/);
    expect(() => S.modularArithmetic(S.Rng.seed(0), { p: 1 })).toThrow(/p must be an integer >= 2, got 1/);
    expect(() => S.modularArithmetic(S.Rng.seed(0), { p: 5, op: "sub" as "add" })).toThrow(/op must be "add" or "mul", got sub/);
  });
});

describe("CSV loader", () => {
  it("parses a header, numeric columns, quoted fields, CRLF, a BOM and blank lines", () => {
    const text = '\uFEFFa, b ,"label"\r\n1,2.5,0\r\n\r\n-3e-1,"4",1\n.5 , 6, -2\n';
    const d = S.parseCsv(text, { target: "label" });
    expect(d.features).toEqual(["a", "b"]);
    expect(d.targets).toEqual(["label"]);
    expect(d.x.shape).toEqual([3, 2]);
    expect(Array.from(d.x.data)).toEqual([1, 2.5, -0.3, 4, 0.5, 6]);
    expect(Array.from(d.y.data)).toEqual([0, 1, -2]);
  });

  it("chooses targets and features by name or index", () => {
    const text = "u,v,w\n1,2,3\n4,5,6";
    const d = S.parseCsv(text, { target: [2, "u"], features: ["v"] });
    expect(d.targets).toEqual(["w", "u"]);
    expect(Array.from(d.y.data)).toEqual([3, 1, 6, 4]);
    expect(Array.from(d.x.data)).toEqual([2, 5]);
    expect(S.parseCsv("x;y\n1;2", { target: "y", delimiter: ";" }).x.item()).toBe(1);
  });

  it.each([
    ["empty text", "", /CSV is empty/],
    ["blank lines only", "\n  \n", /CSV is empty/],
    ["header only", "a,b\n", /header \(line 1\) but no data rows/],
    ["ragged row", "a,b\n1,2\n3\n", /line 3 has 1 fields; the header \(line 1\) has 2/],
    ["too many fields", "a,b\n1,2,3\n", /line 2 has 3 fields/],
    ["non-numeric cell", "a,b\n1,2\n\n3,abc\n", /line 4, column 'b' \(column 2\): 'abc' is not a number/],
    ["hex is not decimal", "a,b\n0x10,1\n", /'0x10' is not a number/],
    ["empty cell", "a,b\n1,\n", /line 2, column 'b' \(column 2\): the cell is empty/],
    ["unknown target", "a,b\n1,2\n", /target column 'c' not found; the columns are: a, b/, "c"],
    ["duplicate header", "a,a\n1,2\n", /column name 'a' appears twice \(columns 1 and 2\)/],
    ["empty header name", "a,,c\n1,2,3\n", /column 2 has an empty name/],
    ["unterminated quote", 'a,b\n1,"2\n3,4\n', /line 2: a quoted field is never closed/],
    ["stray quote", 'a,b\n1,2"\n', /line 2: a quote appears inside an unquoted field/],
    ["overflow", "a,b\n1,2\n1e999,3\n", /line 3, column 'a' \(column 1\): '1e999' overflows a float64/, "b"],
    ["a 40,000-digit cell that is not a number (rejected in linear time)", `a,b\n1,${"1".repeat(40000)}x\n`, /line 2, column 'b' \(column 2\): '1{40}\.\.\.' is not a number/],
  ])("rejects %s with a message naming the place", (_name, text, message, target = "b") => {
    expect(() => S.parseCsv(text, { target })).toThrow(message);
  });

  it("reads a 200,000-digit number (linear-time matching: the old pattern took seconds per cell)", () => {
    expect(() => S.parseCsv(`a,b\n1,${"1".repeat(200000)}\n`, { target: "b" })).toThrow(/overflows a float64/);
    expect(S.parseCsv(`a,b\n1,${"0".repeat(200000)}1.5\n`, { target: "b" }).y.item()).toBe(1.5);
  });

  it("rejects a column used as both feature and target", () => {
    expect(() => S.parseCsv("a,b\n1,2", { target: "b", features: ["a", "b"] })).toThrow(/'b' is both a feature and a target/);
    expect(() => S.parseCsv("a,b\n1,2", { target: 5 })).toThrow(/target column index 5 is outside 0..1/);
  });
});
