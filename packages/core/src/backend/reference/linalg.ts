import type { LinalgKernels } from "../backend.js";

// Placeholder replaced by the linear-algebra implementation (eigh, svd, ...).
const missing = (name: string) => () => {
  throw new Error(`reference ${name} is not implemented yet`);
};

export const referenceLinalg: LinalgKernels = {
  eigh: missing("eigh") as never,
  svd: missing("svd") as never,
  cholesky: missing("cholesky") as never,
  solve: missing("solve") as never,
  choleskySolve: missing("choleskySolve") as never,
  qr: missing("qr") as never,
  lstsq: missing("lstsq") as never,
  fft: missing("fft") as never,
};
