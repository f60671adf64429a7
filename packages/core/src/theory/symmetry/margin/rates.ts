import { Tensor } from "../../../tensor/tensor.js";
import type { Tree } from "../../../tree.js";
import { jvp } from "../../../autodiff/transforms.js";
import { noGrad } from "../../../autodiff/trace-state.js";

/**
 * Quasi-homogeneous models (Kunin, Yamamura, Ma & Ganguli, arXiv 2210.03820).
 *
 * From the paper (definition, abstract/intro level): f is Lambda-quasi-homogeneous when
 *   f(psi_alpha(theta); x) = e^alpha f(theta; x)  for every alpha,  psi_alpha(theta) = e^{alpha Lambda} theta,
 * with Lambda = diag(lambda_i), lambda_i >= 0 (one rate per parameter; here one per parameter leaf).
 * A homogeneous model of degree L is the case Lambda = I / L.
 *
 * Derived (differentiate at alpha = 0): the Euler identity <grad_theta f, Lambda theta> = f.
 * Rates are not unique: any leaf may take rate 0 when the rest already scales f by e^alpha
 * (e.g. the weights feeding a normalisation layer).
 */

/** A rate tree: the parameter tree's structure with one rate lambda >= 0 (a number) per leaf. */
export type RateTree = number | readonly RateTree[] | { readonly [key: string]: RateTree | undefined };

/** Pairs each parameter leaf with its rate (walks both trees; throws on a structure mismatch). */
export function leafRates(params: Tree, rates: RateTree, path = "params"): { leaf: Tensor; rate: number; path: string }[] {
  if (params instanceof Tensor) {
    if (typeof rates !== "number") throw new TypeError(`leafRates: ${path} is a tensor but its rate is not a number`);
    if (!(rates >= 0) || !Number.isFinite(rates)) throw new RangeError(`leafRates: rate of ${path} must be a finite number >= 0, got ${rates}`);
    return [{ leaf: params, rate: rates, path }];
  }
  if (typeof rates === "number" || rates === undefined) throw new TypeError(`leafRates: ${path} is a subtree but its rate is ${String(rates)}`);
  const out: { leaf: Tensor; rate: number; path: string }[] = [];
  if (Array.isArray(params)) {
    const r = rates as readonly RateTree[];
    if (!Array.isArray(r) || r.length !== params.length) throw new TypeError(`leafRates: ${path} has ${params.length} children but its rates do not match`);
    params.forEach((p: Tree, i: number) => out.push(...leafRates(p, r[i], `${path}[${i}]`)));
    return out;
  }
  const obj = params as { readonly [key: string]: Tree | undefined };
  const r = rates as { readonly [key: string]: RateTree | undefined };
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    if (child === undefined) continue;
    const rate = r[key];
    if (rate === undefined) throw new TypeError(`leafRates: no rate for ${path}.${key}`);
    out.push(...leafRates(child, rate, `${path}.${key}`));
  }
  return out;
}

function mapLeaves<T extends Tree>(params: T, rates: RateTree, f: (leaf: Tensor, rate: number) => Tensor): T {
  const walk = (p: Tree, r: RateTree): Tree => {
    if (p instanceof Tensor) return f(p, r as number);
    if (Array.isArray(p)) return p.map((c: Tree, i: number) => walk(c, (r as readonly RateTree[])[i]));
    const obj = p as { readonly [key: string]: Tree | undefined };
    const rr = r as { readonly [key: string]: RateTree | undefined };
    const out: { [key: string]: Tree } = {};
    for (const key of Object.keys(obj)) {
      const child = obj[key];
      if (child !== undefined) out[key] = walk(child, rr[key] as RateTree);
    }
    return out;
  };
  leafRates(params, rates); // validates the structure once
  return walk(params, rates) as T;
}

function scaled(leaf: Tensor, s: number): Tensor {
  const d = new Float64Array(leaf.size);
  const src = leaf.data;
  for (let i = 0; i < d.length; i++) d[i] = s * src[i];
  return new Tensor(d, leaf.shape);
}

/** Lambda theta: each leaf multiplied by its rate (the generator of psi_alpha). */
export function rateDirection<T extends Tree>(params: T, rates: RateTree): T {
  return mapLeaves(params, rates, (leaf, rate) => scaled(leaf, rate));
}

/** psi_alpha(theta) = e^{alpha Lambda} theta: each leaf multiplied by e^{alpha lambda}. */
export function quasiHomogeneousScale<T extends Tree>(params: T, rates: RateTree, alpha: number): T {
  return mapLeaves(params, rates, (leaf, rate) => scaled(leaf, Math.exp(alpha * rate)));
}

/** 1/2 theta^T Lambda theta = 1/2 sum over leaves lambda ||theta_leaf||^2 (the Lambda-seminorm, halved). */
export function halfRateNorm(params: Tree, rates: RateTree): number {
  let s = 0;
  for (const { leaf, rate } of leafRates(params, rates)) for (const v of leaf.data) s += rate * v * v;
  return 0.5 * s;
}

/** lambda_max, the largest rate. */
export function maxRate(params: Tree, rates: RateTree): number {
  return Math.max(...leafRates(params, rates).map((l) => l.rate));
}

/** ||theta_max||: the Euclidean norm of the leaves whose rate equals lambda_max. */
export function maxRateNorm(params: Tree, rates: RateTree): number {
  const all = leafRates(params, rates);
  const top = Math.max(...all.map((l) => l.rate));
  let s = 0;
  for (const { leaf, rate } of all) if (rate === top) for (const v of leaf.data) s += v * v;
  return Math.sqrt(s);
}

/**
 * Normalised margin of a quasi-homogeneous model: min_i y_i f_i / ||theta_max||^{1/lambda_max}.
 * Derived: under psi_alpha, y f -> e^alpha y f and ||theta_max|| -> e^{alpha lambda_max} ||theta_max||,
 * so this ratio is invariant along the characteristic curves. For a homogeneous model
 * (Lambda = I / L) every leaf has the maximal rate and it is Lyu & Li's min_i y_i f_i / ||theta||^L.
 * `margins` holds y_i f(theta; x_i).
 */
export function normalisedMargin(margins: ArrayLike<number>, params: Tree, rates: RateTree): number {
  let m = Infinity;
  for (let i = 0; i < margins.length; i++) m = Math.min(m, margins[i]);
  return m / maxRateNorm(params, rates) ** (1 / maxRate(params, rates));
}

export interface EulerCheck {
  /** max over outputs of |<grad f, Lambda theta> - f| */
  maxAbsResidual: number;
  /** max over outputs of |f| */
  maxAbsOutput: number;
  /** maxAbsResidual / maxAbsOutput */
  relResidual: number;
}

/**
 * Checks the Euler identity <grad_theta f, Lambda theta> = f for every output of f (e.g. every
 * sample and class): the left side is the forward-mode derivative of f in the direction Lambda theta
 * (one jvp). `f` maps the parameters to any tensor of outputs (the inputs closed over).
 */
export function eulerCheck<T extends Tree>(f: (params: T) => Tensor, params: T, rates: RateTree): EulerCheck {
  const [out, tangent] = jvp(f, params, rateDirection(params, rates));
  let maxAbsResidual = 0;
  let maxAbsOutput = 0;
  for (let i = 0; i < out.size; i++) {
    maxAbsResidual = Math.max(maxAbsResidual, Math.abs(tangent.data[i] - out.data[i]));
    maxAbsOutput = Math.max(maxAbsOutput, Math.abs(out.data[i]));
  }
  return { maxAbsResidual, maxAbsOutput, relResidual: maxAbsResidual / Math.max(maxAbsOutput, 1e-300) };
}

/**
 * Checks the defining scaling at a finite alpha: max |f(psi_alpha theta) - e^alpha f(theta)| / max |e^alpha f(theta)|.
 */
export function scalingCheck<T extends Tree>(f: (params: T) => Tensor, params: T, rates: RateTree, alpha: number): number {
  return noGrad(() => {
    const f0 = f(params);
    const f1 = f(quasiHomogeneousScale(params, rates, alpha));
    const e = Math.exp(alpha);
    let num = 0;
    let den = 0;
    for (let i = 0; i < f0.size; i++) {
      num = Math.max(num, Math.abs(f1.data[i] - e * f0.data[i]));
      den = Math.max(den, Math.abs(e * f0.data[i]));
    }
    return num / Math.max(den, 1e-300);
  });
}
