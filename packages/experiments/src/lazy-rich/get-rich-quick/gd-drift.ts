import * as S from "@saddle/core";

/**
 * GD's drift of the single neuron's conserved delta = a^2 - |w|^2 (Get rich quick, arXiv
 * 2406.06158; whitened data, L = 1/2 |a w - beta*|^2), predicted for a learning rate lr.
 *
 * With r = a w - beta*, the gradients are g_a = r . w, g_w = a r, and a g_a - w . g_w = 0 exactly
 * (the flow conserves delta), so one GD step changes delta by exactly
 *   delta_{k+1} - delta_k = lr^2 h(theta_k),   h = g_a^2 - |g_w|^2.
 * Over K = T / lr steps, the sum lr sum_k h(theta_k) is a left Riemann sum along GD's path. GD
 * follows the modified flow theta' = -grad(L + lr/4 |grad L|^2) to O(lr^2) (global, finite T),
 * and the left sum is the integral plus lr/2 (h(0) - h(T)) + O(lr^2) (Euler-Maclaurin), hence
 *   delta_K - delta_0 = lr [ int_0^T h(theta~(t)) dt + lr/2 (h(theta_0) - h(theta~(T))) ] + O(lr^3),
 * theta~ the modified flow (its gradient is grad L + lr/2 H grad L, with the Hessian
 * H = [[|w|^2, (2 a w - beta*)^T], [2 a w - beta*, a^2 I]]). The relative error is O(lr^2); the
 * leading term lr int_0^T h(theta(t)) dt on the plain flow (`leading`) is off by O(lr) relative.
 * `scale` = lr int_0^T |h| dt along the modified flow is the size of the sum's terms (the drift
 * itself where h keeps one sign, as it does for delta > 0: h <= -delta |r|^2 by Cauchy-Schwarz).
 * Integrated by RK45 (dopri5) on the state (a, w, int h, int |h|), rtol 1e-12.
 */
export function gdDeltaDrift(a0: number, w0: readonly number[], betaStar: readonly number[], lr: number, time: number): { predicted: number; leading: number; scale: number } {
  const d = w0.length;
  const h = (a: number, w: ArrayLike<number>) => {
    let ga = 0;
    let gw2 = 0;
    for (let j = 0; j < d; j++) {
      const r = a * w[j] - betaStar[j];
      ga += r * w[j];
      gw2 += a * a * r * r;
    }
    return ga * ga - gw2;
  };
  const rhs = (eta: number) => (_t: number, y: Float64Array): Float64Array => {
    const a = y[0];
    const w = y.subarray(1, 1 + d);
    const r = Array.from({ length: d }, (_, j) => a * w[j] - betaStar[j]);
    let ga = 0;
    for (let j = 0; j < d; j++) ga += r[j] * w[j];
    const gw = r.map((x) => a * x);
    // H g: [|w|^2 g_a + (2 a w - beta*) . g_w ; (2 a w - beta*) g_a + a^2 g_w]
    let w2 = 0;
    let cross = 0;
    for (let j = 0; j < d; j++) {
      w2 += w[j] * w[j];
      cross += (2 * a * w[j] - betaStar[j]) * gw[j];
    }
    const out = new Float64Array(d + 3);
    out[0] = -(ga + (eta / 2) * (w2 * ga + cross));
    for (let j = 0; j < d; j++) out[1 + j] = -(gw[j] + (eta / 2) * ((2 * a * w[j] - betaStar[j]) * ga + a * a * gw[j]));
    out[d + 1] = h(a, w);
    out[d + 2] = Math.abs(out[d + 1]);
    return out;
  };
  const y0 = new Float64Array([a0, ...w0, 0, 0]);
  const opts = { rtol: 1e-12, atol: 1e-15 };
  const modified = S.dopri5(rhs(lr), 0, y0, time, opts).yEnd;
  const plain = S.dopri5(rhs(0), 0, y0, time, opts).yEnd;
  const hEnd = h(modified[0], modified.subarray(1, 1 + d));
  return { predicted: lr * (modified[d + 1] + (lr / 2) * (h(a0, w0) - hEnd)), leading: lr * plain[d + 1], scale: lr * modified[d + 2] };
}
