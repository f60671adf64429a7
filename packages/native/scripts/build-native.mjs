#!/usr/bin/env node
// Builds the N-API addon with node-gyp against Debian's OpenBLAS. Never fails the install: when
// the build is impossible (no compiler, no BLAS), it says once what would enable it and exits 0;
// Saddle then runs on the TypeScript backend.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

function nodeGyp() {
  const candidates = [
    () => require.resolve("node-gyp/bin/node-gyp.js"),
    () => join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    () => "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    () => "/usr/share/nodejs/node-gyp/bin/node-gyp.js",
  ];
  for (const c of candidates) {
    try {
      const p = c();
      if (existsSync(p)) return p;
    } catch {}
  }
  return null;
}

const gyp = nodeGyp();
const hint = "install Debian's libopenblas-dev liblapacke-dev (apt-get install libopenblas-dev liblapacke-dev), g++ and make";
if (!existsSync("/usr/lib/x86_64-linux-gnu/libopenblas.so.0") && !existsSync("/usr/lib/libopenblas.so.0") && !existsSync("/usr/lib/aarch64-linux-gnu/libopenblas.so.0")) {
  console.error(`saddle: OpenBLAS not found; the native backend is not built and Saddle runs on the TypeScript backend. To enable it: ${hint}.`);
  process.exit(0);
}
if (!gyp) {
  console.error(`saddle: node-gyp not found; the native backend is not built. To enable it: ${hint}.`);
  process.exit(0);
}
const nodedir = existsSync("/usr/include/node/node_api.h") ? ["--nodedir=/usr"] : [];
const r = spawnSync(process.execPath, [gyp, "rebuild", ...nodedir], { cwd: here, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (r.status !== 0) {
  console.error(r.stdout.slice(-2000));
  console.error(r.stderr.slice(-4000));
  console.error(`saddle: the native backend failed to build; Saddle runs on the TypeScript backend. To enable it: ${hint}.`);
  process.exit(0);
}
console.error("saddle: native backend built (build/Release/saddle_native.node)");
