// Barrel for theory/margin: quasi-homogeneous models and their asymmetric max-margin bias
// (Kunin, Yamamura, Ma & Ganguli, arXiv 2210.03820): rate assignment and the Euler check, the exact
// small-data hard-margin SVM, and neural-collapse metrics.
export * from "./rates.js";
export * from "./assign.js";
export * from "./svm.js";
export * from "./collapse.js";
