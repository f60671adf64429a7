import { Tensor } from "../../tensor/tensor.js";
import type { Rng } from "../../tensor/rng.js";
import type { Dataset } from "../dataset.js";
import type { FiniteGroup } from "./group.js";
import { translateTemplate } from "./template.js";

/** Sequences g_1..g_k of group elements and their ordered products. */
export interface CompositionSequences {
  /** (count, k) element indices, row-major. */
  sequences: Int32Array;
  /** (count) the product g_1 g_2 ... g_k of each sequence. */
  products: Int32Array;
  k: number;
}

const MAX_EXHAUSTIVE = 5_000_000;

/**
 * Sequences for sequential group composition (arXiv 2602.03655): without `sample`, all |G|^k
 * sequences in lexicographic order (g_1 slowest; for k = 2 row g_1 |G| + g_2); with
 * `sample: {rng, count}`, `count` sequences of independent uniform elements. The label is the
 * ordered product g_1 g_2 ... g_k (for abelian groups the order does not matter; for Z_p and
 * k = 2 it is modular addition).
 */
export function groupCompositionSequences(group: FiniteGroup, k: number, sample?: { rng: Rng; count: number }): CompositionSequences {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`sequence length k must be an integer >= 1, got ${k}`);
  const n = group.order;
  let count: number;
  if (sample) {
    count = sample.count;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`sample.count must be an integer >= 1, got ${count}`);
  } else {
    count = n ** k;
    if (count > MAX_EXHAUSTIVE) throw new RangeError(`exhaustive sequences would be |G|^k = ${n}^${k} = ${count} > ${MAX_EXHAUSTIVE}; pass sample: {rng, count}`);
  }
  const sequences = new Int32Array(count * k);
  const products = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    let code = s;
    for (let j = k - 1; j >= 0; j--) {
      if (sample) sequences[s * k + j] = sample.rng.nextInt(0, n);
      else {
        sequences[s * k + j] = code % n;
        code = Math.floor(code / n);
      }
    }
    let acc = group.identity;
    for (let j = 0; j < k; j++) acc = group.mul[acc * n + sequences[s * k + j]];
    products[s] = acc;
  }
  return { sequences, products, k };
}

/**
 * The sequential group composition task (arXiv 2602.03655): each sequence g_1..g_k is encoded by
 * the translated templates, x = [x_(g_1), ..., x_(g_k)] (n, k |G|), and the target is the encoding
 * of the product, y = x_(g_1 ... g_k) (n, |G|), with x_g(h) = x(g^-1 h) (`translateTemplate`); labels
 * are the products. The template is usually mean-centred with chosen powers (`groupTemplate`); the
 * one-hot template e_identity gives one-hot encodings. (The reference code accumulates
 * rho(g_j) rho(acc), i.e. the product in reverse order; for non-abelian groups that is this task
 * on reversed sequences.)
 */
export function groupCompositionDataset(group: FiniteGroup, template: ArrayLike<number>, cfg: { k: number; sample?: { rng: Rng; count: number } }): Dataset & CompositionSequences & { labels: Int32Array } {
  const n = group.order;
  if (template.length !== n) throw new RangeError(`template has ${template.length} values, but ${group.name} has ${n} elements`);
  const seq = groupCompositionSequences(group, cfg.k, cfg.sample);
  const { k, sequences, products } = seq;
  const count = products.length;
  const encodings = Array.from({ length: n }, (_, g) => translateTemplate(group, template, g));
  const x = new Float64Array(count * k * n);
  const y = new Float64Array(count * n);
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < k; j++) x.set(encodings[sequences[s * k + j]], (s * k + j) * n);
    y.set(encodings[products[s]], s * n);
  }
  return {
    x: new Tensor(x, [count, k * n]),
    y: new Tensor(y, [count, n]),
    labels: products,
    ...seq,
    meta: { task: "group-composition", group: group.name, k, count, sampled: cfg.sample !== undefined },
  };
}
