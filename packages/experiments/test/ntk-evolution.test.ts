import { describe, expect, it } from "vitest";
import type { Row } from "@saddle/core";
import { checkClaims, seedStreams } from "../src/kit/index.js";
import { ntkEvolution as e } from "../src/kernels/ntk-evolution/experiment.js";

const cfg = e.schema.parse(e.presets.quick);
const early = Math.round(cfg.earlyFraction * cfg.steps);
const half = Math.floor(cfg.steps / 2);
const setup = e.setup(cfg, { seed: 0, rng: seedStreams(0).setup });

/** Synthetic kernel rows: the kernel turns by angle(t) along a geodesic; NTK distances scale as (N0/N)^2. */
function rows(angle: (t: number) => number): Row[] {
  const out: Row[] = [];
  for (const param of ["ntk", "meanfield"] as const)
    for (const width of cfg.widths)
      for (let seed = 0; seed < cfg.seeds; seed++) {
        const scale = param === "ntk" ? (cfg.widths[0] / width) ** 2 : 1;
        for (const step of [0, early, half, cfg.steps]) {
          const coords = { param, width, seed };
          out.push({ step, t: step, probe: "kernel", key: "distance", value: scale * (1 - Math.cos(angle(step))), coords });
          if (step > half) out.push({ step, t: step, probe: "kernel", key: "lateDistance", value: scale * (1 - Math.cos(angle(step) - angle(half))), coords });
        }
      }
  return out;
}

const verdicts = (r: Row[]) => Object.fromEntries(checkClaims(e, cfg, setup, r, []).map((c) => [c.claim, c]));

describe("ntk-evolution claims", () => {
  it("schema: widths must increase; presets parse", () => {
    expect(e.schema.safeParse({ ...e.presets.quick, widths: [512, 128] }).success).toBe(false);
    expect(e.schema.safeParse(e.presets.full).success).toBe(true);
  });

  it("front-loaded motion passes every claim; uniform angular motion fails early-motion (speed ratio 1)", () => {
    const fast = verdicts(rows((t) => 0.5 * (1 - Math.exp(-t / (0.03 * cfg.steps)))));
    for (const c of Object.values(fast)) expect(c.pass, `${c.claim}: ${c.measured}`).toBe(true);
    expect(fast["ntk-distance-falls"].measured).toBeCloseTo(-2, 10);
    const uniform = verdicts(rows((t) => (0.5 * t) / cfg.steps));
    for (const w of cfg.widths) {
      expect(uniform[`early-motion-${w}`].measured).toBeCloseTo(1, 10);
      expect(uniform[`early-motion-${w}`].pass).toBe(false);
    }
  });

  it("a missing step row fails with the reason", () => {
    const r = rows((t) => 0.5 * (1 - Math.exp(-t / 10))).filter((x) => !(x.step === early && x.coords?.width === cfg.widths[0]));
    const v = verdicts(r)[`early-motion-${cfg.widths[0]}`];
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(/missing data/);
  });
});
