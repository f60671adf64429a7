import type { Tree } from "../tree.js";
import { type Probe, probe } from "./probe.js";

/**
 * Mean DFT amplitude of a network's outputs over Z_p at chosen frequencies: `outputs` holds n rows
 * of p outputs (row-major, output index j = 0..p-1, e.g. one row per input pair (a, b) of a
 * modular-arithmetic task) and amplitude[i] = (1/n) sum_r |F_hat_r(freqs[i])| with
 * F_hat_r(k) = sum_j F[r, j] e^(-2 pi i j k / p) (numpy's fft convention). A target whose rows are
 * shifts of one template x has |F_hat_r(k)| = |x_hat_k| on every row, so amplitude / |x_hat_k| is
 * the fraction of frequency k the network carries (Alternating Gradient Flows, arXiv 2506.06489,
 * section 5: frequencies are acquired one at a time).
 */
export function outputFourierAmplitudes(outputs: ArrayLike<number>, p: number, freqs: readonly number[]): Float64Array {
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`outputFourierAmplitudes: p must be an integer >= 2, got ${p}`);
  if (outputs.length % p !== 0 || outputs.length === 0) throw new RangeError(`outputFourierAmplitudes: outputs must hold n rows of p = ${p} values, got ${outputs.length} values`);
  freqs.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0 || k >= p) throw new RangeError(`outputFourierAmplitudes: freqs[${i}] must be an integer in [0, p), got ${k}`);
  });
  const n = outputs.length / p;
  const cos = freqs.map((k) => Float64Array.from({ length: p }, (_, j) => Math.cos((2 * Math.PI * ((j * k) % p)) / p)));
  const sin = freqs.map((k) => Float64Array.from({ length: p }, (_, j) => -Math.sin((2 * Math.PI * ((j * k) % p)) / p)));
  const out = new Float64Array(freqs.length);
  for (let r = 0; r < n; r++) {
    const off = r * p;
    for (let i = 0; i < freqs.length; i++) {
      let re = 0;
      let im = 0;
      const c = cos[i];
      const s = sin[i];
      for (let j = 0; j < p; j++) {
        const v = outputs[off + j];
        re += v * c[j];
        im += v * s[j];
      }
      out[i] += Math.hypot(re, im);
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}

/**
 * A probe of the frequencies a network's outputs carry over Z_p: `outputs(params)` gives the
 * outputs on every input (n rows of p, see `outputFourierAmplitudes`). Key `f<k>` for each
 * frequency k: the mean amplitude divided by `reference[i]` (e.g. the target template's |x_hat_k|,
 * so 1 means frequency k fully learned), or the raw amplitude without a reference.
 */
export function outputFourierProbe<P extends Tree>(outputs: (params: P) => ArrayLike<number>, { p, freqs, reference, name = "fourier" }: { p: number; freqs: readonly number[]; reference?: readonly number[]; name?: string }): Probe<P> {
  if (reference !== undefined && reference.length !== freqs.length) throw new RangeError(`outputFourierProbe: reference needs one value per frequency (${freqs.length}), got ${reference.length}`);
  return probe(name, ({ params }) => {
    const amp = outputFourierAmplitudes(outputs(params), p, freqs);
    const out: Record<string, number> = {};
    freqs.forEach((k, i) => (out[`f${k}`] = reference ? amp[i] / reference[i] : amp[i]));
    return out;
  });
}
