#!/usr/bin/env node
// Runs the whole vitest suite and prints a final plain line "N passed, N failed" computed from
// vitest's JSON report (not from its console summary). Exit code: vitest's.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

const out = ".vitest-results.json";
rmSync(out, { force: true });
const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...process.argv.slice(2)];
const r = spawnSync("npx", args, { stdio: "inherit" });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(out, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const s of report.testResults ?? []) if (s.status === "failed" && (s.assertionResults ?? []).length === 0) failed++;
} catch (e) {
  console.error(`could not read the test report ${out}: ${e.message}`);
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(r.status === 0 && failed === 0 ? 0 : r.status || 1);
