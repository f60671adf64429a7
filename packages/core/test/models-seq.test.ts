import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { Rng, Tensor } from "@saddle/core";

describe("sequence and attention models", () => {
  it("linear attention head output equals v (k . sum_n y_n x_n)(q . x_q)", () => {
    const m = S.linearAttention({ d: 3, heads: 2, initScale: 1 });
    const p = m.init(Rng.seed(1));
    const rng = Rng.seed(2);
    const batch = { xs: S.normal(rng, [2, 4, 3]), ys: S.normal(rng, [2, 4]), xq: S.normal(rng, [2, 3]) };
    const out = m.apply(p, batch);
    for (let b = 0; b < 2; b++) {
      const s = [0, 0, 0];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 3; i++) s[i] += batch.ys.data[b * 4 + n] * batch.xs.data[(b * 4 + n) * 3 + i];
      let f = 0;
      for (let h = 0; h < 2; h++) {
        let kp = 0;
        let qp = 0;
        for (let i = 0; i < 3; i++) {
          kp += p.k.data[h * 3 + i] * s[i];
          qp += p.q.data[h * 3 + i] * batch.xq.data[b * 3 + i];
        }
        f += p.v.data[h] * kp * qp;
      }
      expect(out.data[b]).toBeCloseTo(f, 12);
    }
  });

  const cfg = { vocab: 7, dModel: 8, heads: 2, layers: 1, seqLen: 5, initStd: 0.3 };
  const tf = S.transformer(cfg);
  const params = tf.init(Rng.seed(3));
  const tokens = Int32Array.from({ length: 2 * 5 }, (_, i) => (i * 3) % 7);
  const targets = Int32Array.from({ length: 2 * 5 }, (_, i) => (i * 5 + 1) % 7);

  /** Rotates the query and key sectors (weights and biases) of each head by the same orthogonal R. */
  function rotateQK(p: S.TransformerParams, r: Tensor): S.TransformerParams {
    const d = cfg.dModel;
    const dh = d / cfg.heads;
    const blk = p.blocks[0];
    const w = S.clone(blk.wqkv);
    const b = S.clone(blk.bqkv);
    for (let sector = 0; sector < 2; sector++) for (let h = 0; h < cfg.heads; h++) {
      const c0 = sector * d + h * dh;
      for (let row = 0; row <= d; row++) {
        const src = row < d ? blk.wqkv.data : blk.bqkv.data;
        const off = row < d ? row * 3 * d : 0;
        const vals = Array.from({ length: dh }, (_, j) => src[off + c0 + j]);
        for (let j = 0; j < dh; j++) {
          let s = 0;
          for (let i = 0; i < dh; i++) s += vals[i] * r.data[i * dh + j];
          (row < d ? w.data : b.data)[off + c0 + j] = s;
        }
      }
    }
    return { ...p, blocks: [{ ...blk, wqkv: w, bqkv: b }] };
  }

  it("transformer: logits shape, finite gradients, loss invariant under Q/K rotation to 1e-12 (f64)", () => {
    expect(tf.apply(params, { tokens, batch: 2 }).shape).toEqual([2, 5, 7]);
    const g = S.grad((p: S.TransformerParams) => tf.loss(p, { tokens, batch: 2 }, targets))(params);
    expect(S.treeToVector(g).every(Number.isFinite)).toBe(true);
    const { q: r } = S.linalg.qr(S.normal(Rng.seed(4), [4, 4]));
    const l0 = tf.loss(params, { tokens, batch: 2 }, targets).item();
    const l1 = tf.loss(rotateQK(params, r), { tokens, batch: 2 }, targets).item();
    expect(Math.abs(l1 - l0) / l0).toBeLessThan(1e-12);
    // An unlearned per-batch query bias breaks the symmetry.
    const biases = S.sampleAttentionBiases(Rng.seed(5), 4);
    const b0 = tf.loss(params, { tokens, batch: 2, biases }, targets).item();
    const b1 = tf.loss(rotateQK(params, r), { tokens, batch: 2, biases }, targets).item();
    expect(Math.abs(b1 - b0) / b0).toBeGreaterThan(1e-6);
    expect(() => S.transformer({ ...cfg, heads: 3 })).toThrow(/divisible by heads/);
  });

  it("RNN: shape and gradient through time", () => {
    const m = S.rnn({ dIn: 3, hidden: 5, dOut: 2 });
    const p = m.init(Rng.seed(6));
    const x = S.normal(Rng.seed(7), [4, 6, 3]);
    expect(m.apply(p, x).shape).toEqual([4, 2]);
    const g = S.grad((q: S.RnnParams) => S.sum(S.square(m.apply(q, x))))(p);
    expect(Math.abs(g.wh.data[0])).toBeGreaterThan(0);
  });

  it("two-layer network with fixed readout and the QWEM loss", () => {
    const m = S.twoLayer({ d: 3, h: 4, activation: "quadratic", readout: "fixed", readoutValue: 0.5, initScale: 1 });
    const p = m.init(Rng.seed(8));
    expect(p.a).toBeUndefined();
    const x = S.eye(3);
    const out = m.apply(p, x);
    for (let i = 0; i < 3; i++) {
      let f = 0;
      for (let k = 0; k < 4; k++) f += 0.5 * p.w.data[i * 4 + k] ** 2;
      expect(out.data[i]).toBeCloseTo(f, 13);
    }
    const e = S.embeddingModel({ vocab: 3, dim: 2, initScale: 1 });
    const s = e.apply({ w: S.tensor([[1, 0], [0, 1], [1, 1]]) }, null);
    const l = S.qwemLoss(s, S.eye(3), S.zeros([3, 3]));
    // diagonal scores 1, 1, 2: sum(-s + s^2/4) = (-1 + 0.25) * 2 + (-2 + 1)
    expect(l.item()).toBeCloseTo(-2.5, 14);
  });
});
