import { requireFinite, requireInt } from "./validate.js";

/**
 * A power-law spectrum lambda_i = i^(-alpha) for i = 1..d (lambda_1 = 1), the eigenvalue decay of
 * the eigenlearning and random-feature papers (Simon et al., arXiv 2110.03922, 2311.14646; Bordelon
 * et al., arXiv 2409.17858, "capacity" alpha). With `trace`, the values are rescaled so that
 * sum_i lambda_i = trace (AGF's linear transformer uses lambda proportional to 1/i with
 * trace 2: (0.96, 0.48, 0.32, 0.24) for d = 4, arXiv 2506.06489).
 */
export function powerLawSpectrum(d: number, alpha: number, { trace }: { trace?: number } = {}): Float64Array {
  requireInt("d", d);
  requireFinite("alpha", alpha);
  const s = Float64Array.from({ length: d }, (_, i) => (i + 1) ** -alpha);
  if (trace === undefined) return s;
  requireFinite("trace", trace, "positive");
  const total = s.reduce((a, b) => a + b, 0);
  return s.map((v) => (v * trace) / total);
}
