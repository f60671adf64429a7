export * from "./risk.js";
