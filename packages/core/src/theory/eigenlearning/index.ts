export * from "./risk.js";
export * from "./random-features.js";
