/**
 * Adversarial attacks on kernel predictors and their eigen-features (Tsilivis & Kempe,
 * arXiv 2210.05577). For a kernel Theta with training Gram Theta(X, X) = sum_i lambda_i v_i v_i^T:
 *   kernel predictor   f(x) = Theta(x, X) Theta(X, X)^-1 Y
 *   eigen-feature i    f_i(x) = lambda_i^-1 Theta(x, X) v_i v_i^T Y    (f = sum_i f_i)
 *   FGSM (binary, +-1 labels, L_inf radius eps)  x_adv = x - eps y sign(grad_x f(x))
 *   PGD: repeated FGSM steps of size `step`, projected onto the eps-ball around x.
 * The input gradient of Theta(x, X) is taken by central differences of `kernelRow` (exact kernels
 * are plain functions of arrays here), once per input coordinate, and reused for every feature.
 */
export type KernelRows = (x: Float64Array, nx: number) => Float64Array; // (nx, nTrain) rows Theta(x_j, X)

/** d/dx_c Theta(x_j, X) for every test point j and coordinate c: returns c -> (nx, nTrain). */
export function kernelRowGradients(kernelRow: KernelRows, x: Float64Array, nx: number, d: number, h = 1e-5): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < d; c++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    for (let j = 0; j < nx; j++) {
      xp[j * d + c] += h;
      xm[j * d + c] -= h;
    }
    const kp = kernelRow(xp, nx);
    const km = kernelRow(xm, nx);
    out.push(kp.map((v, i) => (v - km[i]) / (2 * h)));
  }
  return out;
}

/** grad_x of f(x) = Theta(x, X) beta at each point: (nx, d). */
export function predictorInputGradient(rowGrads: Float64Array[], beta: Float64Array, nx: number): Float64Array {
  const d = rowGrads.length;
  const n = beta.length;
  const g = new Float64Array(nx * d);
  for (let c = 0; c < d; c++) {
    const D = rowGrads[c];
    for (let j = 0; j < nx; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += D[j * n + i] * beta[i];
      g[j * d + c] = s;
    }
  }
  return g;
}

/** One FGSM step x - eps y sign(grad) for binary labels y in {-1, +1}. */
export function fgsm(x: Float64Array, grad: Float64Array, y: ArrayLike<number>, eps: number, d: number): Float64Array {
  return x.map((v, k) => v - eps * y[Math.floor(k / d)] * Math.sign(grad[k]));
}

/** PGD on a predictor whose input gradient at any inputs `gradAt` returns: L_inf ball of radius eps. */
export function pgd(x: Float64Array, gradAt: (z: Float64Array) => Float64Array, y: ArrayLike<number>, eps: number, step: number, iters: number, d: number): Float64Array {
  let z = Float64Array.from(x);
  for (let it = 0; it < iters; it++) {
    const g = gradAt(z);
    z = z.map((v, k) => {
      const moved = v - step * y[Math.floor(k / d)] * Math.sign(g[k]);
      return Math.min(x[k] + eps, Math.max(x[k] - eps, moved));
    });
  }
  return z;
}

/** Fraction of points where sign(f) = y. */
export function accuracy(f: ArrayLike<number>, y: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if ((f[i] >= 0 ? 1 : -1) === y[i]) c++;
  return c / y.length;
}

/** Spearman rank correlation of two equal-length samples (average ranks for ties). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (v: ArrayLike<number>) => {
    const idx = Array.from({ length: v.length }, (_, i) => i).sort((p, q) => v[p] - v[q]);
    const r = new Float64Array(v.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = ra.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}
