import type { KernelLayer, KernelState } from "./state.js";

export interface DenseKernelOptions {
  /**
   * "ntk" (default): z = (sigma_w / sqrt(n_in)) W h + sigma_b b with W, b ~ N(0, 1) (Jacot et al.,
   * arXiv 1806.07572). "standard": z = W h + b with W ~ N(0, sigma_w^2 / n_in), b ~ N(0, sigma_b^2)
   * (Sohl-Dickstein et al., arXiv 2001.07301).
   */
  parametrization?: "ntk" | "standard";
  /** Nominal output width of this layer (used by the next standard-parametrization layer). */
  width?: number;
  /** Whether the layer's bias is trained (default: sigma_b > 0; a bias with sigma_b = 0 is zero at init). */
  bias?: boolean;
}

/**
 * Dense (fully connected) layer rule. With K, Theta the NNGP and NTK of the layer's input h
 * (K = h . h' / n_in), both parametrizations give nngp' = sigma_w^2 K + sigma_b^2. The NTK adds
 * the gradients of this layer's own parameters to the back-propagated input NTK:
 *  - ntk parametrization: ntk' = nngp' + sigma_w^2 Theta (the trained bias gives the sigma_b^2
 *    inside nngp'; an untrained bias, `bias: false`, removes it from the NTK);
 *  - standard parametrization: ntk' = n_in K + [bias] + sigma_w^2 Theta, the exact expected
 *    finite-width NTK, which grows with the nominal width n_in (NT's Dense 'standard' rule).
 */
export function Dense(sigmaW = 1, sigmaB = 0, options: DenseKernelOptions = {}): KernelLayer {
  if (!(Number.isFinite(sigmaW) && sigmaW >= 0)) throw new RangeError(`Dense: sigmaW must be a finite number >= 0, got ${sigmaW}`);
  if (!(Number.isFinite(sigmaB) && sigmaB >= 0)) throw new RangeError(`Dense: sigmaB must be a finite number >= 0, got ${sigmaB}`);
  const parametrization = options.parametrization ?? "ntk";
  if (parametrization !== "ntk" && parametrization !== "standard") {
    throw new RangeError(`Dense: parametrization must be 'ntk' or 'standard', got '${String(parametrization)}'`);
  }
  if (options.width !== undefined && !(Number.isInteger(options.width) && options.width >= 1)) {
    throw new RangeError(`Dense: width must be a positive integer, got ${options.width}`);
  }
  const w2 = sigmaW * sigmaW;
  const b2 = sigmaB * sigmaB;
  const biasTerm = (options.bias ?? sigmaB > 0) ? 1 : 0;
  return (s: KernelState): KernelState => {
    const standard = parametrization === "standard";
    const rule = (k: Float64Array, theta: Float64Array): [Float64Array, Float64Array] => {
      const nngp = k.map((v) => w2 * v + b2);
      const ntk = standard ? k.map((v, i) => s.width * v + biasTerm + w2 * theta[i]) : nngp.map((v, i) => v - (biasTerm ? 0 : b2) + w2 * theta[i]);
      return [nngp, ntk];
    };
    const [nngp, ntk] = rule(s.nngp, s.ntk);
    const [var1, ntk1] = rule(s.var1, s.ntk1);
    const [var2, ntk2] = rule(s.var2, s.ntk2);
    return { ...s, nngp, ntk, var1, ntk1, var2, ntk2, width: options.width ?? s.width };
  };
}
