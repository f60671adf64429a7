import type { Tensor } from "../tensor/tensor.js";
import { type Tree, flatten, leafPaths } from "../tree.js";
import { argmax } from "../ops/reduce.js";
import { noGrad } from "../autodiff/trace-state.js";
import { type Probe, probe } from "./probe.js";

/**
 * Classification accuracy of predictions `pred` against `labels`: for pred (n, k) with k > 1,
 * argmax over the last axis must equal the class label; for pred (n) or (n, 1), sign(pred) must
 * equal sign(label) (labels +-1). Returns a fraction in [0, 1].
 */
export function accuracy(pred: Tensor, labels: ArrayLike<number>): number {
  const scalar = pred.rank <= 1 || pred.shape[pred.rank - 1] === 1;
  const n = scalar ? pred.size : pred.size / pred.shape[pred.rank - 1];
  if (labels.length !== n) throw new RangeError(`accuracy: ${labels.length} labels for ${n} predictions`);
  let correct = 0;
  if (scalar) {
    for (let i = 0; i < n; i++) if (Math.sign(pred.data[i]) === Math.sign(labels[i]) && labels[i] !== 0) correct++;
  } else {
    const am = argmax(pred, -1);
    for (let i = 0; i < n; i++) if (am[i] === labels[i]) correct++;
  }
  return correct / n;
}

/**
 * Loss (and accuracy when `labels` are given; see `accuracy`) of `predict` on a fixed data set,
 * e.g. evalProbe("test", (p) => model.apply(p, xTest), (f) => mse(f, yTest), testLabels). Keys:
 * "loss", "accuracy".
 */
export function evalProbe<P extends Tree>(name: string, predict: (params: P) => Tensor, loss: (pred: Tensor) => Tensor, labels?: ArrayLike<number>): Probe<P> {
  return probe(name, ({ params }) =>
    noGrad(() => {
      const pred = predict(params);
      const out: Record<string, number> = { loss: loss(pred).item() };
      if (labels) out.accuracy = accuracy(pred, labels);
      return out;
    }),
  );
}

/** Frobenius norm of every parameter leaf (per layer), keyed by its path ("w1", "layers[0].w"), and "total". */
export function paramNorms<P extends Tree>(): Probe<P> {
  return probe("norms", ({ params }) => {
    const paths = leafPaths(params);
    const out: Record<string, number> = {};
    let total = 0;
    flatten(params).leaves.forEach((t, i) => {
      let s = 0;
      for (let j = 0; j < t.data.length; j++) s += t.data[j] * t.data[j];
      out[paths[i] || "params"] = Math.sqrt(s);
      total += s;
    });
    out.total = Math.sqrt(total);
    return out;
  });
}
