// Barrel for train/: the training loop, its rows and schedules, checkpoint encoding.
export * from "./rows.js";
export * from "./loop.js";
export * from "./serialize.js";
export * from "./query.js";
