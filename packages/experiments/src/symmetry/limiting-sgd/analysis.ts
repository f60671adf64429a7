import * as S from "@saddle/core";

/**
 * Peak of the averaged periodogram of real traces ([paths][T], T a power of two or not), in cycles
 * per step, refined by a parabola through the log power at the peak bin and its neighbours.
 */
export function spectralPeak(traces: readonly Float64Array[]): number {
  const T = traces[0].length;
  const flat = new Float64Array(traces.length * T); // [paths, T]
  traces.forEach((tr, p) => {
    let mean = 0;
    for (let j = 0; j < T; j++) mean += tr[j] / T;
    for (let j = 0; j < T; j++) flat[p * T + j] = tr[j] - mean;
  });
  const { re, im } = S.linalg.fft(S.tensor(flat, [traces.length, T]));
  const power = new Float64Array(Math.floor(T / 2) + 1); // [T/2 + 1]
  for (let p = 0; p < traces.length; p++) for (let k = 0; k < power.length; k++) {
    const a = re.data[p * T + k];
    const b = im.data[p * T + k];
    power[k] += a * a + b * b;
  }
  let best = 1;
  for (let k = 2; k < power.length - 1; k++) if (power[k] > power[best]) best = k;
  const l = Math.log(power[best - 1]);
  const c = Math.log(power[best]);
  const r = Math.log(power[best + 1]);
  const shift = (0.5 * (l - r)) / (l - 2 * c + r);
  return (best + (Number.isFinite(shift) ? shift : 0)) / T;
}

/**
 * Mean squared displacement E|x_{j+k} - x_j|^2 summed over directions, averaged over all origins j
 * and paths, for each lag k. traces: [paths][directions][T].
 */
export function meanSquaredDisplacement(traces: readonly (readonly Float64Array[])[], lags: readonly number[]): Float64Array {
  const out = new Float64Array(lags.length);
  lags.forEach((k, li) => {
    let acc = 0;
    let count = 0;
    for (const path of traces) {
      const T = path[0].length;
      for (let j = 0; j + k < T; j++) {
        let s = 0;
        for (const dir of path) s += (dir[j + k] - dir[j]) ** 2;
        acc += s;
        count++;
      }
    }
    out[li] = acc / count;
  });
  return out;
}

/** Least-squares slope of log y on log x. */
export function logLogSlope(x: readonly number[], y: ArrayLike<number>): number {
  const lx = x.map(Math.log);
  const ly = Array.from(y, Math.log);
  const n = lx.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Integer lags 1..maxLag, roughly log-spaced (count points), deduplicated. */
export function logLags(maxLag: number, count: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.max(1, Math.round(Math.exp((Math.log(maxLag) * i) / (count - 1)))));
  return [...out].sort((a, b) => a - b);
}
