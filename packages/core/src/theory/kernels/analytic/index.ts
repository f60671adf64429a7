// Analytic NNGP/NTK kernels as composable layer rules (stax-like).
export * from "./state.js";
export * from "./dense.js";
export * from "./elementwise.js";
