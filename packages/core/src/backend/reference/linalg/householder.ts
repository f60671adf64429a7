/**
 * Householder reflections on row-major matrices, H = I - beta v v^T with beta = 2 / (v.v),
 * applied so that every inner loop runs along a contiguous row.
 */

/**
 * Builds the reflector that maps x = w[from.., col] (a column of the row-major m x n matrix w)
 * to alpha e_1 with alpha = -sign(x_1) ||x|| (the sign that avoids cancellation):
 * v = x - alpha e_1 is written to v[from..m-1], the column of w is overwritten with
 * (alpha, 0, ..., 0), and beta = 2 / (v.v) = 1 / (||x|| (||x|| + |x_1|)) is returned
 * (0 when x = 0, in which case H = I and v = 0).
 */
export function reflectColumn(w: Float64Array, m: number, n: number, col: number, from: number, v: Float64Array): number {
  let scale = 0;
  for (let i = from; i < m; i++) scale = Math.max(scale, Math.abs(w[i * n + col]));
  if (scale === 0) {
    for (let i = from; i < m; i++) v[i] = 0;
    return 0;
  }
  let ss = 0;
  for (let i = from; i < m; i++) {
    const x = w[i * n + col] / scale;
    ss += x * x;
  }
  const norm = scale * Math.sqrt(ss);
  const x0 = w[from * n + col];
  const alpha = x0 >= 0 ? -norm : norm;
  v[from] = x0 - alpha;
  for (let i = from + 1; i < m; i++) {
    v[i] = w[i * n + col];
    w[i * n + col] = 0;
  }
  w[from * n + col] = alpha;
  return 1 / (norm * (norm + Math.abs(x0)));
}

/**
 * W <- H W on the block rows from..m-1, columns colFrom..n-1 of the row-major matrix w (n columns):
 * y = v^T W (accumulated row by row), then W -= beta v y. `y` is scratch of length >= n.
 */
export function reflectRows(
  w: Float64Array, m: number, n: number, v: Float64Array, beta: number, from: number, colFrom: number, y: Float64Array,
): void {
  if (beta === 0 || colFrom >= n) return;
  for (let j = colFrom; j < n; j++) y[j] = 0;
  for (let i = from; i < m; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const ri = i * n;
    for (let j = colFrom; j < n; j++) y[j] += vi * w[ri + j];
  }
  for (let i = from; i < m; i++) {
    const f = beta * v[i];
    if (f === 0) continue;
    const ri = i * n;
    for (let j = colFrom; j < n; j++) w[ri + j] -= f * y[j];
  }
}
