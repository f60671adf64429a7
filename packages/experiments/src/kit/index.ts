// Barrel for the experiment kit: define experiments, their claims, rules, domains and figures.
export * from "./papers.js";
export * from "./rule.js";
export * from "./claim.js";
export * from "./domain.js";
export * from "./context.js";
export * from "./figure.js";
export * from "./define.js";
export * from "./execute.js";
export * from "./measure.js";
