import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { EXPERIMENTS, figureSeries, type Experiment, type ExperimentCheckpoint } from "@saddle/experiments";
import { loadNative } from "@saddle/native";

// Experiments run on the native backend when it is built (as `saddle reproduce` does); the
// reference backend's own correctness is covered by the engine's tables.
if (loadNative({ quiet: true })) S.setBackend("native");

async function runPreset(e: Experiment, preset: "quick" | "full", ctx: Partial<Parameters<Experiment["run"]>[1]> = {}) {
  const cfg = e.schema.parse(e.presets[preset]);
  const rows = await S.collect(e.run(cfg, { rng: S.Rng.seed(0), ...ctx }));
  return { cfg, rows };
}

describe.each(EXPERIMENTS.map((e) => [e.id, e] as const))("experiment %s", (_id, e) => {
  it("quick preset: every claim passes", async () => {
    const { cfg, rows } = await runPreset(e, "quick");
    // Experiments whose prediction is computed inside the run (analytic kernels, attacks on the
    // kernel predictor) may return no separate theory rows; the claims still compare with theory.
    const theory = e.theory(cfg);
    expect(Array.isArray(theory)).toBe(true);
    // Every curve of the default figure has something to draw.
    for (const c of figureSeries(e.figure, cfg)) {
      const drawn = (r: { probe: string; key: string }) => r.probe === c.probe && r.key === c.key;
      expect(rows.some(drawn) || theory.some(drawn), `figure curve ${c.probe}/${c.key} has no rows`).toBe(true);
    }
    for (const c of e.claims.filter((x) => x.appliesTo?.(cfg) ?? true)) {
      const r = c.check(rows, cfg, theory);
      // Wall-clock claims are measured here but not asserted: timings depend on the machine and load.
      if (c.timing) expect(Number.isFinite(r.measured) && r.measured > 0, `${c.id}: measured ${r.measured}`).toBe(true);
      else expect(r.pass, `${c.id}: theory ${r.theory}, measured ${r.measured}, tolerance ${r.tolerance}`).toBe(true);
    }
  });

  it("the config schema rejects unknown keys and bad values", () => {
    expect(() => e.schema.parse({ ...e.presets.quick, bogus: 1 })).toThrow();
    expect(e.schema.safeParse(e.presets.full).success).toBe(true);
  });
});

describe("linear-saddle-to-saddle", () => {
  it("resumes from a checkpoint onto the same curve, bit for bit", async () => {
    const e = EXPERIMENTS.find((x) => x.id === "linear-saddle-to-saddle")!;
    const cfg = e.schema.parse({ ...e.presets.quick, steps: 400 });
    const full = await S.collect(e.run(cfg, { rng: S.Rng.seed(0) }));
    const ctrl = new AbortController();
    let ckpt: ExperimentCheckpoint | null = null;
    const part = await S.collect(e.run(cfg, { rng: S.Rng.seed(0), checkpointEvery: 100, onCheckpoint: (c) => { ckpt = c; if (c.step === 200) ctrl.abort(); }, signal: ctrl.signal }));
    expect(part.filter((r) => r.key === "loss").pop()!.step).toBeLessThan(400);
    const c = ckpt as unknown as ExperimentCheckpoint;
    const restored = S.decodeState<ExperimentCheckpoint>(JSON.parse(JSON.stringify(S.encodeState(c))));
    const rest = await S.collect(e.run(cfg, { rng: S.Rng.seed(0), resume: restored }));
    const fullLoss = full.filter((r) => r.probe === "train" && r.step >= c.step).map((r) => r.value);
    const restLoss = rest.filter((r) => r.probe === "train").map((r) => r.value);
    expect(restLoss).toEqual(fullLoss);
  });
});
