// Barrel for probes/: measurements taken during training (each returns key/value pairs -> rows).
export * from "./probe.js";
export * from "./basic.js";
export * from "./conserved.js";
export * from "./spectrum.js";
export * from "./hessian.js";
export * from "./ntk.js";
export * from "./features.js";
export * from "./fourier.js";
export * from "./output-fourier.js";
export * from "./mechanics.js";
export * from "./noether.js";
