/**
 * Discrete Fourier transform X_k = sum_j x_j exp(-2 pi i jk / n) of `batch` contiguous signals of
 * any length n, in place on (re, im). Powers of two use an iterative radix-2 Cooley-Tukey
 * transform; other lengths use Bluestein's chirp-z algorithm (a length-n DFT as a circular
 * convolution of power-of-two length >= 2n - 1). The inverse includes the 1/n factor.
 * Twiddles are computed from exact angles (Math.cos/sin of 2 pi k / n), not by recurrence.
 */
export function fft(re: Float64Array, im: Float64Array, n: number, batch: number, inverse: boolean): void {
  if (n <= 1) return;
  const plan = isPow2(n) ? null : bluesteinPlan(n);
  for (let b = 0; b < batch; b++) {
    const xr = re.subarray(b * n, (b + 1) * n);
    const xi = im.subarray(b * n, (b + 1) * n);
    if (inverse) for (let i = 0; i < n; i++) xi[i] = -xi[i];
    if (plan === null) radix2(xr, xi);
    else bluestein(xr, xi, plan);
    if (inverse) for (let i = 0; i < n; i++) {
      xr[i] /= n;
      xi[i] = -xi[i] / n;
    }
  }
}

function isPow2(n: number): boolean {
  return (n & (n - 1)) === 0;
}

/** In-place iterative radix-2 forward DFT (n a power of two). */
function radix2(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  const cosT = new Float64Array(n / 2);
  const sinT = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cosT[k] = Math.cos((2 * Math.PI * k) / n);
    sinT[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cosT[k * step];
        const wi = sinT[k * step];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

interface BluesteinPlan {
  n: number;
  m: number;
  /** chirp w_j = exp(-i pi j^2 / n) */
  wr: Float64Array;
  wi: Float64Array;
  /** DFT of the conjugate chirp sequence b, length m */
  br: Float64Array;
  bi: Float64Array;
}

function bluesteinPlan(n: number): BluesteinPlan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // j^2 mod 2n keeps the angle small and exact.
    const jj = (j * j) % (2 * n);
    const ang = (Math.PI * jj) / n;
    wr[j] = Math.cos(ang);
    wi[j] = -Math.sin(ang);
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = wr[0];
  bi[0] = -wi[0];
  for (let j = 1; j < n; j++) {
    br[j] = br[m - j] = wr[j];
    bi[j] = bi[m - j] = -wi[j];
  }
  radix2(br, bi);
  return { n, m, wr, wi, br, bi };
}

function bluestein(re: Float64Array, im: Float64Array, p: BluesteinPlan): void {
  const { n, m, wr, wi, br, bi } = p;
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    ar[j] = re[j] * wr[j] - im[j] * wi[j];
    ai[j] = re[j] * wi[j] + im[j] * wr[j];
  }
  radix2(ar, ai);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    const i = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
    ai[k] = -i; // conjugate, so a forward transform computes the inverse
  }
  radix2(ar, ai);
  for (let k = 0; k < n; k++) {
    const cr = ar[k] / m;
    const ci = -ai[k] / m;
    re[k] = cr * wr[k] - ci * wi[k];
    im[k] = cr * wi[k] + ci * wr[k];
  }
}
