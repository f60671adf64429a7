import { describe, expect, it } from "vitest";
import * as S from "@saddle/core";
import type { TransformerParams } from "@saddle/core";
import { corpusOf, symmetryBreakingAttention as e } from "../src/symmetry/symmetry-breaking-attention/experiment.js";
import { augmentedHead, randomInvertible, randomOrthogonal, rotateQueryKey } from "../src/symmetry/symmetry-breaking-attention/attention-symmetry.js";
import { antisym, frobenius, qkCurrent, qkGradientTorque, qkSource } from "../src/symmetry/symmetry-breaking-attention/noether-current.js";
import { bayesWindowLoss, markovCorpus } from "../src/symmetry/symmetry-breaking-attention/char-corpus.js";
import { invarianceCheck } from "../src/symmetry/symmetry-breaking-attention/invariance.js";
import { makeModel } from "../src/symmetry/symmetry-breaking-attention/training.js";

const layout = { dModel: 8, heads: 2 };
const dh = 4;
const tiny = { vocab: 6, dModel: 8, heads: 2, layers: 2, seqLen: 6, initStd: 0.3, mlpRatio: 2 };

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A tree like `params` whose Q and K head columns are W~ A (the infinitesimal rotation by A), zero elsewhere. */
function rotationVelocity(params: TransformerParams, a: Float64Array): TransformerParams {
  const zero = S.treeMap((x) => S.zeros(x.shape), params);
  const rotated = rotateQueryKey(params, params.blocks.map(() => [a, a]), layout); // W~ A in the Q/K columns, W~ elsewhere
  const v = rotated.blocks.map((blk, l) => ({ ...zero.blocks[l], wqkv: new S.Tensor(Float64Array.from(blk.wqkv.data), blk.wqkv.shape), bqkv: new S.Tensor(Float64Array.from(blk.bqkv.data), blk.bqkv.shape) }));
  // zero the value columns (rotateQueryKey left W_V there)
  for (const blk of v) {
    const w = blk.wqkv.data as Float64Array;
    const b = blk.bqkv.data as Float64Array;
    for (let i = 0; i < 8; i++) for (let j = 16; j < 24; j++) w[i * 24 + j] = 0;
    for (let j = 16; j < 24; j++) b[j] = 0;
  }
  return { ...zero, blocks: v };
}

function randomAntisymmetric(rng: S.Rng, n: number): Float64Array {
  const m = S.normal(rng, [n, n]).data;
  return antisym(m, n);
}

describe("symmetry-breaking-attention", () => {
  it("the config schema rejects unknown keys and bad values", () => {
    const q = e.presets.quick as Record<string, Record<string, unknown>>;
    expect(() => e.schema.parse({ ...q, bogus: 1 })).toThrow();
    expect(() => e.schema.parse({ ...q, model: { ...q.model, heads: 3 } })).toThrow(); // 32 not divisible by 3
    expect(() => e.schema.parse({ ...q, noether: { ...q.noether, momentum: 1 } })).toThrow();
    expect(() => e.schema.parse({ ...q, corpus: { ...q.corpus, branching: 20 } })).toThrow();
    expect(() => e.schema.parse(e.presets.full)).not.toThrow();
  });

  it("the Noether current is exactly zero at zero velocity and for a velocity parallel to the weights", () => {
    const params = makeModel(tiny).init(S.Rng.seed(1));
    const zero = S.treeMap((x) => S.zeros(x.shape), params);
    const c0 = qkCurrent(params.blocks[0], zero.blocks[0], 0, layout);
    expect(c0.norm).toBe(0);
    expect(c0.relative).toBe(0);
    // P = 2 W~ (a scale direction, not a rotation): W~^T W~ is symmetric, so J = 0 up to round-off.
    const scaled = S.treeMap((x) => S.mul(x, 2), params);
    expect(qkCurrent(params.blocks[1], scaled.blocks[1], 1, layout).relative).toBeLessThan(1e-15);
  });

  it("J is antisymmetric, changes sign when the rotation generator A -> A^T (R -> R^T) and when weights and velocity swap", () => {
    const rng = S.Rng.seed(2);
    const params = makeModel(tiny).init(rng.fork("init"));
    const a = randomAntisymmetric(rng.fork("a"), dh);
    const aT = Float64Array.from(a, (_, i) => a[(i % dh) * dh + Math.floor(i / dh)]);
    const plus = qkCurrent(params.blocks[0], rotationVelocity(params, a).blocks[0], 0, layout);
    const minus = qkCurrent(params.blocks[0], rotationVelocity(params, aT).blocks[0], 0, layout);
    expect(plus.relative).toBeGreaterThan(1e-2); // a rotation velocity carries a current
    expect(maxAbs(plus.j, Float64Array.from(minus.j, (x) => -x))).toBeLessThan(1e-14);
    expect(maxAbs(plus.j, Float64Array.from(antisym(plus.j, dh)))).toBeLessThan(1e-15); // antisymmetric
    const v = S.treeMap((x) => S.normal(rng, x.shape), params);
    const j1 = qkCurrent(params.blocks[1], v.blocks[1], 1, layout).j;
    const j2 = qkCurrent(v.blocks[1], params.blocks[1], 1, layout).j;
    expect(maxAbs(j1, Float64Array.from(j2, (x) => -x))).toBeLessThan(1e-14);
  });

  it("J is covariant: rotating weights and velocity by R maps J to R^T J R", () => {
    const rng = S.Rng.seed(3);
    const params = makeModel(tiny).init(rng.fork("init"));
    const v = S.treeMap((x) => S.normal(rng, x.shape), params);
    const r = randomOrthogonal(rng.fork("r"), dh);
    const rots = params.blocks.map(() => [r, r]);
    const j = qkCurrent(params.blocks[0], v.blocks[0], 0, layout).j;
    const jr = qkCurrent(rotateQueryKey(params, rots, layout).blocks[0], rotateQueryKey(v, rots, layout).blocks[0], 0, layout).j;
    const rT = Float64Array.from(r, (_, i) => r[(i % dh) * dh + Math.floor(i / dh)]);
    const predicted = S.linalg.matMulRowMajor(S.linalg.matMulRowMajor(rT, j, dh, dh, dh), r, dh, dh, dh);
    expect(maxAbs(jr, predicted) / frobenius(j)).toBeLessThan(1e-13);
  });

  it("the symmetry maps: R is orthogonal, G G^-1 = I, and R then R^T restores the parameters", () => {
    const rng = S.Rng.seed(4);
    const r = randomOrthogonal(rng, dh);
    const rT = Float64Array.from(r, (_, i) => r[(i % dh) * dh + Math.floor(i / dh)]);
    expect(maxAbs(S.linalg.matMulRowMajor(rT, r, dh, dh, dh), S.eye(dh).data)).toBeLessThan(1e-14);
    const { g, gInv } = randomInvertible(rng, dh);
    expect(maxAbs(S.linalg.matMulRowMajor(g, gInv, dh, dh, dh), S.eye(dh).data)).toBeLessThan(1e-12);
    const params = makeModel(tiny).init(rng.fork("init"));
    const back = rotateQueryKey(rotateQueryKey(params, params.blocks.map(() => [r, r]), layout), params.blocks.map(() => [rT, rT]), layout);
    expect(maxAbs(S.treeToVector(back), S.treeToVector(params))).toBeLessThan(1e-14);
    const wq = augmentedHead(params.blocks[0], "query", 1, layout);
    expect(wq.length).toBe((8 + 1) * dh);
    expect(wq[8 * dh]).toBe(params.blocks[0].bqkv.data[dh]); // the bias row of head 1
  });

  it("invariance in a 2-layer model: symmetric loss unchanged to 1e-12, beta_Q and beta_V break it", () => {
    const corpus = markovCorpus(S.Rng.seed(5), { vocab: 6, branching: 2, trainLength: 500, valLength: 100 });
    const inv = invarianceCheck(corpus, tiny, { muQ: 0.5, muV: 0.5 }, 4, S.Rng.seed(6));
    expect(inv.qkSymmetric).toBeLessThan(1e-12);
    expect(inv.voSymmetric).toBeLessThan(1e-12);
    expect(inv.qkBiased).toBeGreaterThan(1e-6);
    expect(inv.voBiased).toBeGreaterThan(1e-6);
    // The bias breaks the symmetry exactly as if it were rotated (mapped) back instead.
    expect(inv.qkBiasRotatedBack).toBeLessThan(1e-12);
    expect(inv.voBiasMappedBack).toBeLessThan(1e-12);
  });

  it("the gradient torque antisym(W~_Q^T G_Q + W~_K^T G_K) vanishes without beta_Q and equals the predicted source with it", () => {
    const rng = S.Rng.seed(7);
    const model = makeModel(tiny);
    const params = model.init(rng.fork("init"));
    const tokens = Int32Array.from({ length: 12 }, () => rng.nextInt(0, 6));
    const targets = Int32Array.from({ length: 12 }, () => rng.nextInt(0, 6));
    const betaQ = S.sampleAttentionBiases(rng, dh).query;
    for (const biases of [undefined, { query: betaQ }]) {
      const grads = S.grad((p: TransformerParams) => model.loss(p, { tokens, batch: 2, biases }, targets))(params);
      for (let l = 0; l < 2; l++) {
        for (let h = 0; h < 2; h++) {
          const torque = qkGradientTorque(params.blocks[l], grads.blocks[l], h, layout);
          const source = qkSource(grads.blocks[l], biases?.query?.data, h, layout);
          const size = frobenius(augmentedHead(params.blocks[l], "query", h, layout)) * frobenius(augmentedHead(grads.blocks[l], "query", h, layout));
          expect(maxAbs(torque, source) / size).toBeLessThan(1e-13);
          if (biases) expect(frobenius(source) / size).toBeGreaterThan(1e-3);
        }
      }
    }
  });

  it("simulation vs theory: under heavy ball from a random initial velocity the symmetric model's current decays as beta^k", () => {
    const rng = S.Rng.seed(8);
    const model = makeModel(tiny);
    let params = model.init(rng.fork("init"));
    const beta = 0.8;
    const opt = S.momentum(0.05, beta, { initialVelocity: S.treeMap((x) => S.normal(rng, x.shape, { std: 0.1 }), params) });
    let state = opt.init(params);
    const velocity = () => (state as [{ velocity: TransformerParams }])[0].velocity;
    const j0 = qkCurrent(params.blocks[1], velocity().blocks[1], 0, layout).j;
    expect(frobenius(j0)).toBeGreaterThan(1e-3);
    for (let k = 1; k <= 6; k++) {
      const tokens = Int32Array.from({ length: 12 }, () => rng.nextInt(0, 6));
      const grads = S.grad((p: TransformerParams) => model.loss(p, { tokens, batch: 2 }, tokens))(params);
      const [u, next] = opt.update(grads, state, params);
      params = S.applyUpdates(params, u);
      state = next;
      const j = qkCurrent(params.blocks[1], velocity().blocks[1], 0, layout).j;
      expect(maxAbs(j, Float64Array.from(j0, (x) => beta ** k * x)) / frobenius(j0)).toBeLessThan(1e-12);
    }
  });

  it("the run: sombrero SGDM keeps the angle, Adam does not; the Noether probes see zero current, the exact source law and a nonzero biased current", async () => {
    const q0 = e.presets.quick as Record<string, Record<string, unknown>>;
    const cfg = e.schema.parse({ ...q0, noether: { steps: 8, lr: 0.1, momentum: 0.9, ecdSteps: 3 }, sombrero: { ...q0.sombrero, steps: 3000 }, compare: { ...q0.compare, steps: 0 } });
    const setup = e.setup(cfg, { seed: 0, rng: S.Rng.seed(1) });
    const q = new S.RowQuery(await S.collect(e.run(cfg, { seed: 0, rng: S.Rng.seed(2) }, setup)));
    expect(q.max("angle", "drift", { run: "sombrero-sgdm" })).toBeLessThan(1e-13);
    expect(q.last("angle", "drift", { run: "sombrero-adam" })).toBeGreaterThan(0.01);
    expect(Math.abs(q.last("angle", "radius", { run: "sombrero-sgdm" }) - 1)).toBeLessThan(0.1);
    expect(q.max("noether", "relative", { run: "sgdm-symmetric" })).toBeLessThan(1e-14);
    expect(q.max("noether", "sourceResidual", { run: "sgdm-betaQ" })).toBeLessThan(1e-8);
    expect(q.last("noether", "relative", { run: "sgdm-betaQ" })).toBeGreaterThan(1e-4);
    expect(q.values("noether", "lawResidual", { run: "sgdm-betaQ" }).length).toBe(8); // every transition, none after the last step
    expect(q.max("noether", "relative", { run: "ecd-symmetric" })).toBeLessThan(1e-14);
  });

  it("corpus theory: Bayes window loss limits and the chain's entropy rate against the generated text", () => {
    const corpus = markovCorpus(S.Rng.seed(10), { vocab: 8, branching: 3, trainLength: 60000, valLength: 100 });
    expect(bayesWindowLoss(corpus, 1)).toBe(corpus.unigramEntropy);
    expect(bayesWindowLoss(corpus, 1e9)).toBeCloseTo(corpus.entropyRate, 6);
    expect(corpus.entropyRate).toBeLessThan(corpus.bigramEntropy);
    expect(corpus.bigramEntropy).toBeLessThan(corpus.unigramEntropy);
    // Plug-in conditional entropy H(X_t | X_{t-1}, X_{t-2}) of the text vs the chain's entropy rate.
    const V = 8;
    const counts = new Float64Array(V * V * V);
    const t = corpus.train;
    for (let i = 2; i < t.length; i++) counts[(t[i - 2] * V + t[i - 1]) * V + t[i]]++;
    let h = 0;
    for (let c = 0; c < V * V; c++) {
      let n = 0;
      for (let k = 0; k < V; k++) n += counts[c * V + k];
      for (let k = 0; k < V; k++) if (counts[c * V + k] > 0) h -= (counts[c * V + k] / (t.length - 2)) * Math.log(counts[c * V + k] / n);
    }
    expect(Math.abs(h - corpus.entropyRate)).toBeLessThan(0.02);
    // Deterministic chain: branching 1 has zero entropy rate.
    expect(markovCorpus(S.Rng.seed(11), { vocab: 5, branching: 1, trainLength: 200, valLength: 100 }).entropyRate).toBe(0);
  });

  it("the paper code's per-tensor ECD equals core's ECD when the parameters are one tensor, and differs with several", () => {
    const rng = S.Rng.seed(12);
    const target = S.normal(rng, [7]);
    const lossOf = (w: S.Tensor) => S.add(S.sum(S.square(S.sub(w, target))), 0.5);
    for (const split of [false, true]) {
      let pa: S.Tree = split ? { a: S.normal(S.Rng.seed(13), [3]), b: S.normal(S.Rng.seed(14), [4]) } : S.normal(S.Rng.seed(13), [7]);
      let pb = pa;
      const flatLoss = (p: S.Tree) => lossOf(split ? S.concat([(p as { a: S.Tensor }).a, (p as { b: S.Tensor }).b]) : (p as S.Tensor));
      const core = S.ecd({ lr: 0.5, eta: 10, f0: 0 });
      const paper = S.ecd({ lr: 0.5, eta: 10, f0: 0, projection: "per-tensor" });
      let sa = core.init(pa);
      let sb = paper.init(pb);
      let gap = 0;
      for (let k = 0; k < 5; k++) {
        const [la, ga] = S.valueAndGrad(flatLoss)(pa);
        const [ua, na] = core.update(ga, sa, pa, { loss: la.item() });
        const [lb, gb] = S.valueAndGrad(flatLoss)(pb);
        const [ub, nb] = paper.update(gb, sb, pb, { loss: lb.item() });
        pa = S.applyUpdates(pa, ua);
        pb = S.applyUpdates(pb, ub);
        sa = na;
        sb = nb;
        gap = Math.max(gap, maxAbs(S.treeToVector(pa), S.treeToVector(pb)));
      }
      if (split) expect(gap).toBeGreaterThan(1e-6);
      else expect(gap).toBeLessThan(1e-14);
    }
  });

  it("the corpus is a pure function of the config (theory and run agree)", () => {
    const cfg = e.schema.parse(e.presets.quick);
    const a = corpusOf(cfg);
    const b = corpusOf(cfg);
    expect(maxAbs(a.train, b.train)).toBe(0);
    const setup = e.setup(cfg, { seed: 0, rng: S.Rng.seed(0) });
    expect(e.theory(cfg, { seed: 0, rng: S.Rng.seed(0) }, setup).find((r) => r.key === "unigramEntropy")?.value).toBe(a.unigramEntropy);
  });
});
