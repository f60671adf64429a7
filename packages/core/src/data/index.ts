// Barrel for data/: seeded task generators, groups and loaders.
export * from "./dataset.js";
export * from "./batches.js";
export * from "./spectrum.js";
export * from "./gaussian.js";
export * from "./teacher-student.js";
export * from "./power-law-regression.js";
export * from "./gaussian-design.js";
export * from "./sparse-parity.js";
export * from "./circle.js";
export * from "./modular-arithmetic.js";
export * from "./modular-template.js";
export * from "./csv.js";
export * from "./groups/index.js";
export * from "./gaussian-mixture.js";
