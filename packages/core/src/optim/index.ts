// Barrel for optim/: gradient transformations, aliases, schedules, gradient flow.
export * from "./transform.js";
export * from "./schedules.js";
export * from "./blocks.js";
export * from "./soap.js";
export * from "./ecd.js";
export * from "./aliases.js";
export * from "./flow/gradient-flow.js";
export * from "./flow/modified-loss.js";
export * from "./lr-scale.js";
