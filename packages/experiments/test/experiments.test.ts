import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { EXPERIMENTS, checkClaims, execute, figureSeries, prepare, runRows, sampleDomain, type AnyExperiment, type ExperimentCheckpoint } from "@saddle/experiments";
import { loadNative } from "@saddle/native";

// Experiments run on the native backend when it is built (as `saddle reproduce` does); the
// reference backend's own correctness is covered by the engine's tables.
if (loadNative({ quiet: true })) S.setBackend("native");

/**
 * Whether a run at `seed` differs from `reference` rows: the run is stopped at the first row that
 * differs (cheap when the seed matters early), or runs to the end when none does.
 */
async function differsFrom(e: AnyExperiment, cfg: unknown, seed: number, reference: readonly S.Row[]): Promise<boolean> {
  const { setup } = prepare(e, cfg, seed);
  const ctrl = new AbortController();
  let i = 0;
  let differs = false;
  for await (const r of runRows(e, cfg, seed, setup, { signal: ctrl.signal })) {
    const ref = reference[i++];
    if (ref === undefined || ref.value !== r.value || ref.key !== r.key) {
      differs = true;
      ctrl.abort();
      break;
    }
  }
  return differs || i !== reference.length;
}

const quickRuns = new Map<string, Awaited<ReturnType<typeof execute>>>();
async function quick(e: AnyExperiment) {
  let r = quickRuns.get(e.id);
  if (!r) {
    r = await execute(e, e.schema.parse(e.presets.quick), 0);
    quickRuns.set(e.id, r);
  }
  return r;
}

/** Configs drawn from each domain (SADDLE_SAMPLE of them, default 1; SADDLE_SAMPLE_SEED picks the draw). */
const SAMPLE = Number(process.env.SADDLE_SAMPLE ?? 1);
const SAMPLE_SEED = Number(process.env.SADDLE_SAMPLE_SEED ?? 0);

describe.each(EXPERIMENTS.map((e) => [e.id, e] as const))("experiment %s", (_id, e) => {
  it("quick preset: every applicable claim passes; every figure curve has rows", async () => {
    const r = await quick(e);
    expect(r.end, r.reason ?? "").toBe("done");
    for (const c of figureSeries(e.figure, r.cfg)) {
      const drawn = (x: S.Row) => x.probe === c.probe && x.key === c.key && Object.entries(c.coords ?? {}).every(([k, v]) => x.coords?.[k] === v);
      expect(r.rows.some(drawn) || r.theory.some(drawn), `figure curve ${c.probe}/${c.key} has no rows`).toBe(true);
    }
    expect(r.claims.filter((c) => c.applicable).length).toBeGreaterThan(0);
    for (const c of r.claims.filter((x) => x.applicable)) {
      // Wall-clock claims are measured here but not asserted: timings depend on the machine and load.
      if (c.kind === "timing") expect(Number.isFinite(c.measured) && c.measured > 0, `${c.claim}: measured ${c.measured}`).toBe(true);
      else expect(c.pass, `${c.claim}: theory ${c.theory}, measured ${c.measured}, ${c.ruleText}${c.reason ? ` (${c.reason})` : ""}`).toBe(true);
    }
  });

  it.runIf(SAMPLE > 0 && Object.keys(e.domain.axes).length > 0)(`claims hold on ${SAMPLE} config(s) drawn from the domain (sample seed ${SAMPLE_SEED})`, async () => {
    for (const d of sampleDomain(e.id, e.domain, e.schema, e.presets.quick, SAMPLE, SAMPLE_SEED)) {
      const r = await execute(e, d.config, d.seed);
      const at = `at ${JSON.stringify(d.drawn)} seed ${d.seed}`;
      expect(r.end, `${at}: ${r.reason}`).toBe("done");
      for (const c of r.claims.filter((x) => x.applicable && x.kind !== "timing")) expect(c.pass, `${c.claim} ${at}: theory ${c.theory}, measured ${c.measured}, ${c.ruleText}${c.reason ? ` (${c.reason})` : ""}`).toBe(true);
    }
  });

  it("no vacuous verdicts: every claim fails on no simulation rows and on NaN rows", async () => {
    const r = await quick(e);
    const applicable = (xs: ReturnType<typeof checkClaims>) => xs.filter((c) => c.applicable);
    for (const c of applicable(checkClaims(e, r.cfg, r.setup, [], r.theory))) expect(c.pass, `${c.claim} passes with no rows`).toBe(false);
    const nan = r.rows.map((x) => ({ ...x, value: NaN }));
    for (const c of applicable(checkClaims(e, r.cfg, r.setup, nan, r.theory))) expect(c.pass, `${c.claim} passes with every value NaN`).toBe(false);
  });

  it("the config schema rejects unknown keys and bad values; the presets and sampled domain configs parse", () => {
    expect(() => e.schema.parse({ ...e.presets.quick, bogus: 1 })).toThrow();
    expect(e.schema.safeParse(e.presets.full).success).toBe(true);
    for (const s of sampleDomain(e.id, e.domain, e.schema, e.presets.quick, 5, 7)) expect(e.schema.safeParse(s.config).success).toBe(true);
  });

  it(e.deterministic ? `is deterministic (${e.deterministic})` : "--seed changes the numbers (seed 1 against seed 0)", async () => {
    const r = await quick(e);
    expect(await differsFrom(e, r.cfg, 1, r.rows)).toBe(!e.deterministic);
  });

  it.runIf(e.resumable)("interrupted at a checkpoint and resumed gives the uninterrupted rows", async () => {
    const full = await quick(e);
    const cfg = full.cfg;
    const ckpts: ExperimentCheckpoint[] = [];
    const ctrl = new AbortController();
    const steps = typeof (cfg as { steps?: unknown }).steps === "number" ? ((cfg as { steps: number }).steps as number) : 100;
    // Stop at the second checkpoint (the first may be a phase boundary).
    const part = await execute(e, cfg, 0, { signal: ctrl.signal, checkpointEvery: Math.max(1, Math.ceil(steps / 7)), onCheckpoint: (c) => { ckpts.push(c); if (ckpts.length === 2) ctrl.abort(); } });
    expect(ckpts.length, "the run emitted no checkpoint").toBeGreaterThan(0);
    const c = S.decodeState<ExperimentCheckpoint>(JSON.parse(JSON.stringify(S.encodeState(ckpts[ckpts.length - 1]))));
    const rest = await execute(e, cfg, 0, { resume: c, priorRows: part.rows });
    expect(rest.end).toBe("done");
    expect(rest.rows.map((x) => [x.probe, x.key, x.step, x.value])).toEqual(full.rows.map((x) => [x.probe, x.key, x.step, x.value]));
  });
});
