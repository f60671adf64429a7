import type { KernelLayer, KernelState } from "./state.js";

/**
 * Gaussian expectation of a pointwise function pair over (u, v) ~ N(0, [[q1, c], [c, q2]]):
 * arguments (q1, q2, c).
 */
export type GaussianExpectation = (q1: number, q2: number, c: number) => number;

/**
 * A pointwise nonlinearity phi given by two Gaussian expectations, `nngpFn` = E[phi(u) phi(v)] and
 * `derivativeFn` = E[phi'(u) phi'(v)], over (u, v) ~ N(0, [[q1, c], [c, q2]]). Rule:
 * nngp' = E[phi phi], ntk' = E[phi' phi'] * ntk (no parameters of its own).
 */
export function Elementwise(nngpFn: GaussianExpectation, derivativeFn: GaussianExpectation): KernelLayer {
  return (s: KernelState): KernelState => {
    const { n1, n2 } = s;
    const nngp = new Float64Array(n1 * n2);
    const ntk = new Float64Array(n1 * n2);
    for (let i = 0; i < n1; i++) {
      const q1 = s.var1[i];
      for (let j = 0; j < n2; j++) {
        const q2 = s.var2[j];
        const c = s.nngp[i * n2 + j];
        nngp[i * n2 + j] = nngpFn(q1, q2, c);
        ntk[i * n2 + j] = derivativeFn(q1, q2, c) * s.ntk[i * n2 + j];
      }
    }
    const diagonal = (q: Float64Array, theta: Float64Array): [Float64Array, Float64Array] => [
      q.map((v) => nngpFn(v, v, v)),
      theta.map((t, i) => derivativeFn(q[i], q[i], q[i]) * t),
    ];
    const [var1, ntk1] = diagonal(s.var1, s.ntk1);
    const [var2, ntk2] = diagonal(s.var2, s.ntk2);
    return { ...s, nngp, ntk, var1, ntk1, var2, ntk2 };
  };
}

/** Angle theta = arccos(c / sqrt(q1 q2)) in [0, pi] (pi/2 when a variance is 0). */
function angle(q1: number, q2: number, c: number): number {
  const r = q1 > 0 && q2 > 0 ? c / Math.sqrt(q1 * q2) : 0;
  return Math.acos(Math.min(1, Math.max(-1, r)));
}

/**
 * ReLU: the arc-cosine kernels of degree 1 and 0 (Cho & Saul 2009):
 * E[relu(u) relu(v)] = sqrt(q1 q2) (sin theta + (pi - theta) cos theta) / (2 pi),
 * E[step(u) step(v)] = (pi - theta) / (2 pi), theta = arccos(c / sqrt(q1 q2)).
 */
export const Relu = (): KernelLayer =>
  Elementwise(
    (q1, q2, c) => {
      const theta = angle(q1, q2, c);
      return (Math.sqrt(q1 * q2) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI);
    },
    (q1, q2, c) => (Math.PI - angle(q1, q2, c)) / (2 * Math.PI),
  );

/**
 * erf (Williams 1997): E[erf(u) erf(v)] = (2/pi) asin(2c / sqrt((1 + 2 q1)(1 + 2 q2))) and, with
 * erf'(u) = (2/sqrt(pi)) exp(-u^2), E[erf'(u) erf'(v)] = (4/pi) / sqrt((1 + 2 q1)(1 + 2 q2) - 4 c^2).
 */
export const Erf = (): KernelLayer =>
  Elementwise(
    (q1, q2, c) => (2 / Math.PI) * Math.asin((2 * c) / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2))),
    (q1, q2, c) => 4 / Math.PI / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * c * c),
  );

/**
 * Quadratic phi(u) = u^2 (Isserlis): E[u^2 v^2] = q1 q2 + 2 c^2, E[2u 2v] = 4c. The activation of
 * the quadratic networks in AGF's modular-addition setting (arXiv 2506.06489).
 */
export const Quadratic = (): KernelLayer =>
  Elementwise(
    (q1, q2, c) => q1 * q2 + 2 * c * c,
    (_q1, _q2, c) => 4 * c,
  );

/** Identity (linear activation): the state passes through unchanged. */
export const Identity = (): KernelLayer => (s) => s;
