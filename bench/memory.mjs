// Resident memory over 100k tiny training steps on the native backend: checks that the addon and
// the allocator do not leak. Prints RSS after warm-up and at the end (after a forced GC when
// node runs with --expose-gc). Usage: node --expose-gc bench/memory.mjs [steps]
import * as S from "@saddle/core";
import { loadNative, setThreads } from "@saddle/native";

const steps = Number(process.argv[2] ?? 100_000);
if (loadNative()) {
  setThreads(1);
  S.setBackend("native");
}
const rng = S.Rng.seed(0);
const x = S.normal(rng, [64, 64]);
const y = S.normal(rng, [64, 1]);
let p = { w1: S.normal(rng, [64, 16], { std: 0.1 }), w2: S.normal(rng, [16, 1], { std: 0.1 }) };
const vg = S.valueAndGrad((q) => S.mse(S.matmul(S.tanh(S.matmul(x, q.w1)), q.w2), y));
const step = () => {
  const [, g] = vg(p);
  p = S.treeMap((a, b) => S.sub(a, S.mul(b, 0.01)), p, g);
};
const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};
for (let i = 0; i < 2000; i++) step();
const before = rss();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const after = rss();
console.log(`backend ${S.getBackend().name}: ${steps} tiny steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; RSS ${before.toFixed(1)} MiB -> ${after.toFixed(1)} MiB (growth ${(after - before).toFixed(1)} MiB)`);
