// Small dense row-major square-matrix helpers for representation matrices (plain Float64Arrays;
// no gradients needed).
import { matMulRowMajor, transposeRowMajor } from "../../linalg/row-major.js";

/** The product a b of two (d, d) matrices. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  return matMulRowMajor(a, b, d, d, d);
}

/** The transpose of a (d, d) matrix. */
export function transposed(a: ArrayLike<number>, d: number): Float64Array {
  return transposeRowMajor(a, d, d);
}

/** The Kronecker product a (x) b of a (da, da) and b (db, db): (da db, da db). */
export function kron(a: ArrayLike<number>, da: number, b: ArrayLike<number>, db: number): Float64Array {
  const d = da * db;
  const out = new Float64Array(d * d);
  for (let i = 0; i < da; i++) for (let j = 0; j < da; j++) {
    const aij = a[i * da + j];
    if (aij === 0) continue;
    for (let k = 0; k < db; k++) for (let l = 0; l < db; l++) out[(i * db + k) * d + j * db + l] = aij * b[k * db + l];
  }
  return out;
}

/** The (d, d) identity. */
export function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** The trace of a (d, d) matrix. */
export function trace(a: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i * d + i];
  return s;
}

/** The rotation by theta, [[cos, -sin], [sin, cos]]. */
export function rotation(theta: number): Float64Array {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return Float64Array.of(c, -s, s, c);
}

/**
 * An orthonormal basis of the column space of a symmetric projector p (d, d) of rank r, by
 * Gram-Schmidt over its columns (dropping columns whose remainder is below 1e-9): (d, r) row-major.
 */
export function projectorBasis(p: ArrayLike<number>, d: number, r: number): Float64Array {
  const cols: Float64Array[] = [];
  for (let j = 0; j < d && cols.length < r; j++) {
    const v = Float64Array.from({ length: d }, (_, i) => p[i * d + j]);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += u[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm > 1e-9) cols.push(v.map((x) => x / norm));
  }
  if (cols.length !== r) throw new Error(`projector has rank ${cols.length}, expected ${r}`);
  const b = new Float64Array(d * r);
  cols.forEach((u, c) => u.forEach((x, i) => (b[i * r + c] = x)));
  return b;
}

/** B^T M B for M (d, d) and B (d, r) with orthonormal columns: (r, r). */
export function restrict(m: ArrayLike<number>, b: ArrayLike<number>, d: number, r: number): Float64Array {
  const mb = new Float64Array(d * r);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const mik = m[i * d + k];
    if (mik === 0) continue;
    for (let c = 0; c < r; c++) mb[i * r + c] += mik * b[k * r + c];
  }
  const out = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += b[i * r + a] * mb[i * r + c];
    out[a * r + c] = s;
  }
  return out;
}
