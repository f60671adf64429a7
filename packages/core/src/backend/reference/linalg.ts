import type { LinalgKernels } from "../backend.js";
import { eigh } from "./linalg/eigh.js";
import { svd } from "./linalg/svd.js";
import { cholesky, choleskySolve, lstsq, qr, solve } from "./linalg/dense.js";
import { fft } from "./linalg/fft.js";

/** The pure-TypeScript linear algebra of the reference backend. */
export const referenceLinalg: LinalgKernels = { eigh, svd, cholesky, solve, choleskySolve, qr, lstsq, fft };
