import * as S from "@saddle/core";
import type { Probe, Rng, Tensor } from "@saddle/core";
import { margin } from "@saddle/core";
import { lnFeatures, lnNet } from "./euler-table.js";

const { collapseMetrics } = margin;

/**
 * Neural collapse with a normalisation layer (arXiv 2210.03820, section 7.2 of the reference note):
 * features LN(relu(relu(x W1 + b1) W2 + b2)) (LayerNorm without affine, width p), a linear head
 * W (p, C) + b, cross-entropy, full-batch GD. The network is quasi-homogeneous with rate 0 for the
 * body and 1 for the head, so the asymmetric max-margin problem constrains only the head's norm
 * while the features are free on the LayerNorm sphere; its solution is the simplex ETF with the
 * classifier aligned to the class means (derived; the paper states the Neural-Collapse consequence).
 */
export interface CollapseConfig {
  classes: number;
  perClass: number;
  radius: number;
  spread: number;
  width: number;
  lr: number;
  steps: number;
  /**
   * "plain": GD with learning rate lr. "arc": GD with learning rate lr / ||grad L|| (every step has
   * length lr: the gradient-flow path reparametrised by arc length, so it keeps moving after the loss
   * has become tiny, where plain GD's steps shrink with the loss).
   */
  stepRule: "plain" | "arc";
}

/** C Gaussian blobs in 2-D: means radius (cos 2 pi c / C, sin 2 pi c / C), isotropic std `spread`. */
export function gaussianClasses(rng: Rng, cfg: CollapseConfig): { x: Tensor; labels: number[] } {
  const n = cfg.classes * cfg.perClass;
  const noise = S.normal(rng, [n, 2], { std: cfg.spread }).data;
  const xs = new Float64Array(2 * n);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % cfg.classes;
    labels.push(c);
    xs[2 * i] = cfg.radius * Math.cos((2 * Math.PI * c) / cfg.classes) + noise[2 * i];
    xs[2 * i + 1] = cfg.radius * Math.sin((2 * Math.PI * c) / cfg.classes) + noise[2 * i + 1];
  }
  return { x: new S.Tensor(xs, [n, 2]), labels };
}

/**
 * log of the mean softmax cross-entropy, written through the class margins so that it and its
 * gradient stay finite at any margin: l_i = log(1 + sum_{j != y_i} e^{z_ij - z_iy}) = softplus(s_i),
 * s_i = logsumexp_{j != y_i}(z_ij - z_iy), and log L = logsumexp_i(log softplus(s_i)) - log n with
 * log softplus(s) replaced by s below s = -30 (relative error e^s / 2 < 1e-13). The usual
 * softmax - onehot gradient loses the true class's term once 1 - p_y < 1e-16, and L itself
 * underflows past margins of about 745; grad log L = grad L / L has neither problem.
 * `offMask` (n, C) is 0 off the label and -1e300 on it.
 */
export function logCrossEntropy(logits: Tensor, offMask: Tensor): Tensor {
  const n = logits.shape[0];
  const isLabel = S.lt(offMask, -1); // (n, C), 1 on the label
  const zy = S.sum(S.mul(logits, isLabel), 1, true); // (n, 1)
  const s = S.logsumexp(S.add(S.sub(logits, zy), offMask), 1); // (n): log sum_{j != y} e^{z_j - z_y}
  const logSoftplus = S.where(S.lt(s, -30), s, S.log(S.softplus(S.maximum(s, -30)))); // (n)
  return S.sub(S.logsumexp(logSoftplus, 0), Math.log(n));
}

export type CollapseParams = {
  body: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
  head: { w: Tensor; b: Tensor };
};

/** The data, labels, label mask and initial parameters of a neural-collapse run (from `rng`). */
export interface CollapseProblem {
  x: Tensor;
  labels: number[];
  offMask: Tensor;
  params: CollapseParams;
}

export function collapseProblem(cfg: CollapseConfig, rng: Rng): CollapseProblem {
  const { x, labels } = gaussianClasses(rng.fork("data"), cfg);
  const r = rng.fork("init");
  const p = cfg.width;
  const params: CollapseParams = {
    body: { w1: S.normal(r, [2, p], { std: 1 / Math.sqrt(2) }), b1: S.normal(r, [p], { std: 0.1 }), w2: S.normal(r, [p, p], { std: 1 / Math.sqrt(p) }), b2: S.normal(r, [p], { std: 0.1 }) },
    head: { w: S.normal(r, [p, cfg.classes], { std: 1 / Math.sqrt(p) }), b: S.zeros([cfg.classes]) },
  };
  const offMask = new S.Tensor(Float64Array.from({ length: labels.length * cfg.classes }, (_, k) => (k % cfg.classes === labels[Math.floor(k / cfg.classes)] ? -1e300 : 0)), [labels.length, cfg.classes]);
  return { x, labels, offMask, params };
}

/**
 * The fused loss and step direction for `train()` with `sgd(lr)`: the loss is log L (log of the
 * mean cross-entropy) and the "gradient" is grad L (plain GD: L grad log L) or grad L / ||grad L||
 * (arc-length GD: every step has length lr along -grad L).
 */
export function collapseLossAndGrad(cfg: CollapseConfig, prob: CollapseProblem): (p: CollapseParams) => readonly [number, CollapseParams] {
  const vg = S.valueAndGrad((q: CollapseParams) => logCrossEntropy(lnNet(q, prob.x), prob.offMask));
  return (p) => {
    const [logLoss, g] = vg(p); // g = grad log L = grad L / L
    const l = logLoss.item();
    const scale = cfg.stepRule === "arc" ? 1 / S.treeNorm(g) : Math.exp(l);
    return [l, S.treeMap((gw: Tensor) => S.mul(gw, scale), g) as CollapseParams] as const;
  };
}

/** Probe "nc": nc1, meanCosine, maxCosineDeviation, normCv, classifierCosine, accuracy, minMargin. */
export function collapseProbe(cfg: CollapseConfig, prob: CollapseProblem): Probe<CollapseParams> {
  const C = cfg.classes;
  return S.probe<CollapseParams>("nc", ({ params }) => {
    const feats = S.noGrad(() => lnFeatures(params.body, prob.x)); // (n, p)
    const logits = S.noGrad(() => lnNet(params, prob.x)).data; // (n, C)
    const m = collapseMetrics(feats, prob.labels, C, params.head.w);
    let correct = 0;
    let minMargin = Infinity;
    prob.labels.forEach((c, i) => {
      const z = Array.from(logits.subarray(i * C, (i + 1) * C));
      if (z.indexOf(Math.max(...z)) === c) correct++;
      minMargin = Math.min(minMargin, z[c] - Math.max(...z.filter((_, j) => j !== c)));
    });
    return { nc1: m.nc1, meanCosine: m.meanCosine, maxCosineDeviation: m.maxCosineDeviation, normCv: m.normCv, classifierCosine: m.minClassifierCosine, accuracy: correct / prob.labels.length, minMargin };
  });
}
