import { Tensor } from "../tensor/tensor.js";
import { type Tree, flatten, leafPaths } from "../tree.js";
import { argmax } from "../ops/reduce.js";
import { noGrad } from "../autodiff/trace-state.js";
import { type Probe, probe } from "./probe.js";

/** Loss (and accuracy when `labels` are given) of `predict` on held-out data. */
export function evalProbe<P extends Tree>(
  name: string,
  predict: (params: P) => Tensor,
  loss: (pred: Tensor) => Tensor,
  labels?: ArrayLike<number>,
): Probe<P> {
  return probe(name, ({ params }) =>
    noGrad(() => {
      const pred = predict(params);
      const out: Record<string, number> = { loss: loss(pred).item() };
      if (labels) {
        const am = argmax(pred, -1);
        let correct = 0;
        for (let i = 0; i < am.length; i++) if (am[i] === labels[i]) correct++;
        out.accuracy = correct / am.length;
      }
      return out;
    }),
  );
}

/** Frobenius norm of every parameter leaf, keyed by its path ("w1", "layers[0].w"). */
export function paramNorms<P extends Tree>(): Probe<P> {
  return probe("norms", ({ params }) => {
    const paths = leafPaths(params);
    const out: Record<string, number> = {};
    flatten(params).leaves.forEach((t, i) => {
      let s = 0;
      for (const v of t.data) s += v * v;
      out[paths[i] || "params"] = Math.sqrt(s);
    });
    return out;
  });
}
