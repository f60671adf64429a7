import { describe, it, expect } from "vitest";
import { RowQuery, MissingDataError, type Row } from "@saddle/core";

// Rows of two probes; the "lam" series carries coordinates (lambda, seed).
const rows: Row[] = [
  { step: 0, t: 0, probe: "train", key: "loss", value: 3 },
  { step: 10, t: 0.5, probe: "train", key: "loss", value: 1 },
  { step: 20, t: 1, probe: "train", key: "loss", value: 0.25 },
  ...[-1, 2].flatMap((lambda) => [0, 1].map((seed): Row => ({ step: 0, t: lambda, probe: "qqt", key: "err", value: lambda * 10 + seed, coords: { lambda, seed } }))),
  { step: 0, t: 0, probe: "bad", key: "x", value: NaN },
  { step: 1, t: 1, probe: "bad", key: "x", value: 2 },
];
const q = new RowQuery(rows, "simulation");

describe("RowQuery: the one way claims read rows", () => {
  it("selects series by probe, key and coordinates, in emission order", () => {
    expect(q.values("train", "loss")).toEqual([3, 1, 0.25]);
    expect(q.values("qqt", "err", { lambda: 2 })).toEqual([20, 21]);
    expect(q.values("qqt", "err", { seed: 1 })).toEqual([-9, 21]);
    expect(q.one("qqt", "err", { lambda: -1, seed: 1 })).toBe(-9);
    expect(q.last("train", "loss")).toBe(0.25);
    expect(q.max("train", "loss")).toBe(3);
    expect(q.min("train", "loss")).toBe(0.25);
    expect(q.nearestT("train", "loss", 0.6).step).toBe(10);
    expect(q.coordValues("qqt", "err", "lambda")).toEqual([-1, 2]);
    expect(q.keys("train")).toEqual(["loss"]);
    expect(q.probes()).toEqual(["train", "qqt", "bad"]);
    expect(q.has("qqt", "err", { lambda: 3 })).toBe(false);
    expect(q.has("qqt", "err", { lambda: 2 })).toBe(true);
  });

  const MISSING: [string, () => unknown, RegExp][] = [
    ["unknown probe, with a suggestion", () => q.values("trian", "loss"), /no probe 'trian' \(did you mean 'train'\?\)/],
    ["unknown key", () => q.values("train", "los"), /no key 'los' in probe 'train' \(did you mean 'loss'\?\)/],
    ["coordinates nothing has", () => q.values("qqt", "err", { lambda: 5 }), /no qqt\/err rows at lambda=5; its coordinates: .*lambda/],
    ["one() on a series of several rows", () => q.one("qqt", "err", { lambda: 2 }), /expected one qqt\/err row at lambda=2, found 2/],
    ["a coordinate no row has", () => q.coordValues("train", "loss", "seed"), /no train\/loss row has coordinate 'seed'/],
    ["no rows at all", () => new RowQuery([], "theory").last("train", "loss"), /theory has no probe 'train'.*\(none: no rows\)/],
  ];
  for (const [name, f, msg] of MISSING)
    it(`throws MissingDataError naming what was asked: ${name}`, () => {
      expect(f).toThrow(MissingDataError);
      expect(f).toThrow(msg);
    });

  it("a NaN cannot hide behind max or min", () => {
    expect(q.max("bad", "x")).toBeNaN();
    expect(q.min("bad", "x")).toBeNaN();
    expect(q.values("bad", "x")[0]).toBeNaN();
  });
});
