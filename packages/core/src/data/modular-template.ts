import type { Dataset } from "./dataset.js";
import { cyclic } from "./groups/cyclic.js";
import { type CompositionSequences, groupCompositionDataset } from "./groups/composition.js";
import { requireInt } from "./validate.js";

/** One chosen Fourier component of a template on Z_p: x_hat_k = magnitude * e^(i phase). */
export interface FourierComponent {
  frequency: number;
  magnitude: number;
  /** Radians (default 0); must be 0 or pi at the Nyquist frequency k = p/2. */
  phase?: number;
}

/**
 * A real, mean-centred signal x on Z_p with a chosen DFT at chosen frequencies (AGF's modular
 * addition template, arXiv 2506.06489: template = ifft(spectrum)): x_hat_k = m_k e^(i phi_k) and
 * x_hat_(p-k) = conj(x_hat_k) for the listed 1 <= k <= p/2, zero elsewhere, so
 * x_j = (1/p) sum_k x_hat_k e^(2 pi i j k / p) = (2/p) sum_k m_k cos(2 pi j k / p + phi_k)
 * (1/p instead of 2/p at k = p/2), with x_hat_k = sum_j x_j e^(-2 pi i j k / p) (numpy's fft). Its
 * one-sided power is P_k = 2 m_k^2 / p and sum_j x_j^2 = sum_k P_k; e.g. p = 20 with
 * |x_hat_1| = 10, |x_hat_3| = 5, |x_hat_5| = 2.5 has mean square 0.65625.
 */
export function cyclicTemplate(p: number, spectrum: readonly FourierComponent[]): Float64Array {
  requireInt("p", p, 2);
  const seen = new Set<number>();
  const x = new Float64Array(p);
  spectrum.forEach(({ frequency: k, magnitude: m, phase = 0 }, i) => {
    if (!Number.isInteger(k) || k < 1 || 2 * k > p) throw new RangeError(`spectrum[${i}].frequency must be an integer in 1..${Math.floor(p / 2)} (the template is mean-centred), got ${k}`);
    if (seen.has(k)) throw new RangeError(`spectrum[${i}]: frequency ${k} is listed twice`);
    seen.add(k);
    if (!Number.isFinite(m) || m < 0) throw new RangeError(`spectrum[${i}].magnitude must be a finite number >= 0, got ${m}`);
    if (!Number.isFinite(phase)) throw new RangeError(`spectrum[${i}].phase must be finite, got ${phase}`);
    const nyquist = 2 * k === p;
    if (nyquist && Math.abs(Math.sin(phase)) > 1e-12) throw new RangeError(`spectrum[${i}]: at the Nyquist frequency ${k} the phase must be 0 or pi for a real signal, got ${phase}`);
    const weight = (nyquist ? 1 : 2) / p;
    for (let j = 0; j < p; j++) x[j] += weight * m * Math.cos((2 * Math.PI * ((j * k) % p)) / p + phase);
  });
  return x;
}

/**
 * AGF's modular addition task with a template (arXiv 2506.06489): for all p^2 pairs (a, b), row
 * a p + b, input [roll(x, a), roll(x, b)] (p^2, 2p) and target roll(x, (a + b) mod p) (p^2, p),
 * where roll(x, a)_j = x_((j - a) mod p); labels (a + b) mod p. This is
 * `groupCompositionDataset(cyclic(p), x, {k: 2})`.
 */
export function modularTemplateTask(template: ArrayLike<number>): Dataset & CompositionSequences & { labels: Int32Array } {
  const p = template.length;
  requireInt("template length p", p, 2);
  const data = groupCompositionDataset(cyclic(p), template, { k: 2 });
  return { ...data, meta: { ...data.meta, task: "modular-addition-template", p } };
}
