import { checkDimension } from "./checks.js";

/**
 * Discrete Fourier transform X_k = sum_j x_j exp(-2 pi i jk / n) of `batch` contiguous signals of
 * length n, in place on (re, im); the inverse, x_j = (1/n) sum_k X_k exp(+2 pi i jk / n), includes
 * the 1/n factor (computed as conj(DFT(conj(X))) / n). Powers of two use an iterative radix-2
 * Cooley-Tukey transform (Cooley & Tukey 1965); other lengths use Bluestein's chirp-z algorithm
 * (Bluestein 1970): with w_j = exp(-i pi j^2 / n), X_k = w_k sum_j (x_j w_j) conj(w_{k-j}), a
 * circular convolution of power-of-two length >= 2n - 1. Twiddles and chirps are evaluated from
 * exact angles (Math.cos/sin of 2 pi k / n, and of pi (j^2 mod 2n) / n), never by recurrence, so
 * the error is ~1e-15 relative to the signal norm. Tables are built once per call and shared by
 * the batch.
 */
export function fft(re: Float64Array, im: Float64Array, n: number, batch: number, inverse: boolean): void {
  checkDimension("fft", "n", n);
  checkDimension("fft", "batch", batch);
  if (re.length < n * batch || im.length < n * batch) {
    throw new RangeError(`fft: re/im have ${re.length}/${im.length} entries, but ${batch} signals of length ${n} need ${n * batch}`);
  }
  if (n <= 1 || batch === 0) return; // the DFT of one sample is itself
  const transform = isPowerOfTwo(n) ? radix2Transform(n) : bluesteinTransform(n);
  for (let b = 0; b < batch; b++) {
    const xr = re.subarray(b * n, (b + 1) * n);
    const xi = im.subarray(b * n, (b + 1) * n);
    if (inverse) for (let i = 0; i < n; i++) xi[i] = -xi[i];
    transform(xr, xi);
    if (inverse) {
      for (let i = 0; i < n; i++) {
        xr[i] /= n;
        xi[i] = -xi[i] / n;
      }
    }
  }
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** A forward DFT of fixed length, in place. */
type Transform = (re: Float64Array, im: Float64Array) => void;

/**
 * Radix-2 decimation-in-time transform for n = 2^p: bit-reversal permutation, then log2(n)
 * stages of butterflies (a, b) <- (a + w b, a - w b) with w = exp(-2 pi i k / len).
 */
function radix2Transform(n: number): Transform {
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half); // -sin(2 pi k / n): forward twiddles
  for (let k = 0; k < half; k++) {
    const angle = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(angle);
    sin[k] = -Math.sin(angle);
  }
  const bits = Math.round(Math.log2(n));
  const swapWith = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    swapWith[i] = r;
  }
  return (re, im) => {
    for (let i = 0; i < n; i++) {
      const j = swapWith[i];
      if (i < j) {
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const span = len >> 1;
      const stride = n / len; // twiddle index step: exp(-2 pi i k / len) = table[k * stride]
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < span; k++) {
          const wr = cos[k * stride];
          const wi = sin[k * stride];
          const a = start + k;
          const b = a + span;
          const br = re[b];
          const bi = im[b];
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  };
}

/**
 * Bluestein's algorithm for any n: a = x w (chirp-modulated, zero-padded to m = 2^p >= 2n - 1),
 * X = w (a (*) conj(w)) with (*) the circular convolution of length m, evaluated as
 * IDFT(DFT(a) DFT(conj(w) wrapped)); the kernel's DFT is precomputed.
 */
function bluesteinTransform(n: number): Transform {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2Transform(m);
  const chirpRe = new Float64Array(n); // w_j = exp(-i pi j^2 / n)
  const chirpIm = new Float64Array(n);
  const twoN = 2 * n;
  for (let j = 0; j < n; j++) {
    // j^2 mod 2n keeps the angle in [0, 2 pi) and exact (j^2 < 2^53 for any feasible n).
    const angle = (Math.PI * ((j * j) % twoN)) / n;
    chirpRe[j] = Math.cos(angle);
    chirpIm[j] = -Math.sin(angle);
  }
  const kernelRe = new Float64Array(m); // conj(w) at offsets 0..n-1 and -(n-1)..-1 (mod m)
  const kernelIm = new Float64Array(m);
  kernelRe[0] = chirpRe[0];
  kernelIm[0] = -chirpIm[0];
  for (let j = 1; j < n; j++) {
    kernelRe[j] = kernelRe[m - j] = chirpRe[j];
    kernelIm[j] = kernelIm[m - j] = -chirpIm[j];
  }
  inner(kernelRe, kernelIm);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return (re, im) => {
    ar.fill(0);
    ai.fill(0);
    for (let j = 0; j < n; j++) {
      ar[j] = re[j] * chirpRe[j] - im[j] * chirpIm[j];
      ai[j] = re[j] * chirpIm[j] + im[j] * chirpRe[j];
    }
    inner(ar, ai);
    // Pointwise product, conjugated so that a second forward transform gives the inverse.
    for (let k = 0; k < m; k++) {
      const pr = ar[k] * kernelRe[k] - ai[k] * kernelIm[k];
      const pi = ar[k] * kernelIm[k] + ai[k] * kernelRe[k];
      ar[k] = pr;
      ai[k] = -pi;
    }
    inner(ar, ai);
    for (let k = 0; k < n; k++) {
      const cr = ar[k] / m;
      const ci = -ai[k] / m;
      re[k] = cr * chirpRe[k] - ci * chirpIm[k];
      im[k] = cr * chirpIm[k] + ci * chirpRe[k];
    }
  };
}
