import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { take } from "../ops/movement.js";
import { requireFraction } from "./validate.js";

/**
 * A supervised dataset as plain data: inputs x (n, d), targets y (n, k), optional integer class
 * labels (n) for classification tasks, and metadata describing how it was made (`task` names the
 * generator; the other keys are its settings).
 */
export interface Dataset {
  /** (n, d) inputs. */
  x: Tensor;
  /** (n, k) targets (one-hot rows for classification tasks). */
  y: Tensor;
  /** (n) integer class labels, when the task is a classification. */
  labels?: Int32Array;
  meta: { task: string } & Record<string, unknown>;
}

/** The number of examples (rows) of a dataset. */
export function datasetSize(data: Dataset): number {
  return data.x.shape[0];
}

/** A dataset's row subset keeps x, y, meta and (when present) labels; task-specific extras are dropped. */
export type DatasetRows<D extends Dataset> = D extends { labels: Int32Array } ? Dataset & { labels: Int32Array } : Dataset;

/**
 * The rows `indices` of a dataset (x, y and labels), in that order; meta is carried over, other
 * fields (per-row extras such as sequences) are not. Used with `batches` for minibatches and with
 * `splitDataset` for train/test parts.
 */
export function takeRows<D extends Dataset>(data: D, indices: ArrayLike<number>): DatasetRows<D> {
  const n = datasetSize(data);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new RangeError(`takeRows: index ${r} at position ${i} is outside 0..${n - 1}`);
  }
  const out: Dataset = { x: take(data.x, indices, 0), y: take(data.y, indices, 0), meta: data.meta };
  if (data.labels) out.labels = Int32Array.from(indices, (r) => data.labels![r]);
  return out as DatasetRows<D>;
}

/**
 * Splits a dataset into train and test parts by a seeded permutation: the first
 * floor(trainFraction * n) permuted rows form the train part (at least one row), the rest the
 * test part. floor matches the grokking setups (p = 61, fraction 0.5 gives 1860 train pairs).
 * Returns the parts and the row indices of each.
 */
export function splitDataset<D extends Dataset>(rng: Rng, data: D, trainFraction: number): { train: DatasetRows<D>; test: DatasetRows<D>; trainIndices: Int32Array; testIndices: Int32Array } {
  requireFraction("trainFraction", trainFraction);
  const n = datasetSize(data);
  const perm = rng.permutation(n);
  const nTrain = Math.max(1, Math.floor(trainFraction * n));
  const trainIndices = perm.slice(0, nTrain);
  const testIndices = perm.slice(nTrain);
  const part = (idx: Int32Array, name: string): DatasetRows<D> => ({ ...takeRows(data, idx), meta: { ...data.meta, part: name } });
  return { train: part(trainIndices, "train"), test: part(testIndices, "test"), trainIndices, testIndices };
}
