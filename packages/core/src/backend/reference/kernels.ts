import type { TypedArray } from "../../tensor/dtype.js";
import { broadcastStrides, shapesEqual, sizeOf, stridesOf, type Shape } from "../../tensor/shape.js";
import type { BinaryPrim, UnaryPrim } from "../../prim/primitives.js";
import type { FullKernelTable, Kernel, KernelArgs } from "../backend.js";
import { forEachRun } from "./strided.js";
import { matmulLayout } from "../matmul-layout.js";
import { erf } from "./special.js";

/**
 * The reference kernels: pure TypeScript, written for clarity first. They are the specification
 * every other backend is tested against (the conformance table).
 */

/** Scalar definition of each unary primitive. */
export const unaryFns: { [P in UnaryPrim]: (x: number) => number } = {
  neg: (x) => -x,
  recip: (x) => 1 / x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  erf,
};

/** Scalar definition of each binary primitive; comparisons give 1 or 0. */
export const binaryFns: { [P in BinaryPrim]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C99/IEEE 754 pow (as LAPACK-era libraries and PyTorch): pow(1, y) = 1 and pow(-1, +-inf) = 1
  // even where JavaScript's ** gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a >= b ? a : b),
  cmplt: (a, b) => (a < b ? 1 : 0),
  cmpeq: (a, b) => (a === b ? 1 : 0),
};

function unaryKernel(f: (x: number) => number): Kernel<UnaryPrim> {
  return ({ inputs, out }) => {
    const x = inputs[0];
    for (let i = 0; i < out.length; i++) out[i] = f(x[i]);
  };
}

function binaryKernel(f: (a: number, b: number) => number): Kernel<BinaryPrim> {
  return ({ inputs, shapes, out, outShape }) => {
    const [a, b] = inputs;
    if (a.length === out.length && b.length === out.length && shapesEqual(shapes[0], shapes[1])) {
      for (let i = 0; i < out.length; i++) out[i] = f(a[i], b[i]);
      return;
    }
    if (b.length === 1 && a.length === out.length) {
      const s = b[0];
      for (let i = 0; i < out.length; i++) out[i] = f(a[i], s);
      return;
    }
    if (a.length === 1 && b.length === out.length) {
      const s = a[0];
      for (let i = 0; i < out.length; i++) out[i] = f(s, b[i]);
      return;
    }
    const sa = broadcastStrides(shapes[0], outShape);
    const sb = broadcastStrides(shapes[1], outShape);
    let o = 0;
    forEachRun(outShape, [sa, sb], (off, count, st) => {
      let ia = off[0];
      let ib = off[1];
      for (let j = 0; j < count; j++, ia += st[0], ib += st[1]) out[o++] = f(a[ia], b[ib]);
    });
  };
}

function reduceKernel(init: number, combine: (acc: number, x: number) => number): Kernel<"sum" | "max"> {
  return ({ inputs, shapes, params, out }) => {
    const x = inputs[0];
    const shape = shapes[0];
    out.fill(init);
    // Strides of the output seen from the input's index space (0 on reduced axes).
    const outStridesKept = stridesOf(shape.filter((_, i) => !params.axes.includes(i)));
    const strides = new Array<number>(shape.length).fill(0);
    let k = 0;
    for (let i = 0; i < shape.length; i++) if (!params.axes.includes(i)) strides[i] = outStridesKept[k++];
    let ix = 0;
    forEachRun(shape, [strides], (off, count, st) => {
      let io = off[0];
      const s = st[0];
      if (s === 0) {
        let acc = out[io];
        for (let j = 0; j < count; j++) acc = combine(acc, x[ix++]);
        out[io] = acc;
      } else {
        for (let j = 0; j < count; j++, io += s) out[io] = combine(out[io], x[ix++]);
      }
    });
  };
}

function copyStrided(src: TypedArray, srcStrides: readonly number[], srcOffset: number, shape: Shape, dst: TypedArray): void {
  let o = 0;
  forEachRun(shape, [srcStrides], (off, count, st) => {
    let i = off[0] + srcOffset;
    for (let j = 0; j < count; j++, i += st[0]) dst[o++] = src[i];
  });
}

/**
 * C[m x n] += op(A) op(B) for one batch element, i-p-j order; op(A)[i, p] is A[i, p] (A stored
 * m x k) or A[p, i] (transA, A stored k x m); likewise for B.
 */
function gemmBlock(
  a: TypedArray, aOff: number, transA: boolean, b: TypedArray, bOff: number, transB: boolean,
  c: TypedArray, cOff: number, m: number, k: number, n: number,
): void {
  const ai = transA ? 1 : k; // stride of i in A
  const ap = transA ? m : 1; // stride of p in A
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[aOff + i * ai + p * ap];
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bOff + j * k + p];
      } else {
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  }
}

const matmul: Kernel<"matmul"> = ({ inputs, shapes, params, out, outShape }) => {
  const [a, b] = inputs;
  const { m, n, k, batches, offsetsA, offsetsB } = matmulLayout(shapes, params, outShape);
  if (m === 0 || n === 0) return;
  for (let i = 0; i < batches; i++) gemmBlock(a, offsetsA[i], params.transA, b, offsetsB[i], params.transB, out, i * m * n, m, k, n);
};

/** Splits a shape around `axis` into (outer, length, inner) element counts. */
function around(shape: Shape, axis: number, len = 1): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis, axis + len)), sizeOf(shape.slice(axis + len))];
}

export const referenceKernels: FullKernelTable = {
  neg: unaryKernel(unaryFns.neg),
  recip: unaryKernel(unaryFns.recip),
  exp: unaryKernel(unaryFns.exp),
  expm1: unaryKernel(unaryFns.expm1),
  log: unaryKernel(unaryFns.log),
  log1p: unaryKernel(unaryFns.log1p),
  sqrt: unaryKernel(unaryFns.sqrt),
  tanh: unaryKernel(unaryFns.tanh),
  sin: unaryKernel(unaryFns.sin),
  cos: unaryKernel(unaryFns.cos),
  abs: unaryKernel(unaryFns.abs),
  sign: unaryKernel(unaryFns.sign),
  erf: unaryKernel(unaryFns.erf),
  add: binaryKernel(binaryFns.add),
  sub: binaryKernel(binaryFns.sub),
  mul: binaryKernel(binaryFns.mul),
  div: binaryKernel(binaryFns.div),
  pow: binaryKernel(binaryFns.pow),
  maximum: binaryKernel(binaryFns.maximum),
  cmplt: binaryKernel(binaryFns.cmplt),
  cmpeq: binaryKernel(binaryFns.cmpeq),
  where: ({ inputs, shapes, out, outShape }) => {
    const [c, a, b] = inputs;
    const strides = shapes.map((s) => broadcastStrides(s, outShape));
    let o = 0;
    forEachRun(outShape, strides, (off, count, st) => {
      let ic = off[0];
      let ia = off[1];
      let ib = off[2];
      for (let j = 0; j < count; j++, ic += st[0], ia += st[1], ib += st[2]) out[o++] = c[ic] !== 0 ? a[ia] : b[ib];
    });
  },
  sum: reduceKernel(0, (acc, x) => acc + x),
  max: reduceKernel(-Infinity, (acc, x) => (Number.isNaN(acc) || Number.isNaN(x) ? NaN : acc >= x ? acc : x)),
  reshape: ({ inputs, out }) => out.set(inputs[0]),
  transpose: ({ inputs, shapes, params, out, outShape }) => {
    const xs = stridesOf(shapes[0]);
    copyStrided(inputs[0], params.perm.map((a) => xs[a]), 0, outShape, out);
  },
  broadcast: ({ inputs, shapes, out, outShape }) => {
    copyStrided(inputs[0], broadcastStrides(shapes[0], outShape), 0, outShape, out);
  },
  slice: ({ inputs, shapes, params, out, outShape }) => {
    const xs = stridesOf(shapes[0]);
    let off = 0;
    for (let i = 0; i < xs.length; i++) off += params.start[i] * xs[i];
    copyStrided(inputs[0], xs.map((s, i) => s * params.step[i]), off, outShape, out);
  },
  pad: ({ inputs, shapes, params, out, outShape }) => {
    const os = stridesOf(outShape);
    let base = 0;
    for (let i = 0; i < os.length; i++) base += params.before[i] * os[i];
    const x = inputs[0];
    let ix = 0;
    forEachRun(shapes[0], [os], (off, count, st) => {
      let o = base + off[0];
      for (let j = 0; j < count; j++, o += st[0]) out[o] = x[ix++];
    });
  },
  concat: ({ inputs, shapes, params, out, outShape }) => {
    const [outer, , inner] = around(outShape, params.axis);
    const rowOut = outShape[params.axis] * inner;
    let col = 0;
    inputs.forEach((x, t) => {
      const row = shapes[t][params.axis] * inner;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < row; j++) out[o * rowOut + col + j] = x[o * row + j];
      }
      col += row;
    });
  },
  gather: ({ inputs, shapes, params, out }) => {
    const x = inputs[0];
    const [outer, n, inner] = around(shapes[0], params.axis);
    const idx = params.indices;
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (let j = 0; j < idx.length; j++) {
        const src = (a * n + idx[j]) * inner;
        for (let i = 0; i < inner; i++) out[o++] = x[src + i];
      }
    }
  },
  scatterAdd: ({ inputs, shapes, params, out }) => {
    const g = inputs[0];
    const [outer, , inner] = around(shapes[0], params.axis, params.indexShape.length);
    const idx = params.indices;
    const n = params.size;
    let ig = 0;
    for (let a = 0; a < outer; a++) {
      for (let j = 0; j < idx.length; j++) {
        const dst = (a * n + idx[j]) * inner;
        for (let i = 0; i < inner; i++) out[dst + i] += g[ig++];
      }
    }
  },
  matmul,
  cast: ({ inputs, out }) => out.set(inputs[0]),
};

export type { KernelArgs };
