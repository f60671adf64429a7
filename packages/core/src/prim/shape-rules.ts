import type { Shape } from "../tensor/shape.js";
import { broadcastShapes, sizeOf, shapesEqual } from "../tensor/shape.js";
import type { Prim, PrimParams } from "./primitives.js";

/** Output shape of a primitive from its input shapes; throws a clear error on a mismatch. */
export type ShapeRule<P extends Prim> = (shapes: readonly Shape[], params: PrimParams[P]) => Shape;

const same: ShapeRule<Prim> = (s) => s[0];
const bcast: ShapeRule<Prim> = (s) => broadcastShapes(s[0], s[1]);
const reduce: ShapeRule<"sum" | "max"> = (s, p) => s[0].filter((_, i) => !p.axes.includes(i));

function fmt(s: Shape): string {
  return `[${s.join(", ")}]`;
}

export const shapeRules: { [P in Prim]: ShapeRule<P> } = {
  neg: same, recip: same, exp: same, expm1: same, log: same, log1p: same, sqrt: same, tanh: same,
  sin: same, cos: same, abs: same, sign: same, erf: same,
  add: bcast, sub: bcast, mul: bcast, div: bcast, pow: bcast, maximum: bcast, cmplt: bcast, cmpeq: bcast,
  where: (s) => broadcastShapes(broadcastShapes(s[0], s[1]), s[2]),
  sum: reduce,
  max: (s, p) => {
    for (const a of p.axes) {
      if (s[0][a] === 0) throw new RangeError(`max over axis ${a} of length 0 (shape ${fmt(s[0])}) has no identity`);
    }
    return reduce(s, p);
  },
  reshape: (s, p) => {
    if (sizeOf(s[0]) !== sizeOf(p.shape)) throw new RangeError(`cannot reshape ${fmt(s[0])} (${sizeOf(s[0])} elements) to ${fmt(p.shape)}`);
    return p.shape;
  },
  transpose: (s, p) => {
    const r = s[0].length;
    const seen = new Set(p.perm);
    if (p.perm.length !== r || seen.size !== r || p.perm.some((a) => !Number.isInteger(a) || a < 0 || a >= r)) {
      throw new RangeError(`transpose permutation [${p.perm.join(", ")}] is not a permutation of 0..${r - 1}`);
    }
    return p.perm.map((a) => s[0][a]);
  },
  broadcast: (s, p) => {
    const b = broadcastShapes(s[0], p.shape);
    if (!shapesEqual(b, p.shape)) throw new RangeError(`cannot broadcast ${fmt(s[0])} to ${fmt(p.shape)}`);
    return p.shape;
  },
  slice: (s, p) => {
    const x = s[0];
    if (p.start.length !== x.length || p.size.length !== x.length || p.step.length !== x.length) {
      throw new RangeError(`slice of a rank-${x.length} tensor needs ${x.length} starts, sizes and steps`);
    }
    for (let i = 0; i < x.length; i++) {
      const last = p.start[i] + (p.size[i] - 1) * p.step[i];
      if (p.step[i] < 1 || p.start[i] < 0 || p.size[i] < 0 || (p.size[i] > 0 && last >= x[i])) {
        throw new RangeError(`slice start ${p.start[i]}, size ${p.size[i]}, step ${p.step[i]} is out of range for axis ${i} of length ${x[i]}`);
      }
    }
    return p.size;
  },
  pad: (s, p) => s[0].map((d, i) => d + p.before[i] + p.after[i]),
  concat: (s, p) => {
    const r = s[0].length;
    if (p.axis < 0 || p.axis >= r) throw new RangeError(`concat axis ${p.axis} out of range for rank ${r}`);
    let total = 0;
    for (const sh of s) {
      if (sh.length !== r || sh.some((d, i) => i !== p.axis && d !== s[0][i])) {
        throw new RangeError(`concat along axis ${p.axis}: shape ${fmt(sh)} does not match ${fmt(s[0])} off that axis`);
      }
      total += sh[p.axis];
    }
    const out = [...s[0]];
    out[p.axis] = total;
    return out;
  },
  gather: (s, p) => {
    const x = s[0];
    const n = x[p.axis];
    for (let i = 0; i < p.indices.length; i++) {
      const k = p.indices[i];
      if (k < 0 || k >= n) throw new RangeError(`gather index ${k} out of range for axis ${p.axis} of length ${n}`);
    }
    return [...x.slice(0, p.axis), ...p.indexShape, ...x.slice(p.axis + 1)];
  },
  scatterAdd: (s, p) => {
    const g = s[0];
    const k = p.indexShape.length;
    return [...g.slice(0, p.axis), p.size, ...g.slice(p.axis + k)];
  },
  matmul: (s, p) => {
    const [a, b] = s;
    if (a.length < 2 || b.length < 2) throw new RangeError(`matmul primitive needs rank >= 2, got ${fmt(a)} and ${fmt(b)}`);
    const [m, k] = p.transA ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
    const [k2, n] = p.transB ? [b[b.length - 1], b[b.length - 2]] : [b[b.length - 2], b[b.length - 1]];
    if (k !== k2) throw new RangeError(`matmul shapes ${fmt(a)} and ${fmt(b)}: inner dimensions ${k} and ${k2} differ`);
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
    return [...batch, m, n];
  },
  cast: same,
};
