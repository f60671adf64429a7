import { describe, it, expect } from "vitest";
import { z } from "zod";
import type { Row } from "@saddle/core";
import {
  absClose, atLeast, atMost, between, equals, evaluate, failed, meanSe, phases, relClose, ruleText, sampleDomain, tallyText, zClose, zSample,
  type Claim, type ClaimResult, type ExperimentCheckpoint, type RunContext,
} from "@saddle/experiments";
import { Rng } from "@saddle/core";

describe("verdicts: every rule fails on non-finite input and states itself", () => {
  // [name, verdict on good input, expected pass, the same verdict with NaN somewhere]
  const ROWS: [string, () => ClaimResult, boolean, () => ClaimResult, string][] = [
    ["relClose inside", () => relClose(2, 2.03, 0.02), true, () => relClose(2, NaN, 0.02), "|rel err| <= 2%"],
    ["relClose outside", () => relClose(2, 2.05, 0.02), false, () => relClose(NaN, 2, 0.02), "|rel err| <= 2%"],
    ["absClose", () => absClose(0, 1e-13, 1e-12), true, () => absClose(0, Infinity, 1e-12), "|err| <= 1e-12 abs"],
    ["atMost", () => atMost(0.5, 1), true, () => atMost(NaN, 1), "<= 1"],
    ["atLeast", () => atLeast(150, 100), true, () => atLeast(NaN, 100), ">= 100"],
    ["between", () => between(0.3, 0, 1), true, () => between(0.3, NaN, 1), "in [0, 1]"],
    ["equals", () => equals(3, 3), true, () => equals(3, NaN), "= theory"],
    ["zClose inside", () => zClose(1, 1.2, 0.1, 20, 3), true, () => zClose(1, 1.2, NaN, 20, 3), "|z| <= 3 (n = 20, se 0.1)"],
    ["zClose outside", () => zClose(1, 1.5, 0.1, 20, 3), false, () => zClose(NaN, 1.2, 0.1, 20, 3), "|z| <= 3 (n = 20, se 0.1)"],
  ];
  for (const [name, good, pass, bad, text] of ROWS)
    it(name, () => {
      const r = good();
      expect(r.pass).toBe(pass);
      expect(r.ruleText).toBe(text);
      expect(ruleText(r.rule)).toBe(text);
      const b = bad();
      expect(b.pass).toBe(false);
      expect(b.reason).toMatch(/NaN|Infinity/);
    });

  it("relative tolerance refuses a zero theory; z-tests refuse n < 2 and a zero standard error", () => {
    expect(relClose(0, 0, 0.1)).toMatchObject({ pass: false, reason: expect.stringMatching(/theory is 0/) });
    expect(zSample(1, [1])).toMatchObject({ pass: false, reason: expect.stringMatching(/NaN|sample size/) });
    expect(zClose(1, 1, 0, 10)).toMatchObject({ pass: false, reason: expect.stringMatching(/standard error 0/) });
    expect(zSample(1, [])).toMatchObject({ pass: false });
  });

  it("meanSe is the mean and std/sqrt(n) with n - 1", () => {
    const { mean, se, n } = meanSe([1, 2, 3, 4]);
    expect([mean, n]).toEqual([2.5, 4]);
    expect(se).toBeCloseTo(Math.sqrt(5 / 3 / 4), 15);
  });
});

describe("evaluate: missing data, n/a, and tallies by kind", () => {
  const rows: Row[] = [{ step: 0, t: 0, probe: "p", key: "k", value: 1 }];
  const claims: Claim<{ a: number }>[] = [
    { id: "reads-k", kind: "claim", statement: "", check: ({ sim }) => relClose(1, sim.last("p", "k"), 0.01) },
    { id: "reads-missing", kind: "identity", statement: "", check: ({ sim }) => atMost(sim.last("p", "nope"), 1) },
    { id: "only-a2", kind: "claim", statement: "", appliesTo: (c) => c.a === 2, check: () => failed("never") },
    { id: "throws", kind: "sanity", statement: "", check: () => { throw new Error("boom"); } },
  ];
  it("a missing key fails naming it, a non-applicable claim is n/a and not counted, a throw fails", () => {
    const out = evaluate("x", claims, { a: 1 }, undefined, rows, []);
    expect(out.map((o) => [o.claim, o.pass, o.applicable])).toEqual([["reads-k", true, true], ["reads-missing", false, true], ["only-a2", false, false], ["throws", false, true]]);
    expect(out[1].reason).toMatch(/missing data: simulation has no key 'nope' in probe 'p'/);
    expect(out[3].reason).toMatch(/check threw: boom/);
    expect(tallyText(out)).toBe("paper claims 1/1, identities 0/1, sanity checks 0/1");
  });
});

describe("sampleDomain", () => {
  const schema = z.object({ lr: z.number().positive().max(1), width: z.number().int().min(1).max(64), act: z.enum(["relu", "tanh"]), steps: z.number().int() }).strict();
  const base = { lr: 0.1, width: 8, act: "relu", steps: 10 };
  const domain = {
    axes: { lr: { range: [1e-3, 1e-1] as const, scale: "log" as const }, width: { range: [2, 64] as const, integer: true }, act: { choices: ["relu", "tanh"] } },
    derive: (c: z.infer<typeof schema>) => ({ steps: Math.ceil(1 / c.lr) }),
    where: (c: z.infer<typeof schema>) => c.lr * c.width <= 1,
  };
  it("is deterministic in the sample seed, honours ranges, derive and where, and the seed changes it", () => {
    const a = sampleDomain("t", domain, schema, base, 20, 7);
    expect(sampleDomain("t", domain, schema, base, 20, 7)).toEqual(a);
    expect(sampleDomain("t", domain, schema, base, 20, 8)).not.toEqual(a);
    for (const s of a) {
      expect(s.config.lr).toBeGreaterThanOrEqual(1e-3);
      expect(s.config.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(s.config.width)).toBe(true);
      expect(s.config.lr * s.config.width).toBeLessThanOrEqual(1);
      expect(s.config.steps).toBe(Math.ceil(1 / s.config.lr));
      expect(s.seed).toBeGreaterThanOrEqual(0);
      expect(s.seed).toBeLessThanOrEqual(1000);
    }
    expect(new Set(a.map((s) => s.config.act)).size).toBe(2);
  });
  it("says why when no config satisfies the domain", () => {
    expect(() => sampleDomain("t", { ...domain, where: () => false }, schema, base, 1)).toThrow(/experiment t: could not draw a valid config .* outside `where`/);
  });
});

describe("phases: a resumed run skips finished parts and resumes inside its own", () => {
  const part = (name: string) => async function* (resume: ExperimentCheckpoint | undefined): AsyncGenerator<Row> {
    for (let i = resume?.step ?? 0; i < 3; i++) yield { step: i, t: 0, probe: name, key: "i", value: i };
  };
  const parts = [["a", part("a")], ["b", part("b")], ["c", part("c")]] as const;
  const collect = async (ctx: RunContext) => { const out: string[] = []; for await (const r of phases(ctx, parts)) out.push(`${r.probe}${r.step}`); return out; };
  it("emits a phase-start checkpoint after each part, and resumes from one", async () => {
    const cks: ExperimentCheckpoint[] = [];
    const all = await collect({ seed: 0, rng: Rng.seed(0), onCheckpoint: (c) => cks.push(c) });
    expect(all).toEqual(["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]);
    expect(cks.map((c) => c.phase)).toEqual(["b", "c"]);
    expect(await collect({ seed: 0, rng: Rng.seed(0), resume: { phase: "b", step: 2, params: {}, optState: null, rngState: [] } })).toEqual(["b2", "c0", "c1", "c2"]);
  });
  it("rejects a checkpoint of an unknown phase", async () => {
    await expect(collect({ seed: 0, rng: Rng.seed(0), resume: { phase: "zz", step: 0, params: {}, optState: null, rngState: [] } })).rejects.toThrow(/checkpoint phase 'zz' is not one of a, b, c/);
  });
  it("stops between parts when cancelled", async () => {
    const ctrl = new AbortController();
    const out: string[] = [];
    for await (const r of phases({ seed: 0, rng: Rng.seed(0), signal: ctrl.signal }, parts)) { out.push(r.probe); if (out.length === 3) ctrl.abort(); }
    expect(out).toEqual(["a", "a", "a"]);
  });
});
