import type { ReferenceBackend } from "../backend.js";
import { referenceKernels } from "./kernels.js";
import { referenceLinalg } from "./linalg.js";

/** The pure-TypeScript backend: the specification, the browser backend and the fallback. */
export const referenceBackend: ReferenceBackend = {
  name: "reference",
  kernels: referenceKernels,
  linalg: referenceLinalg,
  describe: () => ({ backend: "reference", implementation: "pure TypeScript", threads: 1 }),
  getThreads: () => 1,
};
