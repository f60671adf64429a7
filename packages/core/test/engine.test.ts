import { runConformance } from "./conformance.js";
import { runGradientChecks } from "./gradients.js";

// The reference backend against the tables; other backends run the same suites in their packages.
runConformance("reference");
runGradientChecks("reference");
