/**
 * Fills the rows of x (rows x len, row-major) not marked in `filled` with unit vectors orthogonal
 * to every other row, so that x has orthonormal rows when the marked ones already are. Candidates
 * are the standard basis vectors e_0, e_1, ..., each orthogonalised against the rows kept so far
 * by two passes of Gram-Schmidt and accepted when at least half its length survives (at most
 * `len` candidates in total, so this always succeeds when rows <= len).
 * Used where a rank-deficient factorisation leaves singular vectors undetermined.
 */
export function completeOrthonormalRows(x: Float64Array, rows: number, len: number, filled: readonly boolean[]): void {
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) if (filled[r]) kept.push(r);
  const candidate = new Float64Array(len);
  let basis = 0;
  for (let r = 0; r < rows; r++) {
    if (filled[r]) continue;
    let done = false;
    while (!done && basis < len) {
      candidate.fill(0);
      candidate[basis++] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const k of kept) {
          const rk = k * len;
          let dot = 0;
          for (let i = 0; i < len; i++) dot += x[rk + i] * candidate[i];
          for (let i = 0; i < len; i++) candidate[i] -= dot * x[rk + i];
        }
      }
      let norm = 0;
      for (let i = 0; i < len; i++) norm += candidate[i] * candidate[i];
      norm = Math.sqrt(norm);
      if (norm > 0.5) {
        const rr = r * len;
        for (let i = 0; i < len; i++) x[rr + i] = candidate[i] / norm;
        kept.push(r);
        done = true;
      }
    }
    if (!done) throw new Error(`completeOrthonormalRows: cannot complete ${rows} orthonormal rows of length ${len}`);
  }
}
