export * from "./kit/index.js";
export * from "./registry.js";
