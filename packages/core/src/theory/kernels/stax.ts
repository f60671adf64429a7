/**
 * Analytic infinite-width kernels of fully connected networks, composed layer by layer in the
 * style of neural-tangents' stax (Novak et al., arXiv 1912.02803): each layer maps the kernel
 * state {nngp, ntk, and the two diagonals} of its inputs to that of its outputs, so a new layer is
 * one rule. NTK parametrization: z = (sigma_w / sqrt(n)) W h + sigma_b b with W, b ~ N(0, 1).
 *
 * For inputs X1 (n1, d), X2 (n2, d) the state holds the cross matrices (n1, n2) and the
 * variances of each input (n1) and (n2), as plain Float64Arrays.
 */
export interface KernelState {
  n1: number;
  n2: number;
  nngp: Float64Array;
  ntk: Float64Array;
  var1: Float64Array;
  var2: Float64Array;
  /** NTK diagonals (needed when composing nonlinearities). */
  ntk1: Float64Array;
  ntk2: Float64Array;
}

export type KernelLayer = (s: KernelState) => KernelState;

/** Dense layer: nngp' = sigma_w^2 nngp + sigma_b^2, ntk' = nngp' + sigma_w^2 ntk. */
export function Dense(sigmaW = 1, sigmaB = 0): KernelLayer {
  const w2 = sigmaW * sigmaW;
  const b2 = sigmaB * sigmaB;
  const f = (a: Float64Array, t: Float64Array) => {
    const nn = a.map((v) => w2 * v + b2);
    return [nn, nn.map((v, i) => v + w2 * t[i])];
  };
  return (s) => {
    const [nngp, ntk] = f(s.nngp, s.ntk);
    const [var1, ntk1] = f(s.var1, s.ntk1);
    const [var2, ntk2] = f(s.var2, s.ntk2);
    return { ...s, nngp, ntk, var1, ntk1, var2, ntk2 };
  };
}

/**
 * A pointwise nonlinearity given by its Gaussian expectations: for (u, v) ~ N(0, [[q1, c], [c, q2]]),
 * `e(q1, q2, c)` = E[phi(u) phi(v)] and `ed(q1, q2, c)` = E[phi'(u) phi'(v)];
 * nngp' = e, ntk' = ed * ntk.
 */
export function Elementwise(e: (q1: number, q2: number, c: number) => number, ed: (q1: number, q2: number, c: number) => number): KernelLayer {
  return (s) => {
    const { n1, n2 } = s;
    const nngp = new Float64Array(n1 * n2);
    const ntk = new Float64Array(n1 * n2);
    for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) {
      const q1 = s.var1[i];
      const q2 = s.var2[j];
      const c = s.nngp[i * n2 + j];
      nngp[i * n2 + j] = e(q1, q2, c);
      ntk[i * n2 + j] = ed(q1, q2, c) * s.ntk[i * n2 + j];
    }
    const diag = (v: Float64Array, t: Float64Array) => [v.map((q) => e(q, q, q)), t.map((tt, i) => ed(v[i], v[i], v[i]) * tt)];
    const [var1, ntk1] = diag(s.var1, s.ntk1);
    const [var2, ntk2] = diag(s.var2, s.ntk2);
    return { ...s, nngp, ntk, var1, ntk1, var2, ntk2 };
  };
}

function angle(q1: number, q2: number, c: number): number {
  const r = q1 > 0 && q2 > 0 ? c / Math.sqrt(q1 * q2) : 0;
  return Math.acos(Math.min(1, Math.max(-1, r)));
}

/** ReLU: arc-cosine kernels of degree 1 and 0 (Cho & Saul 2009). */
export const Relu = (): KernelLayer =>
  Elementwise(
    (q1, q2, c) => {
      const th = angle(q1, q2, c);
      return (Math.sqrt(q1 * q2) * (Math.sin(th) + (Math.PI - th) * Math.cos(th))) / (2 * Math.PI);
    },
    (q1, q2, c) => (Math.PI - angle(q1, q2, c)) / (2 * Math.PI),
  );

/** erf: E[erf u erf v] = (2/pi) asin(2c / sqrt((1 + 2 q1)(1 + 2 q2))) (Williams 1997). */
export const Erf = (): KernelLayer =>
  Elementwise(
    (q1, q2, c) => (2 / Math.PI) * Math.asin((2 * c) / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2))),
    (q1, q2, c) => 4 / Math.PI / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * c * c),
  );

/** Identity (linear activation). */
export const Identity = (): KernelLayer => (s) => s;

/** Serial composition of layers. */
export function serial(...layers: KernelLayer[]): KernelLayer {
  return (s) => layers.reduce((acc, l) => l(acc), s);
}

/**
 * Evaluates a composed kernel on row-major inputs x1 (n1, d), x2 (n2, d): the input state is
 * nngp = x1 x2^T / d, ntk = 0. Returns the (n1, n2) NNGP and NTK matrices.
 */
export function kernelFn(layer: KernelLayer, x1: { data: ArrayLike<number>; shape: readonly number[] }, x2 = x1): { nngp: Float64Array; ntk: Float64Array } {
  const [n1, d] = x1.shape;
  const n2 = x2.shape[0];
  if (x2.shape[1] !== d) throw new RangeError(`kernelFn: inputs have ${d} and ${x2.shape[1]} features`);
  const dot = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
    return s / d;
  };
  const nngp = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) nngp[i * n2 + j] = dot(x1.data, i, x2.data, j);
  const var1 = Float64Array.from({ length: n1 }, (_, i) => dot(x1.data, i, x1.data, i));
  const var2 = Float64Array.from({ length: n2 }, (_, j) => dot(x2.data, j, x2.data, j));
  const out = layer({ n1, n2, nngp, ntk: new Float64Array(n1 * n2), var1, var2, ntk1: new Float64Array(n1), ntk2: new Float64Array(n2) });
  return { nngp: out.nngp, ntk: out.ntk };
}
