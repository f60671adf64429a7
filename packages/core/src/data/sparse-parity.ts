import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import type { Dataset } from "./dataset.js";
import { requireInt } from "./validate.js";

/**
 * The (d, k) sparse parity task: x uniform on {-1, +1}^d, y = prod_{j in S} x_j for a hidden
 * support S of k coordinates. S is `support` when given, otherwise k distinct coordinates drawn
 * from `rng` (sorted ascending). Returns x (n, d), y (n, 1) and the support.
 */
export function sparseParity(rng: Rng, cfg: { n: number; d: number; k: number; support?: readonly number[] }): Dataset & { support: number[] } {
  const { n, d, k } = cfg;
  requireInt("n", n);
  requireInt("d", d);
  requireInt("k", k);
  if (k > d) throw new RangeError(`k must be in 1..d = ${d}, got ${k}`);
  let support: number[];
  if (cfg.support) {
    support = [...cfg.support];
    if (support.length !== k) throw new RangeError(`support must list k = ${k} coordinates, got ${support.length}`);
    support.forEach((j, i) => {
      if (!Number.isInteger(j) || j < 0 || j >= d) throw new RangeError(`support[${i}] = ${j} is not a coordinate in 0..${d - 1}`);
    });
    if (new Set(support).size !== k) throw new RangeError(`support coordinates must be distinct, got [${support.join(", ")}]`);
  } else {
    support = Array.from(rng.permutation(d).slice(0, k)).sort((a, b) => a - b);
  }
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = rng.nextFloat() < 0.5 ? -1 : 1;
    let prod = 1;
    for (const j of support) prod *= x[i * d + j];
    y[i] = prod;
  }
  return { x: new Tensor(x, [n, d]), y: new Tensor(y, [n, 1]), support, meta: { task: "sparse-parity", n, d, k } };
}
