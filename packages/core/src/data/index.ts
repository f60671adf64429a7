// Barrel for data/: seeded task generators and loaders.
export * from "./datasets.js";
export * from "./csv.js";
export * from "./groups.js";
