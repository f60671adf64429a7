// Barrel for data/groups/: finite groups, their real irreps, Fourier analysis and composition tasks.
export * from "./group.js";
export * from "./cyclic.js";
export * from "./direct-product.js";
export * from "./dihedral.js";
export * from "./symmetric.js";
export * from "./irrep-checks.js";
export * from "./fourier.js";
export * from "./template.js";
export * from "./composition.js";
