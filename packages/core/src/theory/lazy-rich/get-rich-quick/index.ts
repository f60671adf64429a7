// Barrel for theory/get-rich-quick: exact solutions of Kunin et al., "Get rich quick" (arXiv 2406.06158).
export * from "./single-neuron.js";
export * from "./symmetrized-init.js";
