import type { LinalgKernels } from "../backend.js";
import { cholesky, choleskySolve } from "./linalg/cholesky.js";
import { eigh } from "./linalg/eigh.js";
import { fft } from "./linalg/fft.js";
import { lstsq } from "./linalg/lstsq.js";
import { solve } from "./linalg/lu.js";
import { qr } from "./linalg/qr.js";
import { svd } from "./linalg/svd.js";

/**
 * The pure-TypeScript linear algebra of the reference backend (the specification that a native
 * backend's kernels are checked against). Row-major float64 buffers; inputs are never modified.
 *   eigh      Householder tridiagonalisation + implicit QL (tred2/tql2)
 *   svd       pivoted QR + one-sided Jacobi on R^T (Drmac-Veselic)
 *   cholesky  Cholesky-Banachiewicz; choleskySolve by two triangular solves
 *   solve     LU with partial pivoting
 *   qr        Householder, reduced
 *   lstsq     minimum norm via the SVD
 *   fft       radix-2 Cooley-Tukey, Bluestein for other lengths
 */
export const referenceLinalg: LinalgKernels = { eigh, svd, cholesky, solve, choleskySolve, qr, lstsq, fft };
