import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { quasiHomogeneousMargin as experiment } from "../src/symmetry/quasi-homogeneous-margin/experiment.js";
import { etfCosine, predictedA1Slope, predictedLogWGrowth, svmOf, x2OnlyMargin } from "../src/symmetry/quasi-homogeneous-margin/theory.js";
import { controlLoss, controlProbe, initToy, logExpLoss, toyMargins, toyProbe, type ToyData, type ToyParams } from "../src/symmetry/quasi-homogeneous-margin/toy.js";
import { checkClaims, prepare } from "../src/kit/index.js";

/** Normalised GD (sgd on log L) through train(), logged at the given steps. */
async function normalisedGd<P extends S.Tree>(params: P, loss: (p: P) => S.Tensor, lr: number, steps: number, at: number[], probe: S.Probe<P>): Promise<S.Row[]> {
  return S.collect(S.train<P>({ params, loss, optimizer: S.sgd(lr), steps, schedule: { steps: at }, probes: [probe] }));
}

describe("quasi-homogeneous-margin", () => {
  it("schema rejects unknown keys, bad values and data the theory does not cover", () => {
    const q = experiment.presets.quick;
    expect(() => experiment.schema.parse({ ...q, toySteeps: 10 })).toThrow(/toySteeps|Unrecognized/);
    expect(() => experiment.schema.parse({ ...q, toyLr: -0.1 })).toThrow(/toyLr/);
    expect(() => experiment.schema.parse({ ...q, ncStepRule: "adam" })).toThrow(/ncStepRule/);
    expect(() => experiment.schema.parse({ ...q, toyY: [1, -1, -1] })).toThrow(/same length/);
    expect(() => experiment.schema.parse({ ...q, toyX: [[1, 1], [0.2, -2], [-1.2, 1.1], [-0.3, 2.2]] })).toThrow(/separable by x2 alone/);
  });

  it("limits of the theory: gradient-flow limit of the growth rate, symmetric data where both margins agree, C = 2 ETF", () => {
    const data = { x: [[1, 1], [0.2, -2], [-1.2, -1.1], [-0.3, 2.2]], y: [1, -1, -1, 1] };
    // eta -> 0: 2 log(1 + eta gamma2) / eta -> 2 gamma2 (the flow's exponential rate in normalised time).
    expect(predictedLogWGrowth(data, 1e-9) / 1e-9).toBeCloseTo(2 * x2OnlyMargin(data), 6);
    expect(predictedA1Slope(data, 0.01)).toBeCloseTo(0.01, 15);
    // Data symmetric under x1 -> -x1: the SVM ignores x1 too, so the asymmetric and the L2 max-margin agree.
    const sym = { x: [[1, 1], [-1, 1], [1, -1], [-1, -1]], y: [1, 1, -1, -1] };
    const svm = svmOf(sym);
    expect(Math.abs(svm.direction[0])).toBeLessThan(1e-12);
    expect(svm.margin).toBeCloseTo(x2OnlyMargin(sym), 12);
    // On the preset data the SVM uses x1 and has the larger margin.
    expect(Math.abs(svmOf(data).direction[0])).toBeGreaterThan(0.5);
    expect(svmOf(data).margin).toBeGreaterThan(1.4);
    expect(etfCosine(2)).toBe(-1);
  });

  it("simulation vs theory on other data: the toy discards x1, the homogeneous control keeps it", async () => {
    const data: ToyData = { x: [[0.5, 1.5], [-1, -0.8], [1.5, 2]], y: [1, -1, 1] };
    const lr = 0.02;
    const steps = 600;
    const toy = await normalisedGd<ToyParams>(initToy(S.Rng.seed(3), 0.2), (p) => logExpLoss(toyMargins(p, data)), lr, steps, [0, 300, steps], toyProbe(data));
    const at = (rows: S.Row[], key: string, step: number) => rows.find((r) => r.key === key && r.step === step)!.value;
    expect(at(toy, "beta1Abs", steps)).toBeLessThan(1e-4);
    const slope = (at(toy, "logW", steps) - at(toy, "logW", 300)) / 300;
    expect(Math.abs(slope / predictedLogWGrowth(data, lr) - 1)).toBeLessThan(1e-3);
    const a1Slope = (at(toy, "a1", steps) - at(toy, "a1", 300)) / 300;
    expect(Math.abs(a1Slope / predictedA1Slope(data, lr) - 1)).toBeLessThan(1e-3);
    const svm = svmOf(data);
    const control = await normalisedGd<S.Tensor>(S.zeros([2]), controlLoss(data), 0.5, 1500, [0, 1500], controlProbe(data, svm.direction));
    expect(at(control, "angleToSvm", 1500)).toBeLessThan(0.02);
    expect(at(control, "beta1Abs", 1500)).toBeGreaterThan(0.1);
  });

  it("the monotonicity sanity checks fail on a non-finite value (they used to count NaN comparisons as 0 violations)", () => {
    const cfg = experiment.schema.parse(experiment.presets.quick);
    const { setup, theory } = prepare(experiment, cfg, 0);
    const rows: S.Row[] = [];
    for (let k = 0; k <= cfg.toySteps; k += 150) {
      rows.push({ step: k, t: k, probe: "toy", key: "beta1Abs", value: k === 1200 ? NaN : 1 / (k + 1) });
      rows.push({ step: k, t: k, probe: "toy", key: "qhMargin", value: k + 1 });
    }
    const byId = Object.fromEntries(checkClaims(experiment, cfg, setup, rows, theory).map((c) => [c.claim, c]));
    expect(byId["toy-beta1-decreasing"].pass).toBe(false);
    expect(byId["toy-qh-margin-increasing"].pass).toBe(true);
  });
});
