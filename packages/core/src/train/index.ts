// Barrel for train/: the training loop and its rows.
export * from "./rows.js";
export * from "./loop.js";
export * from "./serialize.js";
