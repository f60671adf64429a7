import * as S from "@saddle/core";
import type { Rng, Tensor, TransformerBlock, TransformerParams } from "@saddle/core";

/**
 * The continuous symmetries of softmax attention in Saddle's `transformer` (Silverstein, Kunin,
 * Shyam, arXiv 2601.22257, section "symmetries"), as maps on the parameter tree.
 *
 * Layout (core/src/models/transformer.ts): per block, qkv = x wqkv + bqkv with wqkv (d, 3d),
 * bqkv (3d); head h of query / key / value uses columns [s d + h dh, s d + (h + 1) dh) for
 * sector s = 0 / 1 / 2; the head outputs are concatenated and multiplied by wo (d, d), whose rows
 * [h dh, (h + 1) dh) belong to head h. The augmented matrix of a sector is
 * W~ = [W; b] ((d + 1), dh): the weight columns with the bias as an extra row.
 *
 * - Q-K sector: W~_Q -> W~_Q R, W~_K -> W~_K R with R in O(dh) leaves every score
 *   q.k = (q R).(k R) and so the loss unchanged (more generally W~_K G^-T for W~_Q G).
 * - V-O sector: W~_V -> W~_V G, W_O^h -> G^-1 W_O^h with G in GL(dh) leaves every head output
 *   (softmax . v G) G^-1 W_O unchanged.
 * An unlearned per-batch query bias beta_Q (q -> q + beta_Q) breaks the first: (q R + beta_Q).(k R)
 * differs from (q + beta_Q).k; a value bias beta_V breaks the second the same way.
 */

/** Which third of wqkv: query, key or value. */
export type Sector = "query" | "key" | "value";
const SECTOR_OFFSET: Record<Sector, number> = { query: 0, key: 1, value: 2 };

/** Sizes the maps need: model width d and the number of heads (dh = d / heads). */
export interface HeadLayout {
  dModel: number;
  heads: number;
}

/** dh = d / heads. */
export function headDim(layout: HeadLayout): number {
  return layout.dModel / layout.heads;
}

/**
 * The augmented head matrix W~ = [W; b] of one sector of one head, (d + 1, dh) row-major, read
 * from a block (or from a tree shaped like a block, e.g. a velocity or a gradient).
 */
export function augmentedHead(block: Pick<TransformerBlock, "wqkv" | "bqkv">, sector: Sector, head: number, layout: HeadLayout): Float64Array {
  const d = layout.dModel;
  const dh = headDim(layout);
  const c0 = SECTOR_OFFSET[sector] * d + head * dh;
  const w = block.wqkv.data; // (d, 3d)
  const b = block.bqkv.data; // (3d)
  const out = new Float64Array((d + 1) * dh); // (d + 1, dh)
  for (let i = 0; i < d; i++) for (let j = 0; j < dh; j++) out[i * dh + j] = w[i * 3 * d + c0 + j];
  for (let j = 0; j < dh; j++) out[d * dh + j] = b[c0 + j];
  return out;
}

/** A copy of a block with fresh wqkv, bqkv, wo arrays (the other leaves are shared, they are never mutated). */
function cloneAttention(block: TransformerBlock): TransformerBlock {
  const copy = (t: Tensor) => new S.Tensor(Float64Array.from(t.data), t.shape);
  return { ...block, wqkv: copy(block.wqkv), bqkv: copy(block.bqkv), wo: copy(block.wo) };
}

/** Right-multiplies the columns of one sector of one head (weights and bias) by M (dh, dh), in place. */
function rightMultiplySector(block: TransformerBlock, sector: Sector, head: number, m: ArrayLike<number>, layout: HeadLayout): void {
  const d = layout.dModel;
  const dh = headDim(layout);
  const c0 = SECTOR_OFFSET[sector] * d + head * dh;
  const rotated = S.linalg.matMulRowMajor(augmentedHead(block, sector, head, layout), m, d + 1, dh, dh); // (d + 1, dh)
  const w = block.wqkv.data as Float64Array;
  const b = block.bqkv.data as Float64Array;
  for (let i = 0; i < d; i++) for (let j = 0; j < dh; j++) w[i * 3 * d + c0 + j] = rotated[i * dh + j];
  for (let j = 0; j < dh; j++) b[c0 + j] = rotated[d * dh + j];
}

/**
 * (W_Q|b_Q) -> (W_Q|b_Q) R and (W_K|b_K) -> (W_K|b_K) R for every layer and head, with
 * rotations[layer][head] an orthogonal (dh, dh) matrix (row-major). Returns new parameters.
 */
export function rotateQueryKey(params: TransformerParams, rotations: readonly (readonly Float64Array[])[], layout: HeadLayout): TransformerParams {
  const blocks = params.blocks.map((blk, l) => {
    const out = cloneAttention(blk);
    for (let h = 0; h < layout.heads; h++) {
      rightMultiplySector(out, "query", h, rotations[l][h], layout);
      rightMultiplySector(out, "key", h, rotations[l][h], layout);
    }
    return out;
  });
  return { ...params, blocks };
}

/**
 * (W_V|b_V) -> (W_V|b_V) G and W_O^h -> G^-1 W_O^h for every layer and head, with
 * maps[layer][head] = { g, gInv } invertible (dh, dh) matrices (row-major). Returns new parameters.
 */
export function transformValueOutput(params: TransformerParams, maps: readonly (readonly { g: Float64Array; gInv: Float64Array }[])[], layout: HeadLayout): TransformerParams {
  const d = layout.dModel;
  const dh = headDim(layout);
  const blocks = params.blocks.map((blk, l) => {
    const out = cloneAttention(blk);
    const wo = out.wo.data as Float64Array; // (d, d)
    for (let h = 0; h < layout.heads; h++) {
      const { g, gInv } = maps[l][h];
      rightMultiplySector(out, "value", h, g, layout);
      const rows = wo.slice(h * dh * d, (h + 1) * dh * d); // (dh, d)
      wo.set(S.linalg.matMulRowMajor(gInv, rows, dh, dh, d), h * dh * d);
    }
    return out;
  });
  return { ...params, blocks };
}

/** A Haar-random orthogonal (n, n) matrix: Q of the QR of a Gaussian matrix, columns sign-fixed by diag(R) > 0. */
export function randomOrthogonal(rng: Rng, n: number): Float64Array {
  const { q, r } = S.linalg.qr(S.normal(rng, [n, n]));
  const out = Float64Array.from(q.data); // (n, n)
  for (let j = 0; j < n; j++) if (r.data[j * n + j] < 0) for (let i = 0; i < n; i++) out[i * n + j] = -out[i * n + j];
  return out;
}

/** A random invertible (n, n) matrix G = I + scale Z / sqrt(n), Z Gaussian, and its inverse (LU solve). */
export function randomInvertible(rng: Rng, n: number, scale = 0.5): { g: Float64Array; gInv: Float64Array } {
  const z = S.normal(rng, [n, n]).data;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = (i === j ? 1 : 0) + (scale * z[i * n + j]) / Math.sqrt(n);
  const gInv = Float64Array.from(S.linalg.solve(new S.Tensor(g, [n, n]), S.eye(n)).data);
  return { g, gInv };
}
