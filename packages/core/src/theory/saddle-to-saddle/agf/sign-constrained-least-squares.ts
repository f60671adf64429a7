import { pseudoSolveSymmetric } from "./dense.js";

/** Per-coordinate constraint: 1 = beta_i >= 0, -1 = beta_i <= 0, 0 = beta_i = 0, 2 = free. */
export type SignConstraint = -1 | 0 | 1 | 2;

/**
 * min_beta 1/2 |X beta - y|^2 subject to per-coordinate sign constraints, for X with n rows of
 * length d. Coordinates fixed at zero are dropped, those constrained to be <= 0 are sign-flipped,
 * and the rest is solved by the Lawson-Hanson active-set method (Solving Least Squares Problems,
 * 1974, ch. 23) on the normal equations, with free coordinates always in the passive set. Used by
 * the Pesme-Flammarion saddle-to-saddle algorithm (arXiv 2304.00488).
 */
export function signConstrainedLeastSquares(x: readonly ArrayLike<number>[], y: ArrayLike<number>, constraints: readonly SignConstraint[]): Float64Array {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`signConstrainedLeastSquares: y has length ${y.length}, expected one entry per row of x (${n})`);
  const d = constraints.length;
  x.forEach((row, i) => {
    if (row.length !== d) throw new RangeError(`signConstrainedLeastSquares: x[${i}] has length ${row.length}, expected ${d} (one per constraint)`);
  });
  constraints.forEach((c, i) => {
    if (c !== -1 && c !== 0 && c !== 1 && c !== 2) throw new RangeError(`constraints[${i}] must be -1, 0, 1 or 2, got ${c}`);
  });
  const idx = constraints.map((c, i) => (c === 0 ? -1 : i)).filter((i) => i >= 0);
  const m = idx.length;
  const sgn = idx.map((i) => (constraints[i] === -1 ? -1 : 1));
  const free = idx.map((i) => constraints[i] === 2);
  // Gram form: A = X'^T X', b = X'^T y over the kept (sign-flipped) columns.
  const A = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const row = x[r];
    for (let a = 0; a < m; a++) {
      const xa = sgn[a] * row[idx[a]];
      b[a] += xa * y[r];
      for (let c = 0; c < m; c++) A[a * m + c] += xa * sgn[c] * row[idx[c]];
    }
  }
  let scale = 0;
  for (let a = 0; a < m; a++) scale = Math.max(scale, Math.abs(A[a * m + a]), Math.abs(b[a]));
  const tol = 1e-13 * Math.max(scale, 1e-300);
  const passive = free.slice();
  const beta = new Float64Array(m);
  const solvePassive = (): Float64Array => {
    const P = passive.map((p, a) => (p ? a : -1)).filter((a) => a >= 0);
    const sub = new Float64Array(P.length * P.length);
    const rhs = new Float64Array(P.length);
    P.forEach((a, u) => {
      rhs[u] = b[a];
      P.forEach((c, v) => (sub[u * P.length + v] = A[a * m + c]));
    });
    const sol = pseudoSolveSymmetric(sub, rhs, P.length);
    const z = new Float64Array(m);
    P.forEach((a, u) => (z[a] = sol[u]));
    return z;
  };
  if (passive.some((p) => p)) beta.set(solvePassive());
  for (let outer = 0; outer < 10 * m + 10; outer++) {
    let best = -1;
    let bestW = tol;
    for (let a = 0; a < m; a++) {
      if (passive[a]) continue;
      let w = b[a];
      for (let c = 0; c < m; c++) w -= A[a * m + c] * beta[c];
      if (w > bestW) {
        bestW = w;
        best = a;
      }
    }
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner < 10 * m + 10; inner++) {
      const z = solvePassive();
      let step = 1;
      let blocked = false;
      for (let a = 0; a < m; a++) {
        if (!passive[a] || free[a] || z[a] > 0) continue;
        blocked = true;
        const denom = beta[a] - z[a];
        step = Math.min(step, denom > 0 ? beta[a] / denom : 0);
      }
      if (!blocked) {
        beta.set(z);
        break;
      }
      for (let a = 0; a < m; a++) beta[a] += step * (z[a] - beta[a]);
      for (let a = 0; a < m; a++) {
        if (passive[a] && !free[a] && beta[a] <= 1e-15 * (1 + Math.abs(z[a]))) {
          passive[a] = false;
          beta[a] = 0;
        }
      }
    }
  }
  const out = new Float64Array(d);
  idx.forEach((i, a) => (out[i] = sgn[a] * beta[a]));
  return out;
}
