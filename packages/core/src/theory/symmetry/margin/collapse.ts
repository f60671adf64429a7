import { Tensor } from "../../../tensor/tensor.js";
import { eigh } from "../../../linalg/index.js";

/**
 * Neural-collapse metrics (Papyan, Han & Donoho, arXiv 2008.08186), used by arXiv 2210.03820 to
 * test its prediction that networks with normalisation layers collapse.
 *
 * For features h_i (n x p) with labels c_i in {0..C-1}, class means mu_c, global mean mu_G
 * (mean of the class means, balanced classes assumed):
 *   Sigma_W = 1/n sum_i (h_i - mu_{c_i})(h_i - mu_{c_i})^T,  Sigma_B = 1/C sum_c (mu_c - mu_G)(mu_c - mu_G)^T
 *   NC1 = tr(Sigma_W Sigma_B^+) / C                            (within-class variability; -> 0)
 *   NC2: cosines between centred means mu_c - mu_G  -> -1/(C-1) (simplex equiangular tight frame),
 *        and equal norms (coefficient of variation -> 0)
 *   NC3: the classifier's row for class c (minus the mean row) aligned with mu_c - mu_G (cosine -> 1)
 * Sigma_B^+ is computed in the span of the centred means: with M = [mu_c - mu_G] (p x C) and
 * M^T M = V diag(s^2) V^T, Sigma_B^+ = C U diag(s^-2) U^T, U = M V diag(1/s) (ranks with
 * s^2 <= 1e-12 max s^2 dropped).
 */
export interface CollapseMetrics {
  nc1: number;
  /** mean over class pairs of cos(mu_c - mu_G, mu_c' - mu_G) */
  meanCosine: number;
  /** max over class pairs of |cos + 1/(C-1)| */
  maxCosineDeviation: number;
  /** std / mean of ||mu_c - mu_G|| */
  normCv: number;
  /** min over classes of cos(classifier row c, mu_c - mu_G) (NaN without a classifier) */
  minClassifierCosine: number;
}

/**
 * Collapse metrics of `features` (n, p) with integer `labels` (length n, values 0..classes-1);
 * `classifier` (p, C) is the linear head's weight (its column c scores class c), optional.
 */
export function collapseMetrics(features: Tensor, labels: ArrayLike<number>, classes: number, classifier?: Tensor): CollapseMetrics {
  if (features.rank !== 2) throw new RangeError(`collapseMetrics: features must be (n, p), got [${features.shape.join(", ")}]`);
  const [n, p] = features.shape;
  if (labels.length !== n) throw new RangeError(`collapseMetrics: ${n} features but ${labels.length} labels`);
  const h = features.data;
  const counts = new Array<number>(classes).fill(0);
  const means = Array.from({ length: classes }, () => new Float64Array(p));
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new RangeError(`collapseMetrics: label ${c} outside 0..${classes - 1}`);
    counts[c]++;
    for (let k = 0; k < p; k++) means[c][k] += h[i * p + k];
  }
  if (counts.some((m) => m === 0)) throw new RangeError("collapseMetrics: every class needs at least one sample");
  means.forEach((m, c) => m.forEach((_, k) => (m[k] /= counts[c])));
  const global = new Float64Array(p);
  for (const m of means) for (let k = 0; k < p; k++) global[k] += m[k] / classes;
  const centred = means.map((m) => m.map((v, k) => v - global[k])); // C vectors in R^p
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k] * b[k];
    return s;
  };
  // Gram M^T M (C x C) and its eigendecomposition.
  const gram = new Float64Array(classes * classes);
  for (let a = 0; a < classes; a++) for (let b = 0; b < classes; b++) gram[a * classes + b] = dot(centred[a], centred[b]);
  const { values, vectors } = eigh(new Tensor(gram, [classes, classes]));
  const s2max = Math.max(...values.data);
  let nc1 = 0;
  for (let r = 0; r < classes; r++) {
    const s2 = values.data[r];
    if (s2 <= 1e-12 * s2max) continue;
    // u = M v / s (p)
    const u = new Float64Array(p);
    for (let c = 0; c < classes; c++) {
      const v = vectors.data[c * classes + r];
      for (let k = 0; k < p; k++) u[k] += (centred[c][k] * v) / Math.sqrt(s2);
    }
    // u^T Sigma_W u = 1/n sum_i ((h_i - mu_{c_i}) . u)^2
    let quad = 0;
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      let proj = 0;
      for (let k = 0; k < p; k++) proj += (h[i * p + k] - means[c][k]) * u[k];
      quad += proj * proj;
    }
    nc1 += (classes * (quad / n)) / s2;
  }
  nc1 /= classes;
  const norms = centred.map((m) => Math.sqrt(dot(m, m)));
  let cosSum = 0;
  let pairs = 0;
  let maxDev = 0;
  for (let a = 0; a < classes; a++) {
    for (let b = a + 1; b < classes; b++) {
      const cos = dot(centred[a], centred[b]) / (norms[a] * norms[b]);
      cosSum += cos;
      pairs++;
      maxDev = Math.max(maxDev, Math.abs(cos + 1 / (classes - 1)));
    }
  }
  const meanNorm = norms.reduce((s, v) => s + v, 0) / classes;
  const normCv = Math.sqrt(norms.reduce((s, v) => s + (v - meanNorm) ** 2, 0) / classes) / meanNorm;
  let minClassifierCosine = NaN;
  if (classifier) {
    if (classifier.rank !== 2 || classifier.shape[0] !== p || classifier.shape[1] !== classes) throw new RangeError(`collapseMetrics: classifier must be (${p}, ${classes}), got [${classifier.shape.join(", ")}]`);
    minClassifierCosine = Infinity;
    // The mean column is invisible to softmax (adding it to every column leaves the loss unchanged),
    // so the rows are compared after removing it.
    const meanColumn = new Float64Array(p);
    for (let k = 0; k < p; k++) for (let c = 0; c < classes; c++) meanColumn[k] += classifier.data[k * classes + c] / classes;
    for (let c = 0; c < classes; c++) {
      const w = new Float64Array(p);
      for (let k = 0; k < p; k++) w[k] = classifier.data[k * classes + c] - meanColumn[k];
      minClassifierCosine = Math.min(minClassifierCosine, dot(w, centred[c]) / Math.sqrt(dot(w, w) * dot(centred[c], centred[c])));
    }
  }
  return { nc1, meanCosine: cosSum / pairs, maxCosineDeviation: maxDev, normCv, minClassifierCosine };
}
