import type { Rng } from "@saddle/core";

/**
 * A deterministic synthetic character corpus: an order-2 Markov chain over `vocab` characters in
 * which every context (a, b) has `branching` possible next characters with random probabilities
 * (weights exp(N(0, 1)), normalised). Everything is drawn from the given RNG, so (config, seed)
 * fixes the text. The chain's entropies are known exactly, which gives the losses a model can
 * reach (nats per character):
 *  - unigram entropy H(X) of the stationary marginal (a model that ignores context);
 *  - the best loss of a causal model on windows of length T: the first position has no context,
 *    the second one character, the rest two:
 *      bayes(T) = [H(X_0) + H(X_1 | X_0) + (T - 2) H(X_t | X_{t-1}, X_{t-2})] / T.
 */
export interface MarkovCorpus {
  vocab: number;
  /** next[(a * V + b) * V + c] = P(c | a, b). */
  next: Float64Array;
  /** Stationary distribution over contexts (a, b), length V^2. */
  stationary: Float64Array;
  train: Int32Array;
  val: Int32Array;
  /** Entropy of the stationary marginal, nats. */
  unigramEntropy: number;
  /** H(X_1 | X_0) under stationarity, nats. */
  bigramEntropy: number;
  /** Entropy rate H(X_t | X_{t-1}, X_{t-2}), nats. */
  entropyRate: number;
}

const plogp = (p: number) => (p > 0 ? -p * Math.log(p) : 0);

/** Draws the chain and a train/val text from it (one continuous sequence, split in two). */
export function markovCorpus(rng: Rng, { vocab, branching, trainLength, valLength }: { vocab: number; branching: number; trainLength: number; valLength: number }): MarkovCorpus {
  const V = vocab;
  const next = new Float64Array(V * V * V);
  for (let c = 0; c < V * V; c++) {
    const perm = rng.permutation(V);
    let total = 0;
    for (let k = 0; k < branching; k++) {
      const w = Math.exp(rng.nextNormal());
      next[c * V + perm[k]] = w;
      total += w;
    }
    for (let k = 0; k < V; k++) next[c * V + k] /= total;
  }
  // Stationary law of the context chain (a, b) -> (b, c): power iteration on the lazy chain (1/2)(I + P).
  let pi = new Float64Array(V * V).fill(1 / (V * V));
  for (let it = 0; it < 4000; it++) {
    const nxt = new Float64Array(V * V);
    for (let a = 0; a < V; a++) {
      for (let b = 0; b < V; b++) {
        const m = pi[a * V + b];
        nxt[a * V + b] += 0.5 * m;
        for (let c = 0; c < V; c++) nxt[b * V + c] += 0.5 * m * next[(a * V + b) * V + c];
      }
    }
    pi = nxt;
  }
  const marginal = new Float64Array(V); // P(X = b) = sum_a pi(a, b)
  for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) marginal[b] += pi[a * V + b];
  let unigramEntropy = 0;
  for (const p of marginal) unigramEntropy += plogp(p);
  let jointEntropy = 0; // H(X_0, X_1)
  for (const p of pi) jointEntropy += plogp(p);
  let entropyRate = 0;
  for (let c = 0; c < V * V; c++) {
    let h = 0;
    for (let k = 0; k < V; k++) h += plogp(next[c * V + k]);
    entropyRate += pi[c] * h;
  }
  // Text: start from a stationary context, then follow the chain.
  const total = trainLength + valLength;
  const text = new Int32Array(total);
  const start = rng.categorical(pi, 1)[0];
  text[0] = Math.floor(start / V);
  text[1] = start % V;
  for (let i = 2; i < total; i++) {
    const c = text[i - 2] * V + text[i - 1];
    text[i] = rng.categorical(next.subarray(c * V, (c + 1) * V), 1)[0];
  }
  return {
    vocab: V,
    next,
    stationary: pi,
    train: text.slice(0, trainLength),
    val: text.slice(trainLength),
    unigramEntropy,
    bigramEntropy: jointEntropy - unigramEntropy,
    entropyRate,
  };
}

/** The Bayes-optimal mean cross-entropy of a causal model over windows of length T (nats). */
export function bayesWindowLoss(corpus: Pick<MarkovCorpus, "unigramEntropy" | "bigramEntropy" | "entropyRate">, seqLen: number): number {
  if (seqLen === 1) return corpus.unigramEntropy;
  return (corpus.unigramEntropy + corpus.bigramEntropy + (seqLen - 2) * corpus.entropyRate) / seqLen;
}

/** Next-token windows: inputs (B * T) and targets (B * T) from the given start offsets. */
export function windows(text: Int32Array, starts: ArrayLike<number>, seqLen: number): { tokens: Int32Array; targets: Int32Array } {
  const b = starts.length;
  const tokens = new Int32Array(b * seqLen);
  const targets = new Int32Array(b * seqLen);
  for (let i = 0; i < b; i++) {
    tokens.set(text.subarray(starts[i], starts[i] + seqLen), i * seqLen);
    targets.set(text.subarray(starts[i] + 1, starts[i] + seqLen + 1), i * seqLen);
  }
  return { tokens, targets };
}

/** B random window starts in a text of length n (each window needs T + 1 characters). */
export function randomStarts(rng: Rng, n: number, batch: number, seqLen: number): Int32Array {
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) out[i] = rng.nextInt(0, n - seqLen - 1);
  return out;
}
