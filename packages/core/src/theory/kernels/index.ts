export * from "./stax.js";
