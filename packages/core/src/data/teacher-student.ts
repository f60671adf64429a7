import { Tensor } from "../tensor/tensor.js";
import type { Rng } from "../tensor/rng.js";
import { normal } from "../tensor/random.js";
import { add } from "../ops/elementwise.js";
import { matmul } from "../ops/matmul.js";
import { activation as activationByName } from "../models/activations.js";
import type { Dataset } from "./dataset.js";
import { requireFinite, requireInt } from "./validate.js";

function checkInputs(x: Tensor, n: number, d: number): void {
  if (x.rank !== 2 || x.shape[0] !== n || x.shape[1] !== d) throw new RangeError(`x must have shape [${n}, ${d}] (n, d), got [${x.shape.join(", ")}]`);
}

function addNoise(rng: Rng, y: Tensor, noise: number): Tensor {
  requireFinite("noise", noise, "non-negative");
  return noise > 0 ? add(y, normal(rng, y.shape, { std: noise })) : y;
}

/**
 * Linear teacher: y = x beta* + noise * eps with eps ~ N(0, 1) per entry. x (n, d) defaults to
 * N(0, I_d) rows; beta* (d, k) defaults to N(0, 1/d) entries, so Var y = |beta*|^2 ~ 1 per output
 * for whitened inputs. Pass `x` (e.g. from `gaussianInputs`) and `beta` to draw a test set of
 * the same teacher.
 */
export function linearTeacher(rng: Rng, cfg: { n: number; d: number; outputs?: number; noise?: number; beta?: Tensor; x?: Tensor }): Dataset & { beta: Tensor } {
  const { n, d, outputs = 1, noise = 0 } = cfg;
  requireInt("n", n);
  requireInt("d", d);
  requireInt("outputs", outputs);
  if (cfg.x) checkInputs(cfg.x, n, d);
  if (cfg.beta && (cfg.beta.rank !== 2 || cfg.beta.shape[0] !== d || cfg.beta.shape[1] !== outputs)) {
    throw new RangeError(`beta must have shape [${d}, ${outputs}] (d, outputs), got [${cfg.beta.shape.join(", ")}]`);
  }
  const x = cfg.x ?? normal(rng, [n, d]); // (n, d)
  const beta = cfg.beta ?? normal(rng, [d, outputs], { std: 1 / Math.sqrt(d) }); // (d, k)
  const y = addNoise(rng, matmul(x, beta), noise); // (n, k)
  return { x, y, beta, meta: { task: "linear-teacher", n, d, outputs, noise } };
}

/**
 * Two-layer teacher: y = sum_j a_j phi(w_j . x) + noise * eps, i.e. y = phi(x W) a with W (d, h)
 * and a (h, k). Defaults: W ~ N(0, 1/d) entries (unit-variance preactivations for x ~ N(0, I)),
 * a ~ N(0, 1/h) entries; given `w` and `a` are used exactly as passed (no hidden scale factors),
 * e.g. unit-norm neurons with +-1 readouts as in arXiv 2406.06158. `activation` is a name from
 * ACTIVATIONS (default "relu") or a function of a tensor.
 */
export function twoLayerTeacher(
  rng: Rng,
  cfg: { n: number; d: number; width: number; outputs?: number; activation?: string | ((z: Tensor) => Tensor); noise?: number; x?: Tensor; w?: Tensor; a?: Tensor },
): Dataset & { w: Tensor; a: Tensor } {
  const { n, d, width, outputs = 1, noise = 0 } = cfg;
  requireInt("n", n);
  requireInt("d", d);
  requireInt("width", width);
  requireInt("outputs", outputs);
  if (cfg.x) checkInputs(cfg.x, n, d);
  if (cfg.w && (cfg.w.rank !== 2 || cfg.w.shape[0] !== d || cfg.w.shape[1] !== width)) throw new RangeError(`w must have shape [${d}, ${width}] (d, width), got [${cfg.w.shape.join(", ")}]`);
  if (cfg.a && (cfg.a.rank !== 2 || cfg.a.shape[0] !== width || cfg.a.shape[1] !== outputs)) throw new RangeError(`a must have shape [${width}, ${outputs}] (width, outputs), got [${cfg.a.shape.join(", ")}]`);
  const act = cfg.activation ?? "relu";
  const phi = typeof act === "string" ? activationByName(act) : act;
  const x = cfg.x ?? normal(rng, [n, d]); // (n, d)
  const w = cfg.w ?? normal(rng, [d, width], { std: 1 / Math.sqrt(d) }); // (d, h)
  const a = cfg.a ?? normal(rng, [width, outputs], { std: 1 / Math.sqrt(width) }); // (h, k)
  const y = addNoise(rng, matmul(phi(matmul(x, w)), a), noise); // (n, k)
  return { x, y, w, a, meta: { task: "two-layer-teacher", n, d, width, outputs, activation: typeof act === "string" ? act : "custom", noise } };
}
