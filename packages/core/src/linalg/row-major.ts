/**
 * Products and transposes of small dense matrices held as row-major Float64Arrays (no tensors, no
 * gradients): for closed forms and symmetry maps that work on plain numbers. Tensor code uses
 * `matmul`/`transpose` from ops instead (backend-dispatched, differentiable).
 */

/** C = A B with A (m, k) and B (k, n), row-major; C is (m, n). */
export function matMulRowMajor(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l];
      if (ail === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += ail * b[l * n + j];
    }
  }
  return c;
}

/** A^T (n, m) for A (m, n), row-major. */
export function transposeRowMajor(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}
