// Symmetry theory (Neural Mechanics arXiv 2012.04728; Noether's Learning Dynamics arXiv 2105.02716):
// exact per-step identities, continuous weight-decay forms, momentum oscillator predictions and
// the scale-invariant (effective learning rate) laws.
export * from "./discrete.js";
export * from "./continuous.js";
export * from "./momentum.js";
export * from "./scale-invariant.js";
export * from "./tracked.js";
