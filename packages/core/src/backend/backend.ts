import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import type { Prim, PrimParams } from "../prim/primitives.js";

/** What a kernel receives: input buffers and shapes, the parameters, and the output to fill. */
export interface KernelArgs<P extends Prim> {
  readonly inputs: readonly TypedArray[];
  readonly shapes: readonly Shape[];
  readonly params: PrimParams[P];
  /** Freshly allocated, zero-filled output of `outShape` (and the primitive's output dtype). */
  readonly out: TypedArray;
  readonly outShape: Shape;
}

/** A kernel writes the primitive's result into `args.out`. */
export type Kernel<P extends Prim> = (args: KernelArgs<P>) => void;

/** A total kernel table: the reference backend must have every row (checked by the compiler). */
export type FullKernelTable = { [P in Prim]: Kernel<P> };
/** A partial table: a native backend implements what it can; the rest falls back to the reference. */
export type KernelTable = Partial<FullKernelTable>;

/** Result of a symmetric eigendecomposition: ascending eigenvalues, eigenvectors as columns. */
export interface EighResult { w: Float64Array; v: Float64Array }
/** Thin SVD A = U diag(s) V^T with k = min(m, n): u (m x k), s (k, descending), vt (k x n). */
export interface SvdResult { u: Float64Array; s: Float64Array; vt: Float64Array }
/** Reduced QR: q (m x k) with orthonormal columns, r (k x n) upper triangular, k = min(m, n). */
export interface QrResult { q: Float64Array; r: Float64Array }

/**
 * Dense linear algebra on row-major float64 buffers. The reference implementations are pure TS;
 * a native backend can take any of them over. Inputs are never modified.
 */
export interface LinalgKernels {
  /** Symmetric eigendecomposition of an n x n matrix (lower triangle read). */
  eigh(a: Float64Array, n: number): EighResult;
  /** Thin singular value decomposition of an m x n matrix. */
  svd(a: Float64Array, m: number, n: number): SvdResult;
  /** Lower Cholesky factor L (n x n) of a symmetric positive-definite matrix; throws if not PD. */
  cholesky(a: Float64Array, n: number): Float64Array;
  /** Solves A X = B for square A (n x n) and B (n x nrhs), with partial pivoting. */
  solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array;
  /** Solves L L^T X = B given the lower Cholesky factor. */
  choleskySolve(l: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array;
  /** Reduced QR by Householder reflections. */
  qr(a: Float64Array, m: number, n: number): QrResult;
  /** Minimum-norm least squares X (n x nrhs) of A X ~ B, A (m x n), singular values below rcond * s_max dropped. */
  lstsq(a: Float64Array, m: number, n: number, b: Float64Array, nrhs: number, rcond: number): Float64Array;
  /** Discrete Fourier transform of `batch` signals of length n (any n), in place on re/im. */
  fft(re: Float64Array, im: Float64Array, n: number, batch: number, inverse: boolean): void;
}

/** A compute backend: a (partial) kernel table, (partial) linear algebra and a description. */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  readonly linalg: Partial<LinalgKernels>;
  /** Facts for `saddle doctor`: library, threads, core type... */
  describe(): Record<string, string | number | boolean>;
  /**
   * Optional allocator for outputs of this backend's own kernels. Its buffers need not be
   * zero-filled, so every kernel in `kernels` must write every output element. Outputs of
   * reference (fallback) kernels are always zero-filled fresh arrays.
   */
  allocate?(dtype: DType, size: number): TypedArray;
  /** Number of threads used by large kernels, where the backend has threads. */
  getThreads?(): number;
  setThreads?(n: number): void;
}

/** The reference backend declares total tables. */
export interface ReferenceBackend extends Backend {
  readonly kernels: FullKernelTable;
  readonly linalg: LinalgKernels;
}
