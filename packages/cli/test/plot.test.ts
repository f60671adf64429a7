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
