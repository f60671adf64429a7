// Barrel for theory/: closed forms and solvers of the papers, each with limit tests and a
// simulation check. Folders mirror the experiment families (packages/experiments/src/<family>/);
// the namespaces (S.agf, S.kernels, ...) name the modules, not the folders.
// saddle-to-saddle
export * as agf from "./saddle-to-saddle/agf/index.js";
export * as stepwiseSsl from "./saddle-to-saddle/stepwise-ssl/index.js";
export * as groupComposition from "./saddle-to-saddle/group-composition/index.js";
// kernels
export * as kernels from "./kernels/analytic/index.js";
export * as eigenlearning from "./kernels/eigenlearning/index.js";
export * as adversarial from "./kernels/adversarial/index.js";
// symmetry
export * as symmetry from "./symmetry/conservation/index.js";
export * as stochastic from "./symmetry/stochastic/index.js";
export * as margin from "./symmetry/margin/index.js";
// lazy-rich
export * as getRichQuick from "./lazy-rich/get-rich-quick/index.js";
export * as lambdaBalanced from "./lazy-rich/lambda-balanced/index.js";
export * as saddleEscape from "./lazy-rich/saddle-escape/index.js";
export * as ultraRich from "./lazy-rich/ultra-rich/index.js";
