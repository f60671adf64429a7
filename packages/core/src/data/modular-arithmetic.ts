import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { oneHot } from "../ops/movement.js";
import { type Dataset, splitDataset } from "./dataset.js";
import { requireInt } from "./validate.js";

/** The binary operations on Z_p offered by `modularArithmetic`. */
export type ModularOp = "add" | "mul";

/** The result of `modularArithmetic`: all pairs and a seeded train/test split of them. */
export interface ModularArithmeticTask {
  all: Dataset & { labels: Int32Array };
  train: Dataset & { labels: Int32Array };
  test: Dataset & { labels: Int32Array };
  /** (p^2 * 2) the operands (a, b) of each row of `all`, row-major. */
  pairs: Int32Array;
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Modular arithmetic on Z_p (the grokking setups; AGF arXiv 2506.06489 section on modular
 * addition; RFM grokking arXiv 2407.20199): every pair (a, b) in Z_p^2, row a*p + b, input the
 * concatenated one-hots [e_a, e_b] (p^2, 2p), label c = (a + b) mod p or (a * b) mod p, target the
 * one-hot e_c (p^2, p). The rows are split into train/test by a seeded permutation with
 * floor(trainFraction * p^2) train rows (`splitDataset`); trainFraction = 1 leaves test empty.
 */
export function modularArithmetic(rng: Rng, cfg: { p: number; op?: ModularOp; trainFraction?: number }): ModularArithmeticTask {
  const { p, op = "add", trainFraction = 1 } = cfg;
  requireInt("p", p, 2);
  if (op !== "add" && op !== "mul") throw new RangeError(`op must be "add" or "mul", got ${String(op)}`);
  const n = p * p;
  const x = new Float64Array(n * 2 * p);
  const labels = new Int32Array(n);
  const pairs = new Int32Array(2 * n);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      const i = a * p + b;
      x[i * 2 * p + a] = 1;
      x[i * 2 * p + p + b] = 1;
      labels[i] = op === "add" ? (a + b) % p : (a * b) % p;
      pairs[2 * i] = a;
      pairs[2 * i + 1] = b;
    }
  }
  const all = { x: new Tensor(x, [n, 2 * p]), y: oneHot(labels, p), labels, meta: { task: `modular-${op}`, p, op } };
  const { train, test, trainIndices, testIndices } = splitDataset(rng, all, trainFraction);
  return { all, train, test, pairs, trainIndices, testIndices };
}
