import { allocate } from "../tensor/dtype.js";
import { sizeOf } from "../tensor/shape.js";
import { Tensor, newNodeId } from "../tensor/tensor.js";
import { activeBackend, reference } from "../backend/registry.js";
import type { Kernel } from "../backend/backend.js";
import type { Prim, PrimParams } from "./primitives.js";
import { shapeRules } from "./shape-rules.js";
import { isRecording } from "../autodiff/trace-state.js";

/**
 * Applies primitive `p` to `inputs`: checks dtypes, computes the output shape from the shape
 * rule, allocates the output, runs the active backend's kernel (reference fallback), and records
 * a graph node when differentiation is in progress and an input is on the graph.
 */
export function bind<P extends Prim>(p: P, inputs: readonly Tensor[], params: PrimParams[P]): Tensor {
  const dtype = inputs[0].dtype;
  if (p !== "cast") {
    for (let i = 1; i < inputs.length; i++) {
      if (inputs[i].dtype !== dtype) {
        throw new TypeError(`${p}: input ${i} is ${inputs[i].dtype} but input 0 is ${dtype}; cast one of them (cast(x, '${dtype}'))`);
      }
    }
  }
  const shapes = inputs.map((t) => t.shape);
  const outShape = shapeRules[p](shapes, params);
  const outDtype = p === "cast" ? (params as PrimParams["cast"]).dtype : dtype;
  let data;
  if (p === "reshape" || (p === "cast" && outDtype === dtype)) {
    data = inputs[0].data; // views: tensors are immutable, so sharing the buffer is safe
  } else {
    const backend = activeBackend();
    const own = backend.kernels[p] as Kernel<P> | undefined;
    const size = sizeOf(outShape);
    if (own !== undefined) {
      data = backend.allocate !== undefined ? backend.allocate(outDtype, size) : allocate(outDtype, size);
      own({ inputs: inputs.map((t) => t.data), shapes, params, out: data, outShape });
    } else {
      data = allocate(outDtype, size);
      (reference().kernels[p] as Kernel<P>)({ inputs: inputs.map((t) => t.data), shapes, params, out: data, outShape });
    }
  }
  const out = new Tensor(data, outShape === inputs[0].shape ? [...outShape] : outShape, null, true);
  if (isRecording() && inputs.some((t) => t.node !== null)) {
    out.node = { id: newNodeId(), prim: p, inputs, params };
  }
  return out;
}
