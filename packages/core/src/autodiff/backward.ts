import { Tensor, type Node, zeros } from "../tensor/tensor.js";
import { shapesEqual } from "../tensor/shape.js";
import { vjpRules, type VjpRule } from "../prim/vjp-rules.js";
import type { Prim } from "../prim/primitives.js";
import { add } from "../ops/elementwise.js";

/**
 * Reverse-mode accumulation: cotangents of `leaves` given cotangents of `outputs`.
 *
 * Walks the graph from the outputs, in reverse topological order, applying each primitive's VJP
 * rule. Nodes created before the leaves cannot depend on them and are pruned (node ids grow with
 * creation), and rules are asked only for the inputs that depend on a leaf. Leaves of another
 * differentiation level (prim === null) pass cotangents through as the identity, which is what
 * makes nested differentiation (HVP, jvp via double vjp) work. Returns null for a leaf the
 * outputs do not depend on.
 */
export function backward(outputs: readonly Tensor[], cotangents: readonly Tensor[], leaves: readonly Tensor[]): (Tensor | null)[] {
  const leafNodes = new Set<Node>();
  let minId = Infinity;
  for (const l of leaves) {
    if (l.node === null) throw new Error("backward: leaf has no graph node (internal error)");
    leafNodes.add(l.node);
    minId = Math.min(minId, l.node.id);
  }

  // Post-order DFS (iterative: graphs can be deep, e.g. an RNN unrolled over many steps).
  const order: Node[] = [];
  const tensorOf = new Map<Node, Tensor>();
  const depends = new Map<Node, boolean>();
  const stack: [Tensor, number][] = [];
  const push = (t: Tensor): void => {
    const n = t.node;
    if (n === null || n.id < minId || tensorOf.has(n)) return;
    tensorOf.set(n, t);
    stack.push([t, 0]);
  };
  // One root at a time: a node still on the stack is then always an ancestor of the top, so
  // every input of a finished node is finished before it.
  for (const o of outputs) {
    push(o);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const n = top[0].node as Node;
      if (!leafNodes.has(n) && top[1] < n.inputs.length) {
        push(n.inputs[top[1]++]);
        continue;
      }
      stack.pop();
      let dep = leafNodes.has(n);
      if (!dep) for (const inp of n.inputs) if (inp.node !== null && depends.get(inp.node) === true) dep = true;
      depends.set(n, dep);
      order.push(n);
    }
  }

  const cts = new Map<Node, Tensor>();
  const accumulate = (n: Node, target: Tensor, g: Tensor): void => {
    if (!shapesEqual(g.shape, target.shape)) {
      throw new Error(`backward: cotangent shape [${g.shape.join(", ")}] does not match [${target.shape.join(", ")}] (${n.prim ?? "leaf"}; a VJP rule is wrong)`);
    }
    const prev = cts.get(n);
    cts.set(n, prev === undefined ? g : add(prev, g));
  };
  outputs.forEach((o, i) => {
    if (o.node !== null && depends.get(o.node) === true) accumulate(o.node, o, cotangents[i]);
  });

  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (leafNodes.has(n)) continue;
    const g = cts.get(n);
    if (g === undefined || depends.get(n) !== true) continue;
    cts.delete(n);
    const needs = n.inputs.map((inp) => inp.node !== null && depends.get(inp.node) === true);
    let grads: (Tensor | null)[];
    if (n.prim === null) {
      grads = [g];
    } else {
      const rule = vjpRules[n.prim] as VjpRule<Prim>;
      grads = rule(g, n.inputs, tensorOf.get(n) as Tensor, n.params as never, needs);
    }
    n.inputs.forEach((inp, j) => {
      const gj = grads[j];
      if (needs[j] && gj !== null && gj !== undefined) accumulate(inp.node as Node, inp, gj);
    });
  }
  return leaves.map((l) => cts.get(l.node as Node) ?? null);
}

/** Zeros shaped like `t` (used for leaves that receive no cotangent). */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}
