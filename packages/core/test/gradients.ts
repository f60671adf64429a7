import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { PRIMS, type Prim, Tensor, Rng } from "@saddle/core";
import { checkVjp, checkJvp, checkHvp } from "./helpers/check-grads.js";

/**
 * The gradient table: one row per primitive (every primitive must have one; a test enumerates
 * PRIMS) plus rows for composites. Each row is a function of float64 tensors and the domains of
 * its inputs. Every row gets: the adjoint identity <u, J v> = <J^T u, v> against central
 * differences in random directions, forward mode (jvp) against central differences, and a
 * second-order check (HVP of <u, f(x)> against differences of gradients), which exercises the
 * VJP rules' own differentiability.
 */
export interface GradRow {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  /** Input shapes and sampling domains; `signed` draws |x| in the domain with a random sign. */
  inputs: { shape: number[]; domain?: [number, number]; signed?: boolean }[];
  /** Relative tolerance of the first-order checks (default 1e-7). */
  rtol?: number;
  /** Skip the second-order check (piecewise-linear functions have zero or undefined curvature). */
  firstOrderOnly?: boolean;
  /** Step for central differences (default 1e-5). */
  eps?: number;
}

const pos: [number, number] = [0.5, 2];
const away: { domain: [number, number]; signed: true } = { domain: [0.3, 2], signed: true };
const m34 = { shape: [3, 4] };

export const PRIM_GRADS: { [P in Prim]: GradRow[] } = {
  neg: [{ name: "neg", f: S.neg, inputs: [m34] }],
  recip: [{ name: "recip", f: S.recip, inputs: [{ shape: [3, 4], ...away }] }],
  exp: [{ name: "exp", f: S.exp, inputs: [m34] }],
  expm1: [{ name: "expm1", f: S.expm1, inputs: [m34] }],
  log: [{ name: "log", f: S.log, inputs: [{ shape: [3, 4], domain: pos }] }],
  log1p: [{ name: "log1p", f: S.log1p, inputs: [{ shape: [3, 4], domain: [-0.5, 2] }] }],
  sqrt: [{ name: "sqrt", f: S.sqrt, inputs: [{ shape: [3, 4], domain: pos }] }],
  tanh: [{ name: "tanh", f: S.tanh, inputs: [m34] }],
  sin: [{ name: "sin", f: S.sin, inputs: [m34] }],
  cos: [{ name: "cos", f: S.cos, inputs: [m34] }],
  abs: [{ name: "abs", f: S.abs, inputs: [{ shape: [3, 4], ...away }], firstOrderOnly: true }],
  sign: [{ name: "sign (zero gradient)", f: (x) => S.mul(S.sign(x), x), inputs: [{ shape: [3, 4], ...away }], firstOrderOnly: true }],
  erf: [{ name: "erf", f: S.erf, inputs: [m34] }],
  add: [
    { name: "add", f: S.add, inputs: [m34, m34] },
    { name: "add broadcast", f: S.add, inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }] },
  ],
  sub: [{ name: "sub broadcast", f: S.sub, inputs: [{ shape: [3, 4] }, { shape: [4] }] }],
  mul: [
    { name: "mul", f: S.mul, inputs: [m34, m34] },
    { name: "mul broadcast", f: S.mul, inputs: [{ shape: [3, 1] }, { shape: [1, 4] }] },
  ],
  div: [{ name: "div broadcast", f: S.div, inputs: [{ shape: [3, 4] }, { shape: [4], ...away }] }],
  pow: [{ name: "pow", f: S.pow, inputs: [{ shape: [3, 4], domain: pos }, { shape: [4], domain: [-1.5, 2.5] }] }],
  maximum: [{ name: "maximum", f: S.maximum, inputs: [m34, m34], firstOrderOnly: true }],
  cmplt: [{ name: "cmplt (zero gradient)", f: (a, b) => S.mul(S.lt(a, b), a), inputs: [m34, m34], firstOrderOnly: true }],
  cmpeq: [{ name: "cmpeq (zero gradient)", f: (a, b) => S.add(S.eq(a, b), S.mul(a, b)), inputs: [m34, m34] }],
  where: [{ name: "where", f: (a, b) => S.where(S.lt(S.tensor([0.5, -0.5, 1, -1]), 0), S.mul(a, a), b), inputs: [{ shape: [3, 4] }, { shape: [4] }] }],
  sum: [
    { name: "sum all", f: (x) => S.sum(S.mul(x, x)), inputs: [{ shape: [3, 4] }] },
    { name: "sum axes", f: (x) => S.sum(S.mul(x, x), [0, 2]), inputs: [{ shape: [2, 3, 4] }] },
  ],
  max: [
    { name: "max axis", f: (x) => S.max(x, 1), inputs: [{ shape: [3, 5] }], firstOrderOnly: true },
    { name: "max all", f: (x) => S.mul(S.max(x), S.sum(x)), inputs: [{ shape: [2, 3] }] },
  ],
  reshape: [{ name: "reshape", f: (x) => S.mul(S.reshape(x, [4, 3]), S.arange(3)), inputs: [m34] }],
  transpose: [{ name: "transpose", f: (x) => S.mul(S.transpose(x, [2, 0, 1]), S.tanh(S.transpose(x, [2, 0, 1]))), inputs: [{ shape: [2, 3, 4] }] }],
  broadcast: [{ name: "broadcast", f: (x) => S.mul(S.broadcastTo(x, [2, 3, 4]), S.broadcastTo(S.mul(x, x), [2, 3, 4])), inputs: [{ shape: [3, 1] }] }],
  slice: [
    { name: "slice", f: (x) => S.slice(S.mul(x, x), [[1, 3], [0, 4, 2]]), inputs: [{ shape: [4, 5] }] },
  ],
  pad: [{ name: "pad", f: (x) => S.pad(S.mul(x, x), [1, 0], [0, 2]), inputs: [m34] }],
  concat: [{ name: "concat", f: (a, b) => S.concat([S.mul(a, a), b], 1), inputs: [{ shape: [2, 3] }, { shape: [2, 2] }] }],
  gather: [{ name: "gather", f: (x) => S.take(S.mul(x, x), [3, 0, 3, 1], 0), inputs: [{ shape: [4, 3] }] }],
  scatterAdd: [{ name: "scatterAdd", f: (x) => S.scatterAdd(S.mul(x, x), [2, 0, 2], 0, 4), inputs: [{ shape: [3, 2] }] }],
  matmul: [
    { name: "matmul", f: (a, b) => S.mm(a, b), inputs: [{ shape: [3, 4] }, { shape: [4, 2] }] },
    { name: "matmul transA", f: (a, b) => S.mm(a, b, true, false), inputs: [{ shape: [4, 3] }, { shape: [4, 2] }] },
    { name: "matmul transB", f: (a, b) => S.mm(a, b, false, true), inputs: [{ shape: [3, 4] }, { shape: [2, 4] }] },
    { name: "matmul both", f: (a, b) => S.mm(a, b, true, true), inputs: [{ shape: [4, 3] }, { shape: [2, 4] }] },
    { name: "matmul batch broadcast", f: (a, b) => S.mm(S.mul(a, a), b), inputs: [{ shape: [2, 3, 4] }, { shape: [4, 2] }] },
  ],
  cast: [{ name: "cast round trip", f: (x) => S.cast(S.cast(S.mul(x, x), "f32"), "f64"), inputs: [m34], rtol: 1e-4, eps: 1e-3, firstOrderOnly: true }],
};

/** Composites: no rules of their own; checked through the primitives they use. */
export const COMPOSITE_GRADS: GradRow[] = [
  { name: "relu", f: S.relu, inputs: [{ shape: [3, 4], ...away }], firstOrderOnly: true },
  { name: "sigmoid", f: S.sigmoid, inputs: [m34] },
  { name: "softplus", f: S.softplus, inputs: [{ shape: [3, 4], ...away }] },
  { name: "softplus large", f: S.softplus, inputs: [{ shape: [4], domain: [20, 40], signed: true }] },
  { name: "silu", f: S.silu, inputs: [m34] },
  { name: "gelu", f: S.gelu, inputs: [m34] },
  { name: "logsumexp", f: (x) => S.logsumexp(x, 1), inputs: [m34] },
  { name: "logsumexp keepdims axis 0", f: (x) => S.logsumexp(x, 0, true), inputs: [m34] },
  { name: "softmax", f: (x) => S.softmax(x, -1), inputs: [m34] },
  { name: "logSoftmax", f: (x) => S.logSoftmax(x, 0), inputs: [m34] },
  { name: "crossEntropy", f: (x) => S.crossEntropy(x, [1, 0, 3]), inputs: [m34] },
  { name: "crossEntropy soft targets", f: (x, t) => S.crossEntropy(x, S.softmax(t)), inputs: [m34, m34] },
  { name: "mse", f: S.mse, inputs: [m34, m34] },
  { name: "logisticLoss", f: (f) => S.logisticLoss(f, S.tensor([1, -1, 1, -1])), inputs: [{ shape: [4] }] },
  { name: "exponentialLoss", f: (f) => S.exponentialLoss(f, S.tensor([1, -1, 1, -1])), inputs: [{ shape: [4] }] },
  { name: "layerNorm", f: (x) => S.layerNorm(x), inputs: [m34] },
  { name: "attention", f: (q, k, v) => S.attention(q, k, v), inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }, { shape: [2, 3, 2] }] },
  { name: "attention causal", f: (q, k, v) => S.attention(q, k, v, { causal: true }), inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 2] }] },
  { name: "minimum", f: S.minimum, inputs: [m34, m34], firstOrderOnly: true },
  { name: "clip", f: (x) => S.clip(x, -0.5, 0.7), inputs: [{ shape: [3, 4], domain: [-1, 1] }], firstOrderOnly: true },
  { name: "mean/variance", f: (x) => S.add(S.variance(x, 1, true), S.mean(x, 0, true)), inputs: [m34] },
  { name: "min", f: (x) => S.min(x, 0), inputs: [m34], firstOrderOnly: true },
  { name: "matmul vector", f: (a, b) => S.matmul(a, b), inputs: [{ shape: [4] }, { shape: [4, 3] }] },
  { name: "dot/outer", f: (a, b) => S.mul(S.outer(a, b), S.dot(a, a)), inputs: [{ shape: [3] }, { shape: [2] }] },
  { name: "stack", f: (a, b) => S.stack([S.tanh(a), b], 1), inputs: [{ shape: [3] }, { shape: [3] }] },
  { name: "square/sqrt chain", f: (x) => S.sqrt(S.add(S.square(x), 1)), inputs: [m34] },
  {
    name: "3-layer tanh MLP mse",
    f: (w1, w2, w3) => {
      const x = S.normal(Rng.seed(1), [6, 4]);
      const y = S.normal(Rng.seed(2), [6, 2]);
      return S.mse(S.matmul(S.tanh(S.matmul(S.tanh(S.matmul(x, w1)), w2)), w3), y);
    },
    inputs: [{ shape: [4, 5] }, { shape: [5, 5] }, { shape: [5, 2] }],
  },
];

/** Runs every gradient row on backend `backendName` (vitest describe blocks). */
export function runGradientChecks(backendName: string): void {
  describe(`gradients on backend '${backendName}'`, () => {
    it("has a gradient row for every primitive", () => {
      for (const p of PRIMS) expect(PRIM_GRADS[p]?.length ?? 0, `gradient row for ${p}`).toBeGreaterThan(0);
    });
    const rows = [...PRIMS.flatMap((p) => PRIM_GRADS[p]), ...COMPOSITE_GRADS];
    for (const row of rows) {
      describe(row.name, () => {
        it("adjoint identity <u, Jv> = <J^T u, v> vs central differences", () => {
          S.withBackend(backendName, () => checkVjp(row, Rng.seed(`vjp/${row.name}`)));
        });
        it("jvp vs central differences", () => {
          S.withBackend(backendName, () => checkJvp(row, Rng.seed(`jvp/${row.name}`)));
        });
        if (!row.firstOrderOnly) {
          it("second order: HVP of <u, f> vs differences of gradients", () => {
            S.withBackend(backendName, () => checkHvp(row, Rng.seed(`hvp/${row.name}`)));
          });
        }
      });
    }
  });
}
