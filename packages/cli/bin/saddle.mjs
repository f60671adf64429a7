#!/usr/bin/env node
// The `saddle` command. A committed stub, so npm links the bin at install time, before the
// TypeScript build has produced dist/.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("saddle: the CLI is not built yet; run `npm run build` at the repository root first\n");
  process.exit(2);
}
await import(main);
