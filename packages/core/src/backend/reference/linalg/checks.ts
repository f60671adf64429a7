/**
 * Argument checks shared by the reference linear-algebra kernels. Each throws a RangeError that
 * names the kernel, the field, the value and what is allowed.
 */

/** Checks that `value` is a non-negative integer dimension. */
export function checkDimension(who: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${who}: ${field} must be a non-negative integer, got ${value}`);
  }
}

/** Checks that `buffer` holds at least rows x cols entries. */
export function checkBuffer(who: string, field: string, buffer: ArrayLike<number>, rows: number, cols: number): void {
  if (buffer.length < rows * cols) {
    throw new RangeError(`${who}: ${field} has ${buffer.length} entries, but a ${rows} x ${cols} matrix needs ${rows * cols}`);
  }
}

/**
 * Checks that every entry of the row-major rows x cols matrix `a` is finite (only the lower
 * triangle when `lowerOnly`), since the iterative eigen/singular value solvers cannot converge
 * on NaN or infinity.
 */
export function checkFinite(who: string, a: Float64Array, rows: number, cols: number, lowerOnly = false): void {
  for (let i = 0; i < rows; i++) {
    const end = lowerOnly ? Math.min(i + 1, cols) : cols;
    for (let j = 0; j < end; j++) {
      const x = a[i * cols + j];
      if (!Number.isFinite(x)) throw new RangeError(`${who}: entry (${i}, ${j}) of the matrix is ${x}; entries must be finite`);
    }
  }
}
