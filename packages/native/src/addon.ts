import { createRequire } from "node:module";

/** The raw functions of the compiled addon (see addon.c for their contracts). */
export interface Addon {
  unary(op: number, x: Float64Array | Float32Array, out: Float64Array | Float32Array): void;
  binary(op: number, a: Float64Array | Float32Array, b: Float64Array | Float32Array, out: Float64Array | Float32Array, shape?: Int32Array, stridesA?: Int32Array, stridesB?: Int32Array): void;
  stridedCopy(x: Float64Array | Float32Array, out: Float64Array | Float32Array, shape: Int32Array, strides: Int32Array, offset: number): void;
  reduce(op: number, x: Float64Array | Float32Array, out: Float64Array | Float32Array, shape: Int32Array, outStrides: Int32Array): void;
  where(c: Float64Array | Float32Array, a: Float64Array | Float32Array, b: Float64Array | Float32Array, out: Float64Array | Float32Array, shape: Int32Array, sc: Int32Array, sa: Int32Array, sb: Int32Array): void;
  gemm(a: Float64Array | Float32Array, b: Float64Array | Float32Array, c: Float64Array | Float32Array, transA: boolean, transB: boolean, m: number, n: number, k: number, offsA?: Int32Array | null, offsB?: Int32Array | null): void;
  cast(x: Float64Array | Float32Array, out: Float64Array | Float32Array): void;
  syevd(a: Float64Array, n: number): { w: Float64Array; v: Float64Array };
  gesdd(a: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; vt: Float64Array };
  potrf(a: Float64Array, n: number): Float64Array;
  potrs(l: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array;
  gesv(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array;
  syevdAsync(a: Float64Array, n: number): Promise<{ w: Float64Array; v: Float64Array }>;
  gesddAsync(a: Float64Array, m: number, n: number): Promise<{ u: Float64Array; s: Float64Array; vt: Float64Array }>;
  setThreads(n: number): void;
  getThreads(): number;
  config(): { corename: string; config: string };
}

/** The apt packages that the addon needs at build time. */
export const APT_PACKAGES = "libopenblas-dev liblapacke-dev";

/** Loads build/Release/saddle_native.node; returns the addon or the reason it is unavailable. */
export function loadAddon(): { addon: Addon } | { reason: string } {
  const require = createRequire(import.meta.url);
  try {
    return { addon: require("../build/Release/saddle_native.node") as Addon };
  } catch (e) {
    return { reason: (e as Error).message.split("\n")[0] };
  }
}
