import { broadcastStrides, sizeOf, stridesOf, type Shape } from "../tensor/shape.js";
import type { PrimParams } from "../prim/primitives.js";

/**
 * The layout of a batched matmul op(A) @ op(B) -> (..., m, n): the matrix sizes and, for each
 * output batch element in row-major order, the element offsets of its A and B matrices (batch
 * dimensions broadcast). Shared by every backend's matmul kernel.
 */
export interface MatmulLayout {
  m: number;
  n: number;
  k: number;
  batches: number;
  offsetsA: Int32Array;
  offsetsB: Int32Array;
}

export function matmulLayout(shapes: readonly Shape[], params: PrimParams["matmul"], outShape: Shape): MatmulLayout {
  const [sa, sb] = shapes;
  const m = outShape[outShape.length - 2];
  const n = outShape[outShape.length - 1];
  const k = params.transA ? sa[sa.length - 2] : sa[sa.length - 1];
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const ba = broadcastStrides(sa.slice(0, -2), batchShape);
  const bb = broadcastStrides(sb.slice(0, -2), batchShape);
  const bstr = stridesOf(batchShape);
  const offsetsA = new Int32Array(batches);
  const offsetsB = new Int32Array(batches);
  for (let i = 0; i < batches; i++) {
    let r = i;
    let oa = 0;
    let ob = 0;
    for (let d = 0; d < batchShape.length; d++) {
      const idx = Math.floor(r / bstr[d]);
      r -= idx * bstr[d];
      oa += idx * ba[d];
      ob += idx * bb[d];
    }
    offsetsA[i] = oa * m * k;
    offsetsB[i] = ob * k * n;
  }
  return { m, n, k, batches, offsetsA, offsetsB };
}
