import { Tensor } from "./tensor/tensor.js";

/**
 * Parameter trees: plain nested objects and arrays whose leaves are tensors (equinox/JAX
 * pytrees). Models, gradients and optimizer states are trees; these utilities flatten, rebuild,
 * map and combine them. Object keys are visited in sorted order, so flattening is deterministic.
 */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree | undefined };

/** The structure of a tree with its leaves removed. */
export type TreeDef =
  | { kind: "leaf" }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

/** Leaves in deterministic order and the structure to rebuild the tree. */
export function flatten(tree: Tree): { leaves: Tensor[]; def: TreeDef } {
  const leaves: Tensor[] = [];
  const walk = (t: Tree, path: string): TreeDef => {
    if (t instanceof Tensor) {
      leaves.push(t);
      return { kind: "leaf" };
    }
    if (Array.isArray(t)) return { kind: "array", children: t.map((c, i) => walk(c, `${path}[${i}]`)) };
    if (t !== null && typeof t === "object") {
      // Keys whose value is undefined (optional parameters that are absent) are skipped.
      const obj = t as { readonly [key: string]: Tree | undefined };
      const keys = Object.keys(t).filter((k) => obj[k] !== undefined).sort();
      return { kind: "object", keys, children: keys.map((k) => walk(obj[k] as Tree, path ? `${path}.${k}` : k)) };
    }
    throw new TypeError(`tree leaf at '${path || "<root>"}' is ${t === null ? "null" : typeof t}; tree leaves must be Tensors`);
  };
  const def = walk(tree, "");
  return { leaves, def };
}

/** Leaves only. */
export function leaves(tree: Tree): Tensor[] {
  return flatten(tree).leaves;
}

/** Rebuilds a tree of structure `def` from `leaves` (in flatten order). */
export function unflatten<T extends Tree = Tree>(def: TreeDef, leaves: readonly Tensor[]): T {
  let i = 0;
  const build = (d: TreeDef): Tree => {
    if (d.kind === "leaf") {
      if (i >= leaves.length) throw new RangeError(`unflatten: too few leaves (${leaves.length})`);
      return leaves[i++];
    }
    if (d.kind === "array") return d.children.map(build);
    const o: { [key: string]: Tree } = {};
    d.keys.forEach((k, j) => (o[k] = build(d.children[j])));
    return o;
  };
  const out = build(def);
  if (i !== leaves.length) throw new RangeError(`unflatten: ${leaves.length} leaves given, structure holds ${i}`);
  return out as T;
}

/** Leaf paths in flatten order ("layers[0].w"), for probes and checkpoints. */
export function leafPaths(tree: Tree): string[] {
  const out: string[] = [];
  const walk = (t: Tree, path: string): void => {
    if (t instanceof Tensor) out.push(path);
    else if (Array.isArray(t)) t.forEach((c, i) => walk(c, `${path}[${i}]`));
    else {
      const obj = t as { readonly [key: string]: Tree | undefined };
      for (const k of Object.keys(obj).filter((key) => obj[key] !== undefined).sort()) walk(obj[k] as Tree, path ? `${path}.${k}` : k);
    }
  };
  walk(tree, "");
  return out;
}

function sameDef(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf") return true;
  if (a.kind === "array" && b.kind === "array") return a.children.length === b.children.length && a.children.every((c, i) => sameDef(c, b.children[i]));
  if (a.kind === "object" && b.kind === "object") {
    return a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]) && a.children.every((c, i) => sameDef(c, b.children[i]));
  }
  return false;
}

/** Maps `f` over corresponding leaves of trees with the same structure. */
export function treeMap<T extends Tree>(f: (...xs: Tensor[]) => Tensor, tree: T, ...rest: Tree[]): T {
  const { leaves: l0, def } = flatten(tree);
  const others = rest.map((t, j) => {
    const fl = flatten(t);
    if (!sameDef(def, fl.def)) throw new TypeError(`treeMap: tree ${j + 1} has a different structure from tree 0`);
    return fl.leaves;
  });
  return unflatten<T>(def, l0.map((x, i) => f(x, ...others.map((o) => o[i]))));
}

/** Pairs of corresponding leaves of two trees of the same structure. */
export function treeZip(a: Tree, b: Tree): [Tensor, Tensor][] {
  const fa = flatten(a);
  const fb = flatten(b);
  if (!sameDef(fa.def, fb.def)) throw new TypeError("treeZip: trees have different structures");
  return fa.leaves.map((x, i) => [x, fb.leaves[i]]);
}

/** Total number of scalar entries. */
export function treeSize(tree: Tree): number {
  return leaves(tree).reduce((n, t) => n + t.size, 0);
}

/** sum over leaves of <a, b>, as a plain number (no gradient). */
export function treeDot(a: Tree, b: Tree): number {
  let s = 0;
  for (const [x, y] of treeZip(a, b)) {
    const xd = x.data;
    const yd = y.data;
    for (let i = 0; i < xd.length; i++) s += xd[i] * yd[i];
  }
  return s;
}

/** Euclidean norm over all leaves, as a plain number. */
export function treeNorm(tree: Tree): number {
  return Math.sqrt(treeDot(tree, tree));
}

/** All leaves concatenated into one Float64Array (flatten order). */
export function treeToVector(tree: Tree): Float64Array {
  const ls = leaves(tree);
  const out = new Float64Array(ls.reduce((n, t) => n + t.size, 0));
  let o = 0;
  for (const t of ls) {
    out.set(t.data, o);
    o += t.size;
  }
  return out;
}

/** The inverse of treeToVector, shaped like `like` (dtypes follow `like`). */
export function vectorToTree<T extends Tree>(v: ArrayLike<number>, like: T): T {
  const { leaves: ls, def } = flatten(like);
  let o = 0;
  const out = ls.map((t) => {
    const data = t.dtype === "f64" ? new Float64Array(t.size) : new Float32Array(t.size);
    for (let i = 0; i < t.size; i++) data[i] = v[o + i];
    o += t.size;
    return new Tensor(data, t.shape);
  });
  if (o !== v.length) throw new RangeError(`vectorToTree: vector has ${v.length} entries, tree has ${o}`);
  return unflatten<T>(def, out);
}
