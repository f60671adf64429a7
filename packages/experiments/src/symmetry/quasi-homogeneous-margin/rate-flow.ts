import * as S from "@saddle/core";
import type { Rng, Row, Tensor } from "@saddle/core";
import { margin } from "@saddle/core";
import type { ToyData } from "./toy.js";

const { halfRateNorm, twoLayerBiasRates } = margin;

/**
 * The conservation-like identity of a quasi-homogeneous model under gradient flow (derived from the
 * Euler identity <grad f, Lambda theta> = f of arXiv 2210.03820): for L = 1/n sum_i l(y_i f_i),
 *   d/dt (1/2 theta^T Lambda theta) = <Lambda theta, -grad L> = -1/n sum_i l'(y_i f_i) y_i f_i,
 * and for the exponential loss l(m) = e^{-m}, l' = -e^{-m}: d/dt (1/2 theta^T Lambda theta) = 1/n sum_i m_i e^{-m_i}.
 * Checked on a two-layer ReLU network with biases and output bias (rates 1/2, 1/2, 1/2, 1) by
 * integrating the augmented ODE [theta, I] with dI/dt = 1/n sum_i m_i e^{-m_i} by RK45, and comparing
 * Q(T) - Q(0) (Q = 1/2 theta^T Lambda theta) with I(T).
 */
export function rateFlowRows(data: ToyData, rng: Rng, width: number, time: number): Row[] {
  const X = S.tensor(data.x); // (n, 2)
  const Y = S.tensor(data.y); // (n)
  const n = data.y.length;
  const p0 = { w: S.normal(rng, [2, width], { std: 0.5 }), b: S.normal(rng, [width], { std: 0.5 }), a: S.normal(rng, [width], { std: 0.5 }), c: S.normal(rng, [], { std: 0.5 }) };
  type P = typeof p0;
  const margins = (p: P): Tensor => S.mul(Y, S.add(S.matmul(S.relu(S.add(S.mm(X, p.w), p.b)), p.a), p.c)); // (n)
  const vg = S.valueAndGradWithAux((p: P): [Tensor, Tensor] => {
    const m = margins(p);
    return [S.mean(S.exp(S.neg(m))), m];
  });
  const size = S.treeSize(p0);
  const rhs = (_t: number, y: Float64Array): Float64Array => {
    const p = S.vectorToTree(y.subarray(0, size), p0);
    const [, g, m] = vg(p);
    const out = new Float64Array(size + 1);
    out.set(S.treeToVector(g));
    for (let i = 0; i < size; i++) out[i] = -out[i];
    let s = 0;
    for (const mi of m.data) s += mi * Math.exp(-mi);
    out[size] = s / n;
    return out;
  };
  const y0 = new Float64Array(size + 1);
  y0.set(S.treeToVector(p0));
  const res = S.dopri5(rhs, 0, y0, time, { rtol: 1e-11, atol: 1e-13 });
  const p1 = S.vectorToTree(res.yEnd.subarray(0, size), p0);
  const change = halfRateNorm(p1, twoLayerBiasRates) - halfRateNorm(p0, twoLayerBiasRates);
  const integral = res.yEnd[size];
  const row = (key: string, value: number): Row => ({ step: 0, t: time, probe: "flow", key, value });
  return [
    row("rateNormChange", change),
    row("rateNormIntegral", integral),
    row("rateNormMismatch", Math.abs(change - integral) / Math.max(Math.abs(change), 1e-300)),
    row("loss", S.noGrad(() => S.mean(S.exp(S.neg(margins(p1)))).item())),
    row("gradEvals", res.nfev),
  ];
}
