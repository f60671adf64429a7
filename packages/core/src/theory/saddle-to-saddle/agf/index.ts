// Barrel for theory/agf: Alternating Gradient Flows (arXiv 2506.06489) — the generic engine for
// sums of homogeneous neurons and the closed forms of its four settings.
export * from "./objective.js";
export * from "./neuron-model.js";
export * from "./threshold.js";
export * from "./dormant.js";
export * from "./cost.js";
export * from "./engine.js";
export * from "./staircase.js";
export * from "./dense.js";
export * from "./sign-constrained-least-squares.js";
export * from "./diagonal-linear.js";
export * from "./pesme-flammarion.js";
export * from "./diagonal-linear-neurons.js";
export * from "./linear-network.js";
export * from "./linear-network-neurons.js";
export * from "./linear-transformer.js";
export * from "./attention-head-neurons.js";
export * from "./modular-addition.js";
export * from "./quadratic-neurons.js";
export * from "./compare.js";
export * from "./quadratic-network.js";
