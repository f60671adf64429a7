export * from "./risk.js";
export * from "./random-features.js";
export * from "./kernel-dynamics.js";
