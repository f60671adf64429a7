#!/usr/bin/env node
// Saddle vs PyTorch and NumPy, side by side in one run, same thread count, medians over repeats.
// Usage: npm run bench [-- --threads 1|2] [--quick]
// Prints a table of times and saddle/peer ratios (under 1 means Saddle is faster). Peers come from
// Debian's python3-torch and python3-numpy; an absent peer is skipped and said so. OpenBLAS core
// type: the environment's setting is used as is and reported; run once with and once without
// OPENBLAS_CORETYPE to compare kernels.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const threads = Number(args[args.indexOf("--threads") + 1] || 2) || 2;
const quick = args.includes("--quick");
const q = (n) => (quick ? Math.max(1, Math.ceil(n / 4)) : n);

const cases = [
  ...[64, 256, 1024].flatMap((n) => ["f64", "f32"].map((dtype) => ({
    name: `matmul ${n} ${dtype}`, kind: "matmul", n, dtype, repeats: 7, inner: q(n === 64 ? 2000 : n === 256 ? 100 : 5),
  }))),
  { name: "MLP step f64 (4096x64, h=512)", kind: "mlp", N: 4096, D: 64, H: 512, dtype: "f64", repeats: 7, inner: q(8) },
  { name: "MLP step f32 (4096x64, h=512)", kind: "mlp", N: 4096, D: 64, H: 512, dtype: "f32", repeats: 7, inner: q(8) },
  { name: "tiny step f64 (64x64, h=16)", kind: "mlp", N: 64, D: 64, H: 16, dtype: "f64", repeats: 7, inner: q(2000) },
  { name: "eigh 1000", kind: "eigh", n: 1000, repeats: 5, inner: 1 },
  { name: "eigh 2000", kind: "eigh", n: 2000, repeats: quick ? 3 : 5, inner: 1 },
  { name: "modular addition p=23, 2000 GD steps", kind: "modadd", p: 23, width: 64, steps: 2000, repeats: 3, inner: 1 },
];

const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
const node = spawnSync(process.execPath, [join(here, "saddle.mjs"), String(threads), JSON.stringify(cases)], { env, encoding: "utf8", cwd: join(here, "..") });
if (node.status !== 0) {
  console.error(node.stderr);
  process.exit(1);
}
const saddle = JSON.parse(node.stdout.trim().split("\n").pop());
// Peers run at the same thread count and at 1 thread; each peer's best time is compared
// ("best torch setting": torch's OpenMP pool and OpenBLAS's threads can fight over 2 cores).
const py = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
function runPeers(t) {
  const e = { ...process.env, OMP_NUM_THREADS: String(t), OPENBLAS_NUM_THREADS: String(t), MKL_NUM_THREADS: String(t) };
  const r = spawnSync(py, [join(here, "peers.py"), String(t), JSON.stringify(cases)], { env: e, encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`peers failed: ${r.stderr.slice(-500)}`);
    return { torch: {}, numpy: {}, absent: ["torch", "numpy"] };
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}
const peerRuns = [...new Set([threads, 1])].map(runPeers);
const peers = { torch: {}, numpy: {}, absent: peerRuns[0].absent };
for (const run of peerRuns) for (const peer of ["torch", "numpy"]) for (const [k, v] of Object.entries(run[peer])) {
  if (peers[peer][k] === undefined || v < peers[peer][k]) peers[peer][k] = v;
}

const fmt = (s) => (s === undefined ? "-" : s >= 1 ? `${s.toFixed(2)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} us`);
const ratio = (a, b) => (a === undefined || b === undefined ? "-" : (a / b).toFixed(2));
console.log(`Saddle backend: ${saddle.backend}, threads: ${threads}, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? "(unset)"}; peers: best of ${[...new Set([threads, 1])].join(" and ")} threads`);
if (peers.absent.length) console.log(`absent peers (skipped): ${peers.absent.join(", ")}`);
const rows = [["case", "saddle", "torch", "numpy", "saddle/torch", "saddle/numpy"]];
for (const c of cases) {
  const s = saddle.results[c.name];
  rows.push([c.name, fmt(s), fmt(peers.torch[c.name]), fmt(peers.numpy[c.name]), ratio(s, peers.torch[c.name]), ratio(s, peers.numpy[c.name])]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  "));
