import { describe, it, expect } from "vitest";
import {
  PRIMS, type Prim, type PrimParams, type DType, type Shape, Tensor, Rng, bind, withBackend, referenceKernels,
  allocate, sizeOf, shapeRules, type Kernel,
} from "@saddle/core";
import { mismatch } from "./helpers/allclose.js";

/**
 * The conformance table: one row per primitive, each a list of cases (shapes including
 * broadcasting, empty and scalar edge cases, special values). Every registered backend must
 * reproduce the reference kernels on every case, in f64 and f32; hand-written `expected` values
 * pin the reference itself. A new primitive joins by adding a row (the mapped type makes a
 * missing row a compile error, and a test enumerates PRIMS as well).
 */
export interface Operand {
  shape: Shape;
  /** Explicit values (row-major); otherwise uniform draws in `domain`. */
  values?: number[];
  domain?: [number, number];
}

export interface ConformanceCase<P extends Prim> {
  name: string;
  inputs: Operand[];
  params: PrimParams[P];
  /** Exact expected output in f64, where hand-computable. */
  expected?: number[];
  /** Restrict to some dtypes (default both). */
  dtypes?: DType[];
}

const E = {} as Record<string, never>;
const SPECIAL = [0, -0, 1, -1, 0.5, 1e-300, -1e-300, 1e300, -1e300, Infinity, -Infinity, NaN];
const un = (domain: [number, number] = [-2, 2]): ConformanceCase<"neg">[] => [
  { name: "matrix", inputs: [{ shape: [3, 5], domain }], params: E },
  { name: "scalar", inputs: [{ shape: [], domain }], params: E },
  { name: "empty", inputs: [{ shape: [0, 4] }], params: E },
  { name: "special values", inputs: [{ shape: [SPECIAL.length], values: SPECIAL }], params: E, dtypes: ["f64"] },
  { name: "long vector", inputs: [{ shape: [1037], domain }], params: E },
];
const bin = (da: [number, number] = [-2, 2], db: [number, number] = [-2, 2]): ConformanceCase<"add">[] => [
  { name: "same shape", inputs: [{ shape: [4, 3], domain: da }, { shape: [4, 3], domain: db }], params: E },
  { name: "row broadcast", inputs: [{ shape: [4, 3], domain: da }, { shape: [3], domain: db }], params: E },
  { name: "column broadcast", inputs: [{ shape: [4, 1], domain: da }, { shape: [4, 3], domain: db }], params: E },
  { name: "both broadcast", inputs: [{ shape: [2, 1, 3], domain: da }, { shape: [4, 1], domain: db }], params: E },
  { name: "scalar right", inputs: [{ shape: [5], domain: da }, { shape: [], domain: db }], params: E },
  { name: "scalar left", inputs: [{ shape: [], domain: da }, { shape: [2, 3], domain: db }], params: E },
  { name: "empty", inputs: [{ shape: [0, 3] }, { shape: [3] }], params: E },
  {
    name: "special values",
    inputs: [{ shape: [SPECIAL.length, 1], values: SPECIAL }, { shape: [1, SPECIAL.length], values: SPECIAL }],
    params: E,
    dtypes: ["f64"],
  },
];

export const CONFORMANCE: { [P in Prim]: ConformanceCase<P>[] } = {
  neg: [...un(), { name: "values", inputs: [{ shape: [3], values: [1, -2, 0] }], params: E, expected: [-1, 2, -0] }],
  recip: [...un([0.5, 2]), { name: "values", inputs: [{ shape: [3], values: [2, -4, 0] }], params: E, expected: [0.5, -0.25, Infinity] }],
  exp: [...un(), { name: "values", inputs: [{ shape: [3], values: [0, -Infinity, 1] }], params: E, expected: [1, 0, Math.E] }],
  expm1: [...un([-1, 1]), { name: "tiny", inputs: [{ shape: [1], values: [1e-20] }], params: E, expected: [1e-20], dtypes: ["f64"] }],
  log: [...un([0.1, 3]), { name: "values", inputs: [{ shape: [3], values: [1, 0, -1] }], params: E, expected: [0, -Infinity, NaN] }],
  log1p: [...un([-0.5, 3]), { name: "tiny", inputs: [{ shape: [1], values: [1e-20] }], params: E, expected: [1e-20], dtypes: ["f64"] }],
  sqrt: [...un([0, 4]), { name: "values", inputs: [{ shape: [3], values: [4, 0, -1] }], params: E, expected: [2, 0, NaN] }],
  tanh: [...un([-3, 3]), { name: "saturation", inputs: [{ shape: [3], values: [1000, -1000, 0] }], params: E, expected: [1, -1, 0] }],
  sin: [...un([-4, 4]), { name: "values", inputs: [{ shape: [2], values: [0, Math.PI / 2] }], params: E, expected: [0, 1] }],
  cos: [...un([-4, 4]), { name: "values", inputs: [{ shape: [2], values: [0, Math.PI] }], params: E, expected: [1, -1] }],
  abs: [...un(), { name: "values", inputs: [{ shape: [3], values: [-2, 0, 3] }], params: E, expected: [2, 0, 3] }],
  sign: [...un(), { name: "values", inputs: [{ shape: [4], values: [-2, 0, 3, NaN] }], params: E, expected: [-1, 0, 1, NaN] }],
  erf: [
    ...un([-4, 4]),
    {
      name: "known values",
      inputs: [{ shape: [6], values: [0, 0.5, 1, 2, 3.5, -1] }],
      params: E,
      // erf values to 17 digits (Abramowitz & Stegun table / standard references).
      expected: [0, 0.52049987781304654, 0.84270079294971487, 0.99532226501895273, 0.99999925690162766, -0.84270079294971487],
    },
  ],
  add: [...bin(), { name: "values", inputs: [{ shape: [2, 1], values: [1, 2] }, { shape: [3], values: [10, 20, 30] }], params: E, expected: [11, 21, 31, 12, 22, 32] }],
  sub: [...bin(), { name: "values", inputs: [{ shape: [2], values: [1, 2] }, { shape: [], values: [5] }], params: E, expected: [-4, -3] }],
  mul: [...bin(), { name: "values", inputs: [{ shape: [2], values: [1.5, -2] }, { shape: [2], values: [2, 3] }], params: E, expected: [3, -6] }],
  div: [...bin([-2, 2], [0.5, 2]), { name: "values", inputs: [{ shape: [3], values: [1, -1, 0] }, { shape: [3], values: [0, 0, 0] }], params: E, expected: [Infinity, -Infinity, NaN] }],
  pow: [...bin([0.1, 2], [-2, 2]), { name: "values", inputs: [{ shape: [4], values: [2, 0, -8, 4] }, { shape: [4], values: [3, 0, 1 / 3, 0.5] }], params: E, expected: [8, 1, NaN, 2] }],
  maximum: [...bin(), { name: "values", inputs: [{ shape: [4], values: [1, NaN, -1, 2] }, { shape: [4], values: [2, 0, -1, NaN] }], params: E, expected: [2, NaN, -1, NaN] }],
  cmplt: [...bin(), { name: "values", inputs: [{ shape: [4], values: [1, 2, NaN, 3] }, { shape: [4], values: [2, 2, 0, NaN] }], params: E, expected: [1, 0, 0, 0] }],
  cmpeq: [...bin(), { name: "values", inputs: [{ shape: [4], values: [1, 2, NaN, -0] }, { shape: [4], values: [1, 3, NaN, 0] }], params: E, expected: [1, 0, 0, 1] }],
  where: [
    { name: "broadcast", inputs: [{ shape: [4, 1], values: [1, 0, 0, 1] }, { shape: [3] }, { shape: [4, 3] }], params: E },
    { name: "values", inputs: [{ shape: [3], values: [1, 0, 2] }, { shape: [3], values: [1, 2, 3] }, { shape: [], values: [9] }], params: E, expected: [1, 9, 3] },
    { name: "empty", inputs: [{ shape: [0] }, { shape: [0] }, { shape: [0] }], params: E },
  ],
  sum: [
    { name: "all axes", inputs: [{ shape: [3, 4] }], params: { axes: [0, 1] } },
    { name: "last axis", inputs: [{ shape: [3, 4] }], params: { axes: [1] } },
    { name: "first axis", inputs: [{ shape: [3, 4] }], params: { axes: [0] } },
    { name: "middle axes", inputs: [{ shape: [2, 3, 4, 5] }], params: { axes: [1, 2] } },
    { name: "empty reduced", inputs: [{ shape: [0, 3] }], params: { axes: [0] }, expected: [0, 0, 0] },
    { name: "values", inputs: [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }], params: { axes: [1] }, expected: [6, 15] },
    { name: "special", inputs: [{ shape: [2, 2], values: [Infinity, 1, NaN, 2] }], params: { axes: [1] }, expected: [Infinity, NaN], dtypes: ["f64"] },
  ],
  max: [
    { name: "all axes", inputs: [{ shape: [3, 4] }], params: { axes: [0, 1] } },
    { name: "last axis", inputs: [{ shape: [3, 4] }], params: { axes: [1] } },
    { name: "first axis", inputs: [{ shape: [3, 4] }], params: { axes: [0] } },
    { name: "middle axes", inputs: [{ shape: [2, 3, 4, 5] }], params: { axes: [1, 3] } },
    { name: "values", inputs: [{ shape: [2, 3], values: [1, 7, 3, -4, -5, -6] }], params: { axes: [1] }, expected: [7, -4] },
    { name: "NaN propagates", inputs: [{ shape: [3], values: [1, NaN, 2] }], params: { axes: [0] }, expected: [NaN] },
    { name: "-inf", inputs: [{ shape: [2], values: [-Infinity, -Infinity] }], params: { axes: [0] }, expected: [-Infinity] },
  ],
  reshape: [
    { name: "matrix to vector", inputs: [{ shape: [3, 4] }], params: { shape: [12] } },
    { name: "scalar", inputs: [{ shape: [1, 1] }], params: { shape: [] } },
    { name: "empty", inputs: [{ shape: [0, 3] }], params: { shape: [3, 0] } },
  ],
  transpose: [
    { name: "2d", inputs: [{ shape: [3, 4] }], params: { perm: [1, 0] } },
    { name: "3d", inputs: [{ shape: [2, 3, 4] }], params: { perm: [2, 0, 1] } },
    { name: "4d", inputs: [{ shape: [2, 3, 4, 5] }], params: { perm: [0, 2, 1, 3] } },
    { name: "values", inputs: [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }], params: { perm: [1, 0] }, expected: [1, 4, 2, 5, 3, 6] },
    { name: "empty", inputs: [{ shape: [0, 2] }], params: { perm: [1, 0] } },
  ],
  broadcast: [
    { name: "row", inputs: [{ shape: [3] }], params: { shape: [4, 3] } },
    { name: "column", inputs: [{ shape: [4, 1] }], params: { shape: [2, 4, 3] } },
    { name: "scalar", inputs: [{ shape: [] }], params: { shape: [2, 2] } },
    { name: "values", inputs: [{ shape: [2, 1], values: [1, 2] }], params: { shape: [2, 2] }, expected: [1, 1, 2, 2] },
  ],
  slice: [
    { name: "block", inputs: [{ shape: [5, 6] }], params: { start: [1, 2], size: [3, 2], step: [1, 1] } },
    { name: "stepped", inputs: [{ shape: [7, 6] }], params: { start: [0, 1], size: [4, 3], step: [2, 2] } },
    { name: "values", inputs: [{ shape: [6], values: [0, 1, 2, 3, 4, 5] }], params: { start: [1], size: [3], step: [2] }, expected: [1, 3, 5] },
    { name: "empty", inputs: [{ shape: [4] }], params: { start: [2], size: [0], step: [1] } },
  ],
  pad: [
    { name: "2d", inputs: [{ shape: [2, 3] }], params: { before: [1, 0], after: [2, 3] } },
    { name: "values", inputs: [{ shape: [2], values: [7, 8] }], params: { before: [1], after: [2] }, expected: [0, 7, 8, 0, 0] },
    { name: "empty input", inputs: [{ shape: [0] }], params: { before: [1], after: [1] }, expected: [0, 0] },
  ],
  concat: [
    { name: "axis 0", inputs: [{ shape: [2, 3] }, { shape: [1, 3] }, { shape: [4, 3] }], params: { axis: 0 } },
    { name: "axis 1", inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], params: { axis: 1 } },
    { name: "values", inputs: [{ shape: [2, 1], values: [1, 2] }, { shape: [2, 2], values: [3, 4, 5, 6] }], params: { axis: 1 }, expected: [1, 3, 4, 2, 5, 6] },
    { name: "with empty", inputs: [{ shape: [0, 2] }, { shape: [2, 2] }], params: { axis: 0 } },
  ],
  gather: [
    { name: "rows with repeats", inputs: [{ shape: [5, 3] }], params: { axis: 0, indices: Int32Array.from([4, 0, 4, 2]), indexShape: [4] } },
    { name: "columns, 2-d index", inputs: [{ shape: [3, 5] }], params: { axis: 1, indices: Int32Array.from([1, 3, 0, 0]), indexShape: [2, 2] } },
    { name: "values", inputs: [{ shape: [4], values: [10, 11, 12, 13] }], params: { axis: 0, indices: Int32Array.from([3, 1]), indexShape: [2] }, expected: [13, 11] },
    { name: "empty index", inputs: [{ shape: [4, 2] }], params: { axis: 0, indices: new Int32Array(0), indexShape: [0] } },
  ],
  scatterAdd: [
    { name: "rows with repeats", inputs: [{ shape: [4, 3] }], params: { axis: 0, indices: Int32Array.from([4, 0, 4, 2]), indexShape: [4], size: 5 } },
    { name: "2-d index", inputs: [{ shape: [3, 2, 2] }], params: { axis: 1, indices: Int32Array.from([1, 3, 0, 0]), indexShape: [2, 2], size: 5 } },
    { name: "values", inputs: [{ shape: [3], values: [1, 2, 3] }], params: { axis: 0, indices: Int32Array.from([1, 1, 0]), indexShape: [3], size: 3 }, expected: [3, 3, 0] },
  ],
  matmul: [
    { name: "square", inputs: [{ shape: [7, 7] }, { shape: [7, 7] }], params: { transA: false, transB: false } },
    { name: "rect", inputs: [{ shape: [5, 3] }, { shape: [3, 4] }], params: { transA: false, transB: false } },
    { name: "transA", inputs: [{ shape: [3, 5] }, { shape: [3, 4] }], params: { transA: true, transB: false } },
    { name: "transB", inputs: [{ shape: [5, 3] }, { shape: [4, 3] }], params: { transA: false, transB: true } },
    { name: "both", inputs: [{ shape: [3, 5] }, { shape: [4, 3] }], params: { transA: true, transB: true } },
    { name: "batched", inputs: [{ shape: [2, 5, 3] }, { shape: [2, 3, 4] }], params: { transA: false, transB: false } },
    { name: "batch broadcast", inputs: [{ shape: [3, 1, 5, 3] }, { shape: [2, 4, 3] }], params: { transA: false, transB: true } },
    { name: "big", inputs: [{ shape: [70, 65] }, { shape: [65, 66] }], params: { transA: false, transB: false } },
    { name: "k = 0", inputs: [{ shape: [3, 0] }, { shape: [0, 2] }], params: { transA: false, transB: false }, expected: [0, 0, 0, 0, 0, 0] },
    { name: "m = 0", inputs: [{ shape: [0, 3] }, { shape: [3, 2] }], params: { transA: false, transB: false } },
    { name: "values", inputs: [{ shape: [2, 2], values: [1, 2, 3, 4] }, { shape: [2, 2], values: [5, 6, 7, 8] }], params: { transA: false, transB: false }, expected: [19, 22, 43, 50] },
    { name: "special", inputs: [{ shape: [1, 2], values: [Infinity, 1] }, { shape: [2, 1], values: [1, NaN] }], params: { transA: false, transB: false }, expected: [NaN], dtypes: ["f64"] },
  ],
  cast: [
    { name: "to f32", inputs: [{ shape: [3, 4] }], params: { dtype: "f32" } },
    { name: "to f64", inputs: [{ shape: [3, 4] }], params: { dtype: "f64" } },
    { name: "values", inputs: [{ shape: [3], values: [0.5, Infinity, NaN] }], params: { dtype: "f32" }, expected: [0.5, Infinity, NaN] },
  ],
};

function makeInput(op: Operand, dtype: DType, rng: Rng): Tensor {
  const data = allocate(dtype, sizeOf(op.shape));
  if (op.values) data.set(op.values);
  else {
    const [lo, hi] = op.domain ?? [-2, 2];
    rng.fillUniform(data, lo, hi);
  }
  return new Tensor(data, op.shape);
}

const TOL: Record<DType, { rtol: number; atol: number }> = {
  f64: { rtol: 1e-12, atol: 1e-12 },
  f32: { rtol: 2e-5, atol: 2e-5 },
};

/** Runs the whole conformance table on backend `backendName` (vitest describe blocks). */
export function runConformance(backendName: string): void {
  describe(`conformance on backend '${backendName}'`, () => {
    it("has a row for every primitive", () => {
      for (const p of PRIMS) expect(CONFORMANCE[p]?.length ?? 0, `conformance row for ${p}`).toBeGreaterThan(0);
    });
    for (const p of PRIMS) {
      const cases = CONFORMANCE[p] as ConformanceCase<Prim>[];
      describe(p, () => {
        for (const c of cases) {
          for (const dtype of c.dtypes ?? (["f64", "f32"] as DType[])) {
            it(`${c.name} (${dtype})`, () => {
              const rng = Rng.seed(`${p}/${c.name}`);
              const inputs = c.inputs.map((op) => makeInput(op, dtype, rng));
              const out = withBackend(backendName, () => bind(p, inputs, c.params));
              // The reference kernel run directly, as the specification.
              const outShape = shapeRules[p](inputs.map((t) => t.shape), c.params as never);
              expect(out.shape).toEqual(outShape);
              const outDtype = p === "cast" ? (c.params as PrimParams["cast"]).dtype : dtype;
              const ref = allocate(outDtype, sizeOf(outShape));
              (referenceKernels[p] as Kernel<Prim>)({ inputs: inputs.map((t) => t.data), shapes: inputs.map((t) => t.shape), params: c.params, out: ref, outShape });
              const tol = TOL[outDtype === "f32" || dtype === "f32" ? "f32" : "f64"];
              const m = mismatch(out.data, ref, tol.rtol, tol.atol);
              expect(m, `${p} ${c.name} ${dtype} vs reference`).toBeNull();
              if (c.expected) {
                const expTol = dtype === "f64" ? { rtol: 1e-15, atol: 0 } : TOL.f32;
                const me = mismatch(out.data, c.expected, expTol.rtol, expTol.atol);
                expect(me, `${p} ${c.name} ${dtype} vs expected`).toBeNull();
              }
            });
          }
        }
      });
    }
  });
}
