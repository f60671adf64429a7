// Barrel for theory/: closed forms and solvers, each with limit tests and a simulation check.
export * as kernels from "./kernels/index.js";
export * as eigenlearning from "./eigenlearning/index.js";
export * as adversarial from "./adversarial/index.js";
export * as agf from "./agf/index.js";
export * as symmetry from "./symmetry/index.js";
export * as stochastic from "./stochastic/index.js";
export * as getRichQuick from "./get-rich-quick/index.js";
export * as lambdaBalanced from "./lambda-balanced/index.js";
export * as margin from "./margin/index.js";
