import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/core stays browser-safe with zero runtime dependencies. */
describe("core purity", () => {
  const root = fileURLToPath(new URL("../src", import.meta.url));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  walk(root);

  it("finds the sources", () => expect(files.length).toBeGreaterThan(10));

  it("no file imports node:* or a package (only relative imports)", () => {
    const bad: string[] = [];
    const importRe = /(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec.startsWith("./") && !spec.startsWith("../")) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("package.json declares no runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it("no Math.random in the engine", () => {
    expect(files.filter((f) => readFileSync(f, "utf8").includes("Math.random("))).toEqual([]);
  });
});
