import type { Tensor } from "../tensor/tensor.js";
import { full } from "../tensor/tensor.js";
import { mul, sub } from "../ops/elementwise.js";
import { matmul } from "../ops/matmul.js";
import type { Model } from "./mlp.js";

/**
 * Diagonal linear network f(x) = x . beta with beta = u*u - v*v ("uu-vv") or beta = u*v ("uv"),
 * initialised at u = v = alpha (so beta(0) = 0 for uu-vv and alpha^2 for uv). From small alpha it
 * learns coordinates one at a time (Pesme & Flammarion 2023; AGF arXiv 2506.06489).
 */
export function diagonalLinear(cfg: { d: number; alpha: number; form?: "uu-vv" | "uv" }): Model<{ u: Tensor; v: Tensor }> & { beta(p: { u: Tensor; v: Tensor }): Tensor } {
  const form = cfg.form ?? "uu-vv";
  const beta = (p: { u: Tensor; v: Tensor }) => (form === "uu-vv" ? sub(mul(p.u, p.u), mul(p.v, p.v)) : mul(p.u, p.v));
  return {
    init: () => ({ u: full([cfg.d], cfg.alpha), v: full([cfg.d], cfg.alpha) }),
    apply: (p, x) => matmul(x, beta(p)),
    beta,
  };
}
