// Barrel for theory/: closed forms and solvers, each with limit tests and a simulation check.
export * as kernels from "./kernels/index.js";
export * as eigenlearning from "./eigenlearning/index.js";
export * as adversarial from "./adversarial/index.js";
