import { describe, it, expect, afterEach } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../src/store.js";

describe("store rows", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function fresh(): Store {
    const dir = mkdtempSync(join(tmpdir(), "saddle-store-"));
    dirs.push(dir);
    const store = new Store(join(dir, "saddle.db"));
    store.createRun({ id: "r1", experiment: "e", config: {}, seed: 0, preset: null, backend: "reference", codeVersion: "test" });
    return store;
  }

  it("keeps a non-finite value as NaN, and rejects a non-finite step or t by name without losing stored rows", () => {
    const store = fresh();
    store.insertRows("r1", [{ step: 0, t: 0, probe: "p", key: "k", value: 1 }, { step: 1, t: 0.5, probe: "p", key: "k", value: Infinity }]);
    expect(() => store.insertRows("r1", [{ step: 2, t: 1, probe: "p", key: "k", value: 2 }, { step: 3, t: NaN, probe: "grok", key: "steps", value: 3 }])).toThrow(/row grok\/steps: step and t must be finite numbers, got step 3, t NaN/);
    const rows = store.metrics("r1", {});
    expect(rows.map((r) => r.value)).toEqual([1, NaN]);
    store.close();
  });
});
