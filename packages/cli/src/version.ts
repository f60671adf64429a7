import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The CLI package's version (package.json). */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(`${here}/../package.json`, "utf8")) as { version: string }).version;

let cached: string | undefined;

/**
 * The code version a run records: `<package version>+<git commit>` with `-dirty` when the work
 * tree has uncommitted changes, or the package version alone outside a git checkout.
 */
export function codeVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
    const commit = git(["rev-parse", "--short=12", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--untracked-files=no"]).length > 0;
    cached = `${PACKAGE_VERSION}+${commit}${dirty ? "-dirty" : ""}`;
  } catch {
    cached = PACKAGE_VERSION;
  }
  return cached;
}
