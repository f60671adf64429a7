// Saddle's side of the benchmark (see run.mjs): the same workloads as peers.py, written with
// Saddle's public API. Prints one JSON object {backend, threads, results: {case: median_seconds}}.
import * as S from "@saddle/core";
import { loadNative, setThreads } from "@saddle/native";

const [threads, casesJson, backendName = "native"] = process.argv.slice(2);
const cases = JSON.parse(casesJson);
if (backendName === "native") {
  if (!loadNative()) {
    console.log(JSON.stringify({ backend: "unavailable", results: {} }));
    process.exit(0);
  }
  setThreads(Number(threads));
}
S.setBackend(backendName);

function medianTime(fn, repeats, inner) {
  fn();
  const samples = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t0) / 1000 / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function mlpStep({ N, D, H, dtype }) {
  const rng = S.Rng.seed(0);
  const x = S.normal(rng, [N, D], { dtype });
  const y = S.normal(rng, [N, 1], { dtype });
  let p = { w1: S.normal(rng, [D, H], { std: 0.1, dtype }), w2: S.normal(rng, [H, 1], { std: 0.05, dtype }) };
  const vg = S.valueAndGrad((q) => S.mse(S.matmul(S.tanh(S.matmul(x, q.w1)), q.w2), y));
  return () => {
    const [, g] = vg(p);
    p = S.treeMap((a, b) => S.sub(a, S.mul(b, 0.01)), p, g);
  };
}

function modularAddition({ p, width, steps }) {
  const rows = [];
  const labels = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    rows.push(a, p + b);
    labels.push((a + b) % p);
  }
  const x = S.zeros([p * p, 2 * p]);
  for (let i = 0; i < p * p; i++) {
    x.data[i * 2 * p + rows[2 * i]] = 1;
    x.data[i * 2 * p + rows[2 * i + 1]] = 1;
  }
  const y = S.oneHot(labels, p);
  const rng = S.Rng.seed(0);
  return () => {
    let params = { w: S.normal(rng, [2 * p, width], { std: 0.1 }), a: S.normal(rng, [width, p], { std: 0.1 }) };
    const vg = S.valueAndGrad((q) => S.mse(S.matmul(S.square(S.matmul(x, q.w)), q.a), y));
    for (let s = 0; s < steps; s++) {
      const [, g] = vg(params);
      params = S.treeMap((a, b) => S.sub(a, S.mul(b, 0.5)), params, g);
    }
  };
}

const results = {};
for (const c of cases) {
  let fn;
  if (c.kind === "matmul") {
    const a = S.normal(S.Rng.seed(0), [c.n, c.n], { dtype: c.dtype });
    fn = () => S.matmul(a, a);
  } else if (c.kind === "mlp") fn = mlpStep(c);
  else if (c.kind === "eigh") {
    const g = S.normal(S.Rng.seed(0), [c.n, c.n]);
    const a = S.mul(S.add(g, S.transpose(g)), 0.5);
    fn = () => S.linalg.eigh(a);
  } else if (c.kind === "modadd") fn = modularAddition(c);
  results[c.name] = medianTime(fn, c.repeats, c.inner);
}
console.log(JSON.stringify({ backend: backendName, threads: S.getBackend().getThreads?.() ?? 1, results }));
