// Kernel-theory speed: the eigenlearning estimate (kappa and risk) for 10^6 eigenvalues, and
// empirical kernel ridge regression at n = 4000 on the active backend (native when built).
// Usage: node bench/kernel-theory.mjs
import * as S from "@saddle/core";
import { loadNative } from "@saddle/native";

if (loadNative()) S.setBackend("native");
const P = 1_000_000;
const lam = Float64Array.from({ length: P }, (_, i) => (i + 1) ** -1.5);
const pow = Float64Array.from({ length: P }, (_, i) => (i + 1) ** -1.5);
const times = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  S.eigenlearning.krrRisk({ eigenvalues: lam, targetPower: pow, noise: 0.5 }, 1000, 1e-3);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`eigenlearning kappa + risk, 10^6 eigenvalues: median ${times[3].toFixed(1)} ms (min ${times[0].toFixed(1)})`);

const n = 4000;
const M = 1000;
const rng = S.Rng.seed(0);
const x = S.normal(rng, [n, M]);
const y = S.normal(rng, [n]);
const t0 = performance.now();
const k = S.mm(x, x, false, true);
const a = S.linalg.solve(S.add(k, S.mul(S.eye(n), 1e-3)), y);
const t1 = performance.now();
console.log(`empirical KRR n = ${n} (Gram ${n}x${n} from ${M} features + solve) on ${S.getBackend().name}: ${((t1 - t0) / 1000).toFixed(2)} s (|alpha| = ${Math.sqrt(S.sum(S.square(a)).item()).toExponential(3)})`);
