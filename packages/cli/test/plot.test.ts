import { describe, it, expect } from "vitest";
import { meanStd, renderSvg } from "../src/plot.js";

/** The points of an SVG path "M x y L x y ... Z". */
const pathPoints = (d: string): [number, number][] => d.replace(/^M/, "").replace(/Z$/, "").split("L").map((p) => p.trim().split(/[ ,]+/).map(Number) as [number, number]);

describe("figures: seed bands", () => {
  const xs = Array.from({ length: 40 }, (_, i) => 1 + i);
  const curves = [0, 1, 2, 3].map((s) => xs.map((x): [number, number] => [x, Math.exp(-x / 10) * (1 + 0.1 * (s - 1.5))]));
  const ms = meanStd(curves);
  for (const log of [false, true])
    it(`the band is one closed polygon spanning the data's x-extent and containing the mean (${log ? "log" : "linear"} axes)`, () => {
      const svg = renderSvg([{ name: "simulation (mean +- std, 4 seeds)", points: ms.mean, band: { lower: ms.lower, upper: ms.upper } }], { xLabel: "t", yLabel: "loss", logx: log, logy: log });
      const bands = [...svg.matchAll(/<path d="([^"]+)"[^>]*class="saddle-band"/g)].map((m) => pathPoints(m[1]));
      expect(bands).toHaveLength(1);
      const band = bands[0];
      expect(band).toHaveLength(2 * xs.length);
      const upper = band.slice(0, xs.length);
      const lower = band.slice(xs.length).reverse();
      // The mean line: the longest path stroked in the series colour.
      const line = [...svg.matchAll(/<path d="(M[^"]+)"[^>]*stroke="#1f77b4"/g)].map((m) => pathPoints(m[1])).sort((a, b) => b.length - a.length)[0];
      expect(line).toHaveLength(xs.length);
      for (let i = 0; i < xs.length; i++) {
        expect(Math.abs(upper[i][0] - line[i][0])).toBeLessThan(0.11);
        expect(Math.abs(lower[i][0] - line[i][0])).toBeLessThan(0.11);
        // SVG y grows downwards: upper edge above (smaller y), lower edge below the mean.
        expect(upper[i][1]).toBeLessThanOrEqual(line[i][1] + 0.05);
        expect(lower[i][1]).toBeGreaterThanOrEqual(line[i][1] - 0.05);
      }
      expect(upper[0][1]).toBeLessThan(lower[0][1] - 1); // a band of visible height where the seeds differ
    });

  it("meanStd gives the mean and the sample std at each x", () => {
    expect(ms.mean[0][1]).toBeCloseTo(Math.exp(-0.1), 14);
    const ys = curves.map((c) => c[0][1]);
    const sd = Math.sqrt(ys.reduce((a, y) => a + (y - ms.mean[0][1]) ** 2, 0) / 3);
    expect(ms.upper[0][1] - ms.mean[0][1]).toBeCloseTo(sd, 14);
  });
});

describe("figures: log axes", () => {
  const labelsOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
  const exponent = (l: string) => (/^1e-?\d+$/.test(l) ? Number(l.slice(2)) : Math.log10(Number(l)));
  it("ticks at evenly spaced decades covering the data, at most 9, whatever the span", () => {
    for (const decades of [3, 12, 21]) {
      const pts = Array.from({ length: 50 }, (_, i): [number, number] => [1 + i, 10 ** (-(decades * i) / 49)]);
      const svg = renderSvg([{ name: "loss", points: pts }], { xLabel: "t", yLabel: "loss", logy: true });
      const ys = labelsOf(svg).filter((l) => /^(1e-?\d+|0\.0*1|1|10+)$/.test(l)).map(exponent).filter((e) => e <= 0.5);
      expect(ys.length, `${decades} decades: ${ys.join(" ")}`).toBeGreaterThanOrEqual(3);
      expect(ys.length).toBeLessThanOrEqual(9);
      const steps = new Set(ys.slice(1).map((e, i) => Math.round(Math.abs(e - ys[i]))));
      expect(steps.size, `${decades} decades: ${ys.join(" ")}`).toBe(1);
      expect(Math.min(...ys)).toBeLessThanOrEqual(-decades);
      expect(Math.max(...ys)).toBeGreaterThanOrEqual(0);
    }
  });
});
