import { Tensor } from "../../../tensor/tensor.js";

/**
 * NTK of the two-layer linear network y = x W1 W2 (row convention; Domine et al., arXiv 2409.14623)
 * on the basis inputs x = e_a: K((a, i), (b, j)) = (W1 W1^T)_{ab} delta_ij + delta_ab (W2^T W2)_{ij},
 * i.e. K = (W1 W1^T) (x) I_k + I_d (x) (W2^T W2), a (d k, d k) matrix indexed a * k + i. (The paper's
 * column convention writes x^T W1^T W1 x' delta_ij + x^T x' (W2 W2^T)_ij.) For any inputs X the kernel
 * is (X (x) I) K (X (x) I)^T, so the basis kernel holds all of it.
 */
export function linearNetworkNtk(w1: Tensor, w2: Tensor): Tensor {
  const [d, h] = w1.shape;
  const k = w2.shape[1];
  const n = d * k;
  const out = new Float64Array(n * n);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let g = 0;
    for (let c = 0; c < h; c++) g += w1.data[a * h + c] * w1.data[b * h + c];
    for (let i = 0; i < k; i++) out[(a * k + i) * n + b * k + i] += g;
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let g = 0;
    for (let c = 0; c < h; c++) g += w2.data[c * k + i] * w2.data[c * k + j];
    for (let a = 0; a < d; a++) out[(a * k + i) * n + a * k + j] += g;
  }
  return new Tensor(out, [n, n]);
}
