// Stochastic-dynamics theory: stochastic collapse (arXiv 2306.04251) and the limiting dynamics of
// SGD with momentum (arXiv 2107.09133). Pure closed forms; limit tests in test/stochastic.test.ts.
export * from "./euler-maruyama.js";
export * from "./quartic.js";
export * from "./quartic-finite-time.js";
export * from "./neuron.js";
export * from "./diagonal.js";
export * from "./limiting-sgd.js";
export * from "./heavy-ball-moments.js";
