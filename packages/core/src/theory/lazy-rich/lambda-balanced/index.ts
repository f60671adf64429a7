// Barrel for theory/lambda-balanced: exact learning dynamics of lambda-balanced two-layer linear
// networks (Domine et al., "From Lazy to Rich", arXiv 2409.14623).
export * from "./init.js";
export * from "./qqt.js";
export * from "./aligned-mode.js";
export * from "./ntk.js";
