import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

const ctx = <P extends S.Tree>(params: P): S.ProbeContext<P> => ({ step: 0, t: 0, params, loss: 0, optState: null });

/** All p^2 rows roll(x, a + b) (a modular-addition target). */
function shifted(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let j = 0; j < p; j++) out[(a * p + b) * p + j] = x[(((j - a - b) % p) + 2 * p) % p];
  return out;
}

describe("output Fourier amplitudes", () => {
  it("rows that are shifts of a template carry exactly |x_hat_k| at every frequency", () => {
    const p = 12;
    const x = S.cyclicTemplate(p, [{ frequency: 1, magnitude: 6 }, { frequency: 4, magnitude: 2.5 }]);
    const mags = S.agf.dftMagnitudes(x);
    const freqs = [0, 1, 2, 4, 6];
    const amp = S.outputFourierAmplitudes(shifted(x, p), p, freqs);
    freqs.forEach((k, i) => expect(amp[i]).toBeCloseTo(mags[k], 10));
    expect(amp[1]).toBeCloseTo(6, 10);
    expect(amp[3]).toBeCloseTo(2.5, 10);
    expect(Math.abs(amp[2])).toBeLessThan(1e-10);
  });

  it("the probe reports the fraction of the reference amplitude: half a frequency reads 0.5, the other stays 1", () => {
    const p = 10;
    const full = S.cyclicTemplate(p, [{ frequency: 1, magnitude: 4 }, { frequency: 3, magnitude: 2 }]);
    const half = S.cyclicTemplate(p, [{ frequency: 1, magnitude: 4 }, { frequency: 3, magnitude: 1 }]);
    const pr = S.outputFourierProbe((q: { f: S.Tensor }) => q.f.data, { p, freqs: [1, 3], reference: [4, 2] });
    expect(pr.name).toBe("fourier");
    const m = pr.measure(ctx({ f: S.tensor(Array.from(shifted(half, p))) }));
    expect(m.f1).toBeCloseTo(1, 10);
    expect(m.f3).toBeCloseTo(0.5, 10);
    const raw = S.outputFourierProbe((q: { f: S.Tensor }) => q.f.data, { p, freqs: [3], name: "out" }).measure(ctx({ f: S.tensor(Array.from(shifted(full, p))) }));
    expect(raw.f3).toBeCloseTo(2, 10);
  });

  it("rejects outputs that are not rows of p, frequencies outside [0, p) and a reference of the wrong length", () => {
    expect(() => S.outputFourierAmplitudes(new Float64Array(7), 3, [1])).toThrow(/rows of p = 3/);
    expect(() => S.outputFourierAmplitudes(new Float64Array(6), 3, [3])).toThrow(/freqs\[0\]/);
    expect(() => S.outputFourierProbe(() => new Float64Array(6), { p: 3, freqs: [1], reference: [1, 2] })).toThrow(/one value per frequency/);
  });
});
