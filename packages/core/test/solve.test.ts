import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";

describe("solve/roots: bisection", () => {
  const ROWS: [string, () => number, number, number][] = [
    ["sqrt 2 on [0, 2]", () => S.bisect((x) => x * x - 2, 0, 2), Math.SQRT2, 1e-15],
    ["a decreasing function", () => S.bisect((x) => Math.exp(-x) - 0.5, 0, 10), Math.LN2, 1e-15],
    ["a root at an end point (200 halvings: 2^-200)", () => S.bisect((x) => x, 0, 1), 0, 1e-60],
    ["log bracket over 600 decades: x = 1e-150", () => S.bisectLog((x) => Math.log(x) + 150 * Math.LN10, Math.log(1e-300), Math.log(1e300)), 1e-150, 1e-162], // round-off of log x near -345: ~1e-13 relative
    ["xtol stops early", () => S.bisect((x) => x - 1 / 3, 0, 1, { xtol: 1e-3 }), 1 / 3, 1e-3],
  ];
  for (const [name, f, root, tol] of ROWS) it(name, () => expect(Math.abs(f() - root)).toBeLessThanOrEqual(tol));

  it("ends at round-off within 200 halvings and refuses a bad bracket", () => {
    let calls = 0;
    S.bisect((x) => (calls++, x - 0.1), 0, 1);
    expect(calls).toBeLessThanOrEqual(60); // 2^-53 relative after ~55 halvings
    expect(() => S.bisect((x) => x, 1, 0)).toThrow(/\[1, 0\] is not a finite interval/);
    expect(() => S.bisect((x) => x, 0, Infinity)).toThrow(/not a finite interval/);
  });
});
