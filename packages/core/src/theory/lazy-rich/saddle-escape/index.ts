// Barrel for theory/lazy-rich/saddle-escape: the first saddle escape of deep ReLU networks from
// small init (Bantzis, Simon & Jacot, arXiv 2505.21722).
export * from "./mlp.js";
export * from "./escape.js";
