// Barrel for models/: parameter trees plus pure apply functions; parametrizations as data.
export * from "./parametrization.js";
export * from "./activations.js";
export * from "./mlp.js";
export * from "./linear-models.js";
export * from "./init.js";
export * from "./coord-check.js";
export * from "./transformer.js";
export * from "./rnn.js";
export * from "./embedding.js";
export * from "./two-layer.js";
