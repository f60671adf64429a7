import {
  type Backend, type Kernel, type KernelTable, type LinalgKernels, type Prim, type UnaryPrim, type BinaryPrim,
  UNARY_PRIMS, BINARY_PRIMS, broadcastStrides, stridesOf, sizeOf, shapesEqual, matmulLayout, type Shape,
} from "@saddle/core";
import type { Addon } from "./addon.js";

const i32 = (xs: readonly number[]) => Int32Array.from(xs);

/**
 * The native kernel table (a Partial table: pad, concat, gather, scatterAdd, qr, lstsq and fft
 * fall back to the reference). Every kernel fills `out` exactly as the reference kernel does.
 */
export function nativeKernels(addon: Addon): KernelTable {
  const table: KernelTable = {};
  UNARY_PRIMS.forEach((p: UnaryPrim, code: number) => {
    table[p] = (({ inputs, out }) => addon.unary(code, inputs[0], out)) as Kernel<UnaryPrim>;
  });
  BINARY_PRIMS.forEach((p: BinaryPrim, code: number) => {
    table[p] = (({ inputs, shapes, out, outShape }) => {
      const [a, b] = inputs;
      const n = out.length;
      if ((a.length === n && b.length === n && shapesEqual(shapes[0], shapes[1])) || (a.length === n && b.length === 1) || (a.length === 1 && b.length === n)) {
        if (n > 0) addon.binary(code, a, b, out);
        return;
      }
      if (n === 0) return;
      addon.binary(code, a, b, out, i32(outShape), i32(broadcastStrides(shapes[0], outShape)), i32(broadcastStrides(shapes[1], outShape)));
    }) as Kernel<BinaryPrim>;
  });
  table.where = ({ inputs, shapes, out, outShape }) => {
    if (out.length === 0) return;
    addon.where(inputs[0], inputs[1], inputs[2], out, i32(outShape), ...(shapes.map((s) => i32(broadcastStrides(s, outShape))) as [Int32Array, Int32Array, Int32Array]));
  };
  const reduce = (op: number): Kernel<"sum" | "max"> => ({ inputs, shapes, params, out }) => {
    const shape = shapes[0];
    out.fill(op === 1 ? -Infinity : 0);
    const kept = stridesOf(shape.filter((_, i) => !params.axes.includes(i)));
    const strides = new Array<number>(shape.length).fill(0);
    let k = 0;
    for (let i = 0; i < shape.length; i++) if (!params.axes.includes(i)) strides[i] = kept[k++];
    if (sizeOf(shape) > 0) addon.reduce(op, inputs[0], out, i32(shape), i32(strides));
  };
  table.sum = reduce(0);
  // Outputs come unzeroed from `allocate`: every kernel here writes every element.
  table.max = reduce(1);
  table.reshape = ({ inputs, out }) => out.set(inputs[0]);
  table.cast = ({ inputs, out }) => addon.cast(inputs[0], out);
  table.transpose = ({ inputs, shapes, params, out, outShape }) => {
    if (out.length === 0) return;
    const xs = stridesOf(shapes[0]);
    addon.stridedCopy(inputs[0], out, i32(outShape), i32(params.perm.map((a) => xs[a])), 0);
  };
  table.broadcast = ({ inputs, shapes, out, outShape }) => {
    if (out.length === 0) return;
    addon.stridedCopy(inputs[0], out, i32(outShape), i32(broadcastStrides(shapes[0], outShape)), 0);
  };
  table.slice = ({ inputs, shapes, params, out, outShape }) => {
    if (out.length === 0) return;
    const xs = stridesOf(shapes[0]);
    let off = 0;
    for (let i = 0; i < xs.length; i++) off += params.start[i] * xs[i];
    addon.stridedCopy(inputs[0], out, i32(outShape), i32(xs.map((s, i) => s * params.step[i])), off);
  };
  table.matmul = ({ inputs, shapes, params, out, outShape }) => {
    const [a, b] = inputs;
    const { transA, transB } = params;
    if (outShape.length === 2) {
      const m = outShape[0];
      const n = outShape[1];
      const k = transA ? shapes[0][0] : shapes[0][1];
      if (k === 0) out.fill(0);
      else if (m > 0 && n > 0) addon.gemm(a, b, out, transA, transB, m, n, k);
      return;
    }
    const { m, n, k, batches, offsetsA, offsetsB } = matmulLayout(shapes, params, outShape);
    if (k === 0) out.fill(0);
    else if (batches > 0 && m > 0 && n > 0) addon.gemm(a, b, out, transA, transB, m, n, k, offsetsA, offsetsB);
  };
  return table;
}

/**
 * Output buffers without zero-filling. Large ones come from Node's uninitialised Buffer memory
 * (saves a full memset per step on MB-sized activations). Small ones are views carved out of
 * 256 KiB slabs by a bump pointer: creating a view costs far less than allocating a fresh
 * ArrayBuffer, which dominated the tiny-network step. A slab is freed by the GC once no view of
 * it is alive (a long-lived small tensor keeps its slab alive: at most 256 KiB each).
 */
const SLAB_BYTES = 256 * 1024;
const SMALL_BYTES = 32 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

function unzeroed(dtype: "f64" | "f32", size: number): Float64Array | Float32Array {
  const bytes = size * (dtype === "f64" ? 8 : 4);
  if (bytes > SMALL_BYTES) {
    const buf = Buffer.allocUnsafeSlow(bytes);
    return dtype === "f64" ? new Float64Array(buf.buffer, buf.byteOffset, size) : new Float32Array(buf.buffer, buf.byteOffset, size);
  }
  const aligned = (bytes + 7) & ~7;
  if (slabOffset + aligned > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const off = slabOffset;
  slabOffset += aligned;
  return dtype === "f64" ? new Float64Array(slab, off, size) : new Float32Array(slab, off, size);
}

/** LAPACK-backed linear algebra (float64). */
export function nativeLinalg(addon: Addon): Partial<LinalgKernels> {
  return {
    eigh: (a, n) => addon.syevd(a, n),
    svd: (a, m, n) => addon.gesdd(a, m, n),
    cholesky: (a, n) => addon.potrf(a, n),
    choleskySolve: (l, n, b, nrhs) => addon.potrs(l, n, b, nrhs),
    solve: (a, n, b, nrhs) => addon.gesv(a, n, b, nrhs),
  };
}

/** The Backend object registered as "native". */
export function makeNativeBackend(addon: Addon): Backend {
  return {
    name: "native",
    allocate: unzeroed,
    kernels: nativeKernels(addon),
    linalg: nativeLinalg(addon),
    describe: () => {
      const c = addon.config();
      return {
        backend: "native",
        implementation: "N-API addon over OpenBLAS/LAPACK",
        blas: c.config.trim(),
        corename: c.corename,
        threads: addon.getThreads(),
        OPENBLAS_CORETYPE: globalThis.process?.env?.OPENBLAS_CORETYPE ?? "(unset)",
      };
    },
    getThreads: () => addon.getThreads(),
    setThreads: (n: number) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads must be a positive integer, got ${n}`);
      addon.setThreads(n);
    },
  };
}

export type { Prim, Shape };
