import * as S from "@saddle/core";
import type { Rng, Row, Tensor } from "@saddle/core";
import { margin } from "@saddle/core";
import { TOY_RATES, toyOutput, type ToyData, type ToyParams } from "./toy.js";

const { eulerCheck, mlpRates, normalisedHeadRates, residualRates, scalingCheck, twoLayerBiasRates } = margin;
type RateTree = margin.RateTree;

/**
 * The Euler-identity table of arXiv 2210.03820's quasi-homogeneous class: for each architecture a
 * model f(theta; x) with random parameters and inputs, its rate tree Lambda (derived in
 * theory/margin/assign.ts), and two checks: <grad_theta f, Lambda theta> = f (one jvp) and
 * f(e^{alpha Lambda} theta) = e^alpha f(theta) at a finite alpha. Both should hold to rounding.
 */
interface Entry {
  name: string;
  /** relative residual of the Euler identity */
  euler(): number;
  /** relative residual of the finite scaling at alpha */
  scaling(alpha: number): number;
}

function entry<T extends S.Tree>(name: string, f: (p: T) => Tensor, params: T, rates: RateTree): Entry {
  return { name, euler: () => eulerCheck(f, params, rates).relResidual, scaling: (alpha) => scalingCheck(f, params, rates, alpha) };
}

function entries(rng: Rng, toy: ToyData, n: number, d: number, width: number): Entry[] {
  const x = S.normal(rng.fork("x"), [n, d]); // (n, d)
  const r = (name: string) => rng.fork(name);
  const out: Entry[] = [];
  // Homogeneous limit: a bias-free ReLU MLP of depth 3 with Lambda = I/3.
  const deep = S.mlp({ widths: [d, width, width, 2], activation: "relu" });
  out.push(entry("homogeneousMlp", (p: S.MlpParams) => deep.apply(p, x), deep.init(r("hom")), mlpRates(3)));
  // MLP with biases, uniform and non-uniform weight rates.
  const biased = S.mlp({ widths: [d, width, width, 2], activation: "relu", bias: true });
  const pb = biased.init(r("mlp"));
  const pbias = { layers: pb.layers.map((l, i) => ({ w: l.w, b: S.normal(r(`b${i}`), l.b!.shape, { std: 0.5 }) })) };
  out.push(entry("mlpBias", (p: S.MlpParams) => biased.apply(p, x), pbias, mlpRates(3, { bias: true })));
  out.push(entry("mlpBiasSkewedRates", (p: S.MlpParams) => biased.apply(p, x), pbias, mlpRates(3, { bias: true, weightRates: [0.6, 0.3, 0.1] })));
  // Two-layer ReLU with biases and output bias: lambda = 1/2 (w, b, a), 1 (c).
  const r2 = r("two");
  const p2 = { w: S.normal(r2, [d, width]), b: S.normal(r2, [width]), a: S.normal(r2, [width]), c: S.normal(r2, []) };
  out.push(entry("twoLayerBias", (p: typeof p2) => S.add(S.matmul(S.relu(S.add(S.mm(x, p.w), p.b)), p.a), p.c), p2, twoLayerBiasRates));
  // LayerNorm (no affine) features, linear head: everything before the normalisation has rate 0.
  const rl = r("ln");
  const pl = { body: { w1: S.normal(rl, [d, width]), b1: S.normal(rl, [width]), w2: S.normal(rl, [width, width], { std: 1 / Math.sqrt(width) }), b2: S.normal(rl, [width]) }, head: { w: S.normal(rl, [width, 4]), b: S.normal(rl, [4]) } };
  out.push(entry("layerNormHead", (p: typeof pl) => lnNet(p, x), pl, normalisedHeadRates({ w1: 1, b1: 1, w2: 1, b2: 1 })));
  // Residual block between an embedding and a readout.
  const rr = r("res");
  const pr = { v: S.normal(rr, [d, width]), w1: S.normal(rr, [width, width], { std: 1 / Math.sqrt(width) }), b1: S.normal(rr, [width]), w2: S.normal(rr, [width, width], { std: 1 / Math.sqrt(width) }), b2: S.normal(rr, [width]), a: S.normal(rr, [width]), c: S.normal(rr, []) };
  out.push(entry("residualBlock", (p: typeof pr) => residualNet(p, x), pr, residualRates(0.5)));
  // The asymmetric-margin toy f = a1 x1 + a2 b2 x2: Lambda = (1, 1/2, 1/2).
  const rt = r("toy");
  const pt: ToyParams = { a1: S.normal(rt, []), a2: S.normal(rt, []), b2: S.normal(rt, []) };
  out.push(entry("asymmetricToy", (p: ToyParams) => toyOutput(p, toy), pt, TOY_RATES));
  return out;
}

/** The LayerNorm network: LN(relu(relu(x W1 + b1) W2 + b2)) W + b, (n, d) -> (n, C). */
export function lnNet(p: { body: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }; head: { w: Tensor; b: Tensor } }, x: Tensor): Tensor {
  return S.add(S.mm(lnFeatures(p.body, x), p.head.w), p.head.b);
}

/** The normalised features LN(relu(relu(x W1 + b1) W2 + b2)) (n, width), LayerNorm without affine. */
export function lnFeatures(p: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }, x: Tensor): Tensor {
  const h1 = S.relu(S.add(S.mm(x, p.w1), p.b1)); // (n, width)
  const h2 = S.relu(S.add(S.mm(h1, p.w2), p.b2)); // (n, width)
  return S.layerNorm(h2, -1);
}

function residualNet(p: { v: Tensor; w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; a: Tensor; c: Tensor }, x: Tensor): Tensor {
  const h = S.mm(x, p.v); // (n, width)
  const branch = S.add(S.mm(S.relu(S.add(S.mm(h, p.w1), p.b1)), p.w2), p.b2); // (n, width)
  return S.add(S.matmul(S.add(h, branch), p.a), p.c); // (n)
}

/** The architectures of the table, in order (the `arch` coordinate of the "euler" rows). */
export const EULER_ARCHS = ["homogeneousMlp", "mlpBias", "mlpBiasSkewedRates", "twoLayerBias", "layerNormHead", "residualBlock", "asymmetricToy"] as const;

/** Rows (probe "euler", coords {arch}): key `euler` = relative Euler residual, `scaling` = finite-alpha residual. */
export function eulerRows(rng: Rng, toy: ToyData, alpha: number): Row[] {
  const rows: Row[] = [];
  for (const e of entries(rng, toy, 9, 3, 8)) {
    rows.push({ step: 0, t: 0, probe: "euler", key: "euler", value: e.euler(), coords: { arch: e.name } });
    rows.push({ step: 0, t: 0, probe: "euler", key: "scaling", value: e.scaling(alpha), coords: { arch: e.name } });
  }
  return rows;
}
