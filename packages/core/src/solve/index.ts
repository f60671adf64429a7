// Barrel for solve/: the numerical solvers theory and training share (one home for each):
// Dormand-Prince RK45 with dense output and events, L-BFGS, and bracketed root finding.
export * from "./rk45.js";
export * from "./lbfgs.js";
export * from "./roots.js";
