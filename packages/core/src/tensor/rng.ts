/**
 * An explicit, seeded, splittable random number generator. Never `Math.random`: every random draw
 * in Saddle comes from an `Rng` passed as an argument, so a run is reproducible from
 * (config, seed).
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state of four uint32 words, seeded
 * through splitmix32 so that nearby seeds give unrelated streams. Floats carry 53 random bits.
 * `split()` derives an independent child from the parent's stream (advancing the parent);
 * `fork(label)` derives a child from the current state and a label without advancing the parent,
 * so named sub-streams ("init", "data", "noise") do not shift when another is added.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  /** A generator from an integer seed (any safe integer) or a string. */
  static seed(seed: number | string): Rng {
    let h: number;
    if (typeof seed === "string") {
      h = hashString(seed);
    } else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer or a string, got ${seed}`);
      const lo = seed >>> 0;
      const hi = Math.floor(seed / 2 ** 32) >>> 0;
      h = mix32(lo ^ mix32(hi + 0x85ebca6b));
    }
    const sm = splitmix32(h);
    return new Rng(sm(), sm(), sm(), sm());
  }

  /** The state as four uint32 words (for checkpoints). */
  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A generator restored from `state()`. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4) throw new RangeError(`Rng state must have 4 words, got ${state.length}`);
    return new Rng(state[0], state[1], state[2], state[3]);
  }

  /** Next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box-Muller; one of the pair is used). */
  nextNormal(): number {
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [lo, hi) (unbiased, by rejection). */
  nextInt(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) {
      throw new RangeError(`nextInt needs integers lo < hi, got lo=${lo}, hi=${hi}`);
    }
    const range = hi - lo;
    if (range <= 2 ** 32) {
      const limit = 2 ** 32 - (2 ** 32 % range);
      let x = this.nextU32();
      while (x >= limit) x = this.nextU32();
      return lo + (x % range);
    }
    return lo + Math.floor(this.nextFloat() * range);
  }

  /** An independent child generator; advances this one. */
  split(): Rng {
    const a = this.nextU32();
    const b = this.nextU32();
    const c = this.nextU32();
    const d = this.nextU32();
    const sm = splitmix32(mix32(a ^ mix32(b ^ mix32(c ^ mix32(d)))));
    return new Rng(sm() ^ a, sm() ^ b, sm() ^ c, sm() ^ d);
  }

  /** `n` independent children; advances this one. */
  splitN(n: number): Rng[] {
    return Array.from({ length: n }, () => this.split());
  }

  /** A child determined by the current state and `label`; does not advance this one. */
  fork(label: number | string): Rng {
    const l = typeof label === "string" ? hashString(label) : mix32((label >>> 0) ^ mix32(Math.floor(label / 2 ** 32)));
    const sm = splitmix32(mix32(this.s0 ^ l) ^ mix32(this.s1 + 0x632be5ab) ^ mix32(this.s2 ^ 0x7f4a7c15) ^ this.s3);
    return new Rng(sm() ^ this.s3, sm() ^ this.s2, sm() ^ l, sm());
  }

  /** Fills `out` with uniform draws in [low, high). */
  fillUniform(out: Float64Array | Float32Array, low = 0, high = 1): void {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.nextFloat();
  }

  /** Fills `out` with normal draws of the given mean and standard deviation (Box-Muller pairs). */
  fillNormal(out: Float64Array | Float32Array, mean = 0, std = 1): void {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      let u = this.nextFloat();
      while (u === 0) u = this.nextFloat();
      const v = this.nextFloat();
      const r = Math.sqrt(-2 * Math.log(u));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
      out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
    }
    if (i < n) out[i] = mean + std * this.nextNormal();
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`permutation size must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(0, i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * `count` draws from the categorical distribution with (unnormalised, non-negative) weights
   * `probs`, by inverse CDF with binary search.
   */
  categorical(probs: ArrayLike<number>, count: number): Int32Array {
    const k = probs.length;
    if (k === 0) throw new RangeError("categorical needs at least one category");
    const cdf = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const p = probs[i];
      if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`categorical weight ${i} is ${p}; weights must be finite and >= 0`);
      total += p;
      cdf[i] = total;
    }
    if (!(total > 0)) throw new RangeError("categorical weights sum to 0");
    const out = new Int32Array(count);
    for (let s = 0; s < count; s++) {
      const u = this.nextFloat() * total;
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      out[s] = lo;
    }
    return out;
  }

  /** `count` Bernoulli(p) draws as 0/1. */
  bernoulli(p: number, count: number): Uint8Array {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli probability must be in [0, 1], got ${p}`);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.nextFloat() < p ? 1 : 0;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function mix32(h: number): number {
  h >>>= 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}
