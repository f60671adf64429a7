/**
 * @saddle/core: tensors, primitives, autodiff, backends and linear algebra. Zero runtime
 * dependencies; runs in Node and in the browser. This barrel is the public API.
 */
export * from "./tensor/dtype.js";
export * from "./tensor/shape.js";
export * from "./tensor/tensor.js";
export { Rng } from "./tensor/rng.js";
export * from "./tensor/random.js";
export { PRIMS, UNARY_PRIMS, BINARY_PRIMS, type Prim, type PrimParams, type UnaryPrim, type BinaryPrim } from "./prim/primitives.js";
export { bind } from "./prim/bind.js";
export { shapeRules, type ShapeRule } from "./prim/shape-rules.js";
export { vjpRules, type VjpRule } from "./prim/vjp-rules.js";
export * from "./ops/elementwise.js";
export * from "./ops/movement.js";
export * from "./ops/reduce.js";
export * from "./ops/matmul.js";
export * from "./ops/nn.js";
export * from "./tree.js";
export { vjp, grad, valueAndGrad, valueAndGradWithAux, jvp, hvp, jacobian, hessian, treeVdot } from "./autodiff/transforms.js";
export { noGrad, isRecording } from "./autodiff/trace-state.js";
export type { Backend, Kernel, KernelArgs, KernelTable, FullKernelTable, LinalgKernels, EighResult, SvdResult, QrResult, ReferenceBackend } from "./backend/backend.js";
export { registerBackend, setBackend, getBackend, withBackend, listBackends, kernelFor, linalgFor, reference, activeBackend } from "./backend/registry.js";
export { referenceKernels, unaryFns, binaryFns } from "./backend/reference/kernels.js";
export { matmulLayout, type MatmulLayout } from "./backend/matmul-layout.js";
export * as linalg from "./linalg/index.js";
export * from "./models/index.js";
export * from "./optim/index.js";
export * from "./solve/index.js";
export * from "./data/index.js";
export * from "./probes/index.js";
export * from "./theory/index.js";
export * from "./train/index.js";
export * from "./conventions.js";
