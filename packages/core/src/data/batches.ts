import type { Rng } from "../tensor/rng.js";
import { requireInt } from "./validate.js";

/**
 * Minibatch row indices: each epoch draws a fresh seeded permutation of 0..n-1 from `rng` and
 * yields consecutive slices of `batchSize` (the last one of an epoch is shorter when batchSize
 * does not divide n, unless `dropLast`). Runs for `epochs` epochs (default: forever). Use with
 * `takeRows(data, indices)`.
 */
export function* batches(rng: Rng, n: number, batchSize: number, { epochs = Infinity, dropLast = false }: { epochs?: number; dropLast?: boolean } = {}): Generator<Int32Array> {
  requireInt("n", n);
  requireInt("batchSize", batchSize);
  if (!(epochs >= 0)) throw new RangeError(`epochs must be >= 0, got ${epochs}`);
  if (dropLast && batchSize > n) throw new RangeError(`batchSize ${batchSize} exceeds n = ${n} with dropLast: no batch would be produced`);
  for (let e = 0; e < epochs; e++) {
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i += batchSize) {
      if (dropLast && i + batchSize > n) break;
      yield perm.slice(i, Math.min(n, i + batchSize));
    }
  }
}

/**
 * The minibatch of training step `step` without hidden state, so a resumed run gets the same
 * batches: with B = ceil(n / batchSize) batches per epoch, step s belongs to epoch floor(s / B)
 * whose permutation is `rng.fork(epoch)` (fork does not advance `rng`), and is its (s mod B)-th
 * slice. Costs one O(n) permutation per call.
 */
export function batchAt(rng: Rng, n: number, batchSize: number, step: number): Int32Array {
  requireInt("n", n);
  requireInt("batchSize", batchSize);
  requireInt("step", step, 0);
  const perEpoch = Math.ceil(n / batchSize);
  const epoch = Math.floor(step / perEpoch);
  const start = (step % perEpoch) * batchSize;
  return rng.fork(epoch).permutation(n).slice(start, Math.min(n, start + batchSize));
}
