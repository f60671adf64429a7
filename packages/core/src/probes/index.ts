// Barrel for probes/: measurements taken during training.
export * from "./probe.js";
export * from "./basic.js";
export * from "./conserved.js";
export * from "./spectrum.js";
export * from "./ntk.js";
export * from "./features.js";
