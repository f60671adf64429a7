import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import { Rng, type Tensor } from "@saddle/core";

// A network with the three symmetries of Neural Mechanics (arXiv 2012.04728): batch-normalised
// first layer (scale of w1), ReLU unit (rescale of (w2, b2) against w3), softmax head (translation).
type Net = { w1: Tensor; w2: Tensor; b2: Tensor; w3: Tensor; b3: Tensor };
const SYM: S.SymmetryGroups<Net> = { translation: (t) => [t.w3, t.b3], scale: (t) => [t.w1], rescale: (t) => ({ incoming: [t.w2, t.b2], outgoing: [t.w3] }) };
function netLoss(p: Net, x: Tensor, labels: Int32Array): Tensor {
  const z = S.matmul(x, p.w1); // (B, h)
  const c = S.sub(z, S.mean(z, 0, true));
  const n = S.div(c, S.sqrt(S.mean(S.square(c), 0, true)));
  const h = S.relu(S.add(S.matmul(S.relu(n), p.w2), p.b2));
  return S.crossEntropy(S.add(S.matmul(h, p.w3), p.b3), labels);
}
function netInit(rng: Rng, d: number, h: number, c: number): Net {
  return { w1: S.normal(rng, [d, h]), w2: S.normal(rng, [h, h], { std: 0.3 }), b2: S.normal(rng, [h], { std: 0.1 }), w3: S.normal(rng, [h, c], { std: 0.3 }), b3: S.normal(rng, [c], { std: 0.1 }) };
}

async function trainRows(opt: S.GradientTransformation<unknown>, o: { lr: number; wd: number; beta: number; lawWd?: number }, steps = 30) {
  const data = S.gaussianMixture(Rng.seed(1), { n: 60, d: 5, classes: 3, spread: 1 });
  const velocity = (s: unknown) => ((s as unknown[]).find((b) => b && typeof b === "object" && "velocity" in (b as object)) as { velocity: Net }).velocity;
  const run = S.train({
    params: netInit(Rng.seed(2), 5, 6, 3),
    loss: (p: Net, b: S.Dataset & { labels: Int32Array }) => netLoss(p, b.x, b.labels),
    batches: (_k, rng) => S.takeRows(data, Int32Array.from({ length: 12 }, () => rng.nextInt(0, 60))),
    optimizer: opt,
    steps,
    schedule: { every: 1 },
    probes: [S.symmetryConstraintProbe(SYM), S.symmetryStepLawProbe(SYM, { optimizer: opt, lr: o.lr, wd: o.lawWd ?? o.wd, beta: o.beta, velocity: o.beta > 0 ? velocity : undefined, steps })],
  });
  return new S.RowQuery(await S.collect(run));
}

describe("gaussianMixture", () => {
  it("balanced labels, one-hot targets, means drawn with the given spread; deterministic in the RNG", () => {
    const a = S.gaussianMixture(Rng.seed(4), { n: 3000, d: 4, classes: 3, spread: 2 });
    const b = S.gaussianMixture(Rng.seed(4), { n: 3000, d: 4, classes: 3, spread: 2 });
    expect(a.x.shape).toEqual([3000, 4]);
    expect(a.y.shape).toEqual([3000, 3]);
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.labels.slice(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    // class-0 sample mean is within 4 se (unit noise, n = 1000) of its mean
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 3000; i += 3) s += a.x.data[i * 4 + j];
      expect(Math.abs(s / 1000 - a.means.data[j])).toBeLessThan(4 / Math.sqrt(1000));
    }
    expect(() => S.gaussianMixture(Rng.seed(0), { n: 10, d: 2, classes: 1, spread: 1 })).toThrow(/2 classes/);
  });
});

describe("mechanics probes", () => {
  it("the gradient constraints hold at round-off for the symmetric loss and fail for a random direction", () => {
    const rng = Rng.seed(3);
    const data = S.gaussianMixture(rng.fork("d"), { n: 30, d: 5, classes: 3, spread: 1 });
    const p = netInit(rng.fork("p"), 5, 6, 3);
    const g = S.grad((q: Net) => netLoss(q, data.x, data.labels))(p);
    const ok = S.symmetryConstraintResiduals(SYM, p, g);
    expect(Math.max(ok.translation!, ok.scale!, ok.rescale!)).toBeLessThan(1e-13);
    const bad = S.symmetryConstraintResiduals(SYM, p, S.treeMap((t) => S.normal(rng, t.shape), p));
    expect(Math.min(bad.translation!, bad.scale!, bad.rescale!)).toBeGreaterThan(1e-3);
  });

  it("exact per-step laws under SGD + weight decay and heavy ball; a wrong weight decay is detected", async () => {
    const plain = await trainRows(S.sgd(0.1, { wd: 0.05 }), { lr: 0.1, wd: 0.05, beta: 0 });
    const mom = await trainRows(S.sgd(0.05, { wd: 0.02, momentum: 0.9 }), { lr: 0.05, wd: 0.02, beta: 0.9 });
    for (const q of [plain, mom]) for (const k of ["translation", "scale", "rescale"]) {
      expect(q.max("law", k)).toBeLessThan(1e-12);
      expect(q.max("constraint", k)).toBeLessThan(1e-12);
      expect(q.values("law", k).length).toBe(30); // transitions 0..29; none after the last step
    }
    const wrong = await trainRows(S.sgd(0.1, { wd: 0.05 }), { lr: 0.1, wd: 0.05, beta: 0, lawWd: 0.04 });
    expect(wrong.min("law", "scale")).toBeGreaterThan(1e-4); // ~ 2 eta (delta lambda) = 2e-3
  });

  it("lookAhead gives exactly the next step of train()", async () => {
    const opt = S.adam(0.05);
    const seen: Float64Array[] = [];
    const ahead: Float64Array[] = [];
    const run = S.train({
      params: { w: S.tensor([1, -2, 0.5]) },
      loss: (p: { w: Tensor }) => S.sum(S.square(S.sub(p.w, S.tensor([0.3, 0.1, -1])))),
      optimizer: opt,
      steps: 5,
      schedule: { every: 1 },
      probes: [S.probe("x", (ctx) => {
        seen.push(Float64Array.from(ctx.params.w.data));
        ahead.push(Float64Array.from(S.lookAhead(opt, ctx).params.w.data));
        return {};
      })],
    });
    await S.collect(run);
    for (let k = 0; k + 1 < seen.length; k++) expect(Array.from(ahead[k])).toEqual(Array.from(seen[k + 1]));
  });
});

describe("Noether current probe", () => {
  // L(W1, W2) = |W1 W2^T - T|^2 / 2 is invariant under (W1, W2) -> (W1 R, W2 R), R in O(3).
  const n = 3;
  const target = S.normal(Rng.seed(5), [4, 5]);
  const u = S.tensor([0.7, -0.2, 0.4]);
  type P = { w1: Tensor; w2: Tensor };
  const symLoss = (p: P) => S.mul(0.5, S.sum(S.square(S.sub(S.matmul(p.w1, S.transpose(p.w2)), target))));
  // Breaking term u . W1[0, :]: torque antisym(W1^T G1 + W2^T G2) = antisym(W1[0, :] (x) u).
  const mask = S.tensor([[0.7, -0.2, 0.4], [0, 0, 0], [0, 0, 0], [0, 0, 0]]); // u in row 0
  const brokenLoss = (p: P) => S.add(symLoss(p), S.sum(S.mul(p.w1, mask)));
  const rot: S.RotationSymmetry<P> = { dim: n, sectors: (t) => [[Float64Array.from(t.w1.data), Float64Array.from(t.w2.data)]] };
  const velocity = (s: unknown) => ((s as unknown[])[0] as { velocity: P }).velocity;
  const source = (ctx: S.ProbeContext<P>) => {
    const w = ctx.params.w1.data;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = 0.5 * (w[i] * u.data[j] - w[j] * u.data[i]);
    return [m];
  };

  async function run(loss: (p: P) => Tensor, initialVelocity: P | undefined, withSource: boolean) {
    const opt = S.momentum(0.02, 0.8, { initialVelocity });
    const rows = await S.collect(S.train({
      params: { w1: S.normal(Rng.seed(6), [4, n]), w2: S.normal(Rng.seed(7), [5, n]) },
      loss,
      optimizer: opt,
      steps: 20,
      schedule: { every: 1 },
      probes: [S.noetherCurrentProbe(rot, { velocity, law: { optimizer: opt, beta: 0.8, source: withSource ? source : undefined, steps: 20 } })],
    }));
    return new S.RowQuery(rows);
  }

  it("symmetric loss: zero current from rest, J_{k+1} = beta J_k from a random velocity; a breaking term needs its source", async () => {
    expect((await run(symLoss, undefined, false)).max("noether", "relative")).toBeLessThan(1e-14);
    const v0 = { w1: S.normal(Rng.seed(8), [4, n]), w2: S.normal(Rng.seed(9), [5, n]) };
    const decaying = await run(symLoss, v0, false);
    expect(decaying.max("noether", "lawResidual")).toBeLessThan(1e-13);
    expect(decaying.values("noether", "relative")[0]).toBeGreaterThan(1e-2);
    const broken = await run(brokenLoss, undefined, true);
    expect(broken.max("noether", "sourceResidual")).toBeLessThan(1e-10);
    expect(broken.last("noether", "relative")).toBeGreaterThan(1e-3);
    // Without the source the same law fails: the probe can tell.
    expect((await run(brokenLoss, undefined, false)).max("noether", "lawResidual")).toBeGreaterThan(1e-4);
  });

  it("rotationCurrent: antisymmetric, zero for P parallel to W, covariant sign flip when W and P swap", () => {
    const w = Float64Array.from(S.normal(Rng.seed(10), [4, n]).data);
    const p = Float64Array.from(S.normal(Rng.seed(11), [4, n]).data);
    const j = S.rotationCurrent(n, [w], [p]);
    const jt = S.rotationCurrent(n, [p], [w]);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      expect(j[a * n + b]).toBeCloseTo(-j[b * n + a], 15);
      expect(j[a * n + b]).toBeCloseTo(-jt[a * n + b], 15);
    }
    expect(Math.max(...S.rotationCurrent(n, [w], [w.map((x) => 2 * x)]).map(Math.abs))).toBeLessThan(1e-15);
  });
});

describe("tracked optimizer state", () => {
  it("updates are the inner optimizer's; the track survives encode/decode and continues identically", () => {
    const inner = S.sgd(0.1, { momentum: 0.5 });
    const opt = S.symmetry.tracked(inner, () => ({ sum: 0 }), (t, s) => ({ sum: t.sum + S.treeToVector(s.grads).reduce((a, b) => a + b * b, 0) }));
    const p = { w: S.tensor([1, 2]) };
    const g = { w: S.tensor([0.5, -1]) };
    const [u1, s1] = opt.update(g, opt.init(p), p);
    const [v1] = inner.update(g, inner.init(p), p);
    expect(Array.from((u1 as { w: Tensor }).w.data)).toEqual(Array.from((v1 as { w: Tensor }).w.data));
    const restored = S.decodeState<typeof s1>(JSON.parse(JSON.stringify(S.encodeState(s1))));
    const [, a] = opt.update(g, s1, p);
    const [, b] = opt.update(g, restored, p);
    expect(S.symmetry.trackOf<{ sum: number }>(b).sum).toBe(S.symmetry.trackOf<{ sum: number }>(a).sum);
    expect(S.symmetry.trackOf<{ sum: number }>(a).sum).toBeCloseTo(2 * 1.25, 14);
  });
});
