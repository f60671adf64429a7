/**
 * Parametrizations as data: for each weight layer l with fan-in n_l and fan-out n_{l+1}, the
 * standard deviation of its N(0, std^2) initialisation, the forward multiplier applied to it in
 * the model, and a learning-rate multiplier. Models read `multiplier` and `initStd`; optimizers
 * read `lrScale` (through `lrScaleTree` / a model's `lrScales(params)` and the optimizer block
 * `scaleByLrMultiplier`, optim/lr-scale.ts). Verified by the coord check (coord-check.ts), which
 * trains through `train()` for every kind x {SGD, Adam} (test/coord-check.test.ts).
 *
 * - "sp": standard (He-like) std sigma_w/sqrt(fan_in), bias std sigma_b, multiplier 1, lr 1
 *   (sigma_w = sqrt(2) is He init; NT's 'standard', Sohl-Dickstein et al., arXiv 2001.07301).
 * - "ntk": std 1, multiplier sigma_w/sqrt(fan_in) (Jacot et al., arXiv 1806.07572).
 * - "mup": the spectral condition (Yang, Simon & Bernstein, arXiv 2310.17813), equivalent to muP
 *   for SGD (Yang & Hu, arXiv 2011.14522): std = (1/sqrt(fan_in)) min(1, sqrt(fan_out/fan_in)),
 *   SGD lr multiplier fan_out/fan_in (input layer: N/d; hidden: 1; output: 1/N) and fan_out for
 *   biases (muP's "input weights and biases" rule). sigma_w is not used.
 * - "meanfield": richness gamma0 (Bordelon & Pehlevan, arXiv 2205.09653): NTK-style hidden
 *   layers (multiplier sigma_w/sqrt(fan_in), entries N(0, 1)), output multiplied by 1/(gamma0 N)
 *   (no output bias), every learning rate multiplied by gamma0^2 N. gamma0 -> 0 is the lazy limit.
 * - "output-scale": NTK parametrization with the output divided by gamma and the learning rate
 *   multiplied by gamma^2 (lazy for small gamma, rich for large; arXiv 2410.04642 studies the
 *   ultra-rich gamma >> 1 regime). The lr convention keeps the function-space step at t = 0 fixed.
 * - "spectral": the spectral condition itself (Yang, Simon & Bernstein, arXiv 2310.17813, eqs. 1-2):
 *   init std sigma_l = (1/sqrt(fan_in)) min(1, sqrt(fan_out/fan_in)) so that ||W_l||_* ~
 *   sqrt(fan_out/fan_in), and the update size ||Delta W_l||_* ~ sqrt(fan_out/fan_in): SGD lr scale
 *   eta_l = fan_out/fan_in (biases: weights from a constant input, fan_in = 1, so fan_out). For SGD
 *   this is the "mup" row; the two differ under Adam only in the input layer (see below). Its
 *   projected-update variant (Delta W = -eta sqrt(fan_out/fan_in) G/||G||_*) is the optimizer
 *   block `scaleBySpectralNorm` (optim/lr-scale.ts).
 * `initScale` multiplies every std (small initialisation alpha for saddle-to-saddle studies).
 *
 * Learning-rate scales depend on the optimizer (`optimizer`, default "sgd", the table above).
 * Under Adam (an update whose entries are O(lr) whatever the gradient's size, so a dense
 * low-rank update has ||Delta W||_* ~ lr sqrt(fan_in fan_out)):
 * - "spectral": lr scale 1/fan_in, which gives ||Delta W||_* ~ sqrt(fan_out/fan_in) (derived here
 *   from the estimate above and Condition 1 of arXiv 2310.17813, not copied from the paper; checked
 *   numerically: the coord check's hidden change is flat over widths 64..1024, test/coord-check.test.ts);
 *   biases (fan_in 1): 1.
 * - "mup": Tensor Programs V's Table 3 (Yang et al., arXiv 2203.03466): input weights and biases
 *   1, hidden and output weights 1/fan_in.
 * - "meanfield": muP moved by the abc symmetry (a -> a + theta, b -> b - theta, Adam c -> c -
 *   theta; arXiv 2011.14522 section 3): input 1, hidden 1/sqrt(fan_in), output 1 (theta = 1), all
 *   times gamma0 (the output is divided by gamma0).
 * - "output-scale": gamma (Adam ignores the gradient's 1/gamma, the output keeps it).
 * - "sp", "ntk": 1 (a width-independent Adam learning rate).
 */
export type ParametrizationKind = "sp" | "ntk" | "mup" | "meanfield" | "output-scale" | "spectral";

/** The optimizer family whose per-layer learning-rate scales the table carries. */
export type LrScaleOptimizer = "sgd" | "adam";

export interface LayerScaling {
  initStd: number;
  multiplier: number;
  lrScale: number;
  /** Bias multiplier (NTK-style sigma_b) and init std. */
  biasMultiplier: number;
  biasStd: number;
  /** Learning-rate multiplier of the bias (muP: fan_out, a weight from a constant input; else lrScale). */
  biasLrScale: number;
}

export interface ParametrizationSpec {
  kind: ParametrizationKind;
  /** Layer widths [d_in, n_1, ..., n_L]; weights of layer l are (widths[l], widths[l+1]). */
  widths: readonly number[];
  /** sigma_w and sigma_b of the SP and NTK-style parametrizations (default 1 and 0). */
  sigmaW?: number;
  sigmaB?: number;
  /** Mean-field richness gamma0 (default 1). */
  gamma0?: number;
  /** Output scale gamma (default 1). */
  gamma?: number;
  /** Multiplies every init std (small-init alpha; default 1). */
  initScale?: number;
  /** Per-layer extra init multipliers (one per weight layer), applied on top of initScale. */
  layerInitScales?: readonly number[];
  /** Which optimizer's learning-rate scales the table carries (default "sgd"). */
  optimizer?: LrScaleOptimizer;
}

/**
 * How a model is told its parametrization: a kind alone, or a spec without the widths (the model
 * knows its own widths), e.g. { kind: "spectral", optimizer: "adam" }.
 */
export type ParametrizationChoice = ParametrizationKind | Omit<ParametrizationSpec, "widths">;

/** The spec of a choice for a network of `widths` (`initScale` fills in when the choice has none). */
export function parametrizationSpec(choice: ParametrizationChoice, widths: readonly number[], initScale?: number): ParametrizationSpec {
  const spec = typeof choice === "string" ? { kind: choice } : choice;
  return { ...spec, widths, initScale: spec.initScale ?? initScale };
}

/**
 * The per-layer table {initStd, multiplier, lrScale, biasMultiplier, biasStd, biasLrScale} of a
 * parametrization (conventions above), one row per weight layer of `widths`.
 * Example: parametrize({ kind: "mup", widths: [d, N, N, 1] }).
 */
export function parametrize(spec: ParametrizationSpec): LayerScaling[] {
  const { kind, widths, sigmaW = 1, sigmaB = 0, gamma0 = 1, gamma = 1, initScale = 1, optimizer = "sgd" } = spec;
  if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new RangeError(`widths must be at least two positive integers, got [${widths.join(", ")}]`);
  }
  const kinds: ParametrizationKind[] = ["sp", "ntk", "mup", "meanfield", "output-scale", "spectral"];
  if (!kinds.includes(kind)) throw new RangeError(`parametrization '${kind}' is unknown; allowed: ${kinds.join(", ")}`);
  if (optimizer !== "sgd" && optimizer !== "adam") throw new RangeError(`parametrize: optimizer must be "sgd" or "adam", got '${optimizer}'`);
  const adam = optimizer === "adam";
  const positive: [string, number][] = [["sigmaW", sigmaW], ["gamma0", gamma0], ["gamma", gamma]];
  for (const [name, v] of positive) if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`parametrize: ${name} must be a finite number > 0, got ${v}`);
  for (const [name, v] of [["sigmaB", sigmaB], ["initScale", initScale]] as [string, number][]) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`parametrize: ${name} must be a finite number >= 0, got ${v}`);
  }
  if (spec.layerInitScales?.some((v) => !(Number.isFinite(v) && v >= 0))) {
    throw new RangeError(`parametrize: layerInitScales must be finite numbers >= 0, got [${spec.layerInitScales.join(", ")}]`);
  }
  const L = widths.length - 1;
  const last = L - 1;
  if (spec.layerInitScales && spec.layerInitScales.length !== L) {
    throw new RangeError(`layerInitScales has ${spec.layerInitScales.length} entries; the network has ${L} weight layers`);
  }
  const table = Array.from({ length: L }, (_, l): LayerScaling => {
    const fanIn = widths[l];
    const fanOut = widths[l + 1];
    const base: LayerScaling = { initStd: 1, multiplier: 1, lrScale: 1, biasMultiplier: 1, biasStd: 0, biasLrScale: 1 };
    switch (kind) {
      case "sp":
        return { ...base, initStd: (sigmaW * initScale) / Math.sqrt(fanIn), biasMultiplier: 1, biasStd: sigmaB * initScale };
      case "ntk":
      case "output-scale": {
        const out = kind === "output-scale" && l === last ? 1 / gamma : 1;
        const lr = kind === "output-scale" ? (adam ? gamma : gamma * gamma) : 1;
        return { ...base, initStd: initScale, multiplier: (out * sigmaW) / Math.sqrt(fanIn), lrScale: lr, biasMultiplier: out * sigmaB, biasStd: sigmaB === 0 ? 0 : initScale, biasLrScale: lr };
      }
      case "mup":
      case "spectral": {
        const initStd = (initScale / Math.sqrt(fanIn)) * Math.min(1, Math.sqrt(fanOut / fanIn));
        if (!adam) return { ...base, initStd, lrScale: fanOut / fanIn, biasStd: 0, biasLrScale: fanOut };
        const lrScale = kind === "mup" && l === 0 ? 1 : 1 / fanIn;
        return { ...base, initStd, lrScale, biasStd: 0, biasLrScale: 1 };
      }
      case "meanfield": {
        const n = widths[last];
        const out = l === last ? 1 / (gamma0 * n) : sigmaW / Math.sqrt(fanIn);
        const lr = adam ? gamma0 * (l === 0 || l === last ? 1 : 1 / Math.sqrt(fanIn)) : gamma0 * gamma0 * n;
        return { ...base, initStd: initScale, multiplier: out, lrScale: lr, biasMultiplier: l === last ? 0 : sigmaB, biasStd: l === last || sigmaB === 0 ? 0 : initScale, biasLrScale: lr };
      }
    }
  });
  return spec.layerInitScales ? table.map((s, l) => ({ ...s, initStd: s.initStd * (spec.layerInitScales as readonly number[])[l] })) : table;
}
