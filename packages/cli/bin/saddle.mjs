#!/usr/bin/env node
// The `saddle` command. A committed stub, so npm links the bin at install time, before the
// TypeScript build has produced dist/.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// `saddle --version` answers before the CLI and its experiments load (a few ms instead of ~300).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
  process.exit(0);
}

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("saddle: the CLI is not built yet; run `npm run build` at the repository root first\n");
  process.exit(2);
}
await import(main);
