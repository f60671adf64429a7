import { describe, it, expect } from "vitest";
import * as S from "@saddle/core";
import { nativeStatus, setThreads, eighAsync, svdAsync, APT_PACKAGES } from "@saddle/native";
import { runConformance } from "../../core/test/conformance.js";
import { runGradientChecks } from "../../core/test/gradients.js";

const status = nativeStatus();

if (status.available) {
  // Deterministic mode: results differ at ~1e-15 between 1 and 2 OpenBLAS threads.
  setThreads(1);
  runConformance("native");
  runGradientChecks("native");

  describe("native linear algebra", () => {
    const fro = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
      return Math.sqrt(s);
    };
    it("eigh, svd, cholesky and solve agree with the reference", () => {
      const rng = S.Rng.seed(11);
      const g = S.normal(rng, [120, 120]);
      const a = S.add(S.matmul(g, S.transpose(g)), S.mul(S.eye(120), 5));
      const ref = S.withBackend("reference", () => ({
        w: S.linalg.eigh(a).values, s: S.linalg.svd(g).s, l: S.linalg.cholesky(a), x: S.linalg.solve(g, S.ones([120, 2])),
      }));
      const nat = S.withBackend("native", () => {
        const e = S.linalg.eigh(a);
        const sv = S.linalg.svd(S.slice(g, [[0, 120], [0, 80]]));
        const rec = S.matmul(S.mul(sv.u, sv.s), sv.vt);
        expect(fro(rec.data, S.slice(g, [[0, 120], [0, 80]]).data)).toBeLessThan(1e-11);
        const res = S.sub(S.matmul(a, e.vectors), S.mul(e.vectors, e.values));
        expect(fro(res.data, new Float64Array(res.size))).toBeLessThan(1e-10);
        return { w: e.values, s: S.linalg.svd(g).s, l: S.linalg.cholesky(a), x: S.linalg.solve(g, S.ones([120, 2])) };
      });
      expect(fro(nat.w.data, ref.w.data) / fro(ref.w.data, new Float64Array(120))).toBeLessThan(1e-12);
      expect(fro(nat.s.data, ref.s.data) / fro(ref.s.data, new Float64Array(120))).toBeLessThan(1e-12);
      expect(fro(nat.l.data, ref.l.data) / fro(ref.l.data, new Float64Array(nat.l.size))).toBeLessThan(1e-12);
      expect(fro(nat.x.data, ref.x.data) / fro(ref.x.data, new Float64Array(nat.x.size))).toBeLessThan(1e-9);
      expect(() => S.withBackend("native", () => S.linalg.cholesky(S.tensor([[1, 2], [2, 1]])))).toThrow(/not positive definite \(pivot 1\)/);
      expect(() => S.withBackend("native", () => S.linalg.solve(S.tensor([[1, 2], [2, 4]]), S.tensor([1, 1])))).toThrow(/singular/);
    });

    it("async eigh and svd keep the event loop free and match the sync results", async () => {
      const rng = S.Rng.seed(12);
      const g = S.normal(rng, [300, 300]);
      const a = S.mul(S.add(g, S.transpose(g)), 0.5);
      const copy = Float64Array.from(a.data);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const pending = eighAsync(a.data as Float64Array, 300);
      (a.data as Float64Array).fill(0); // the call owns a private copy: mutating the input is safe
      const r = await pending;
      clearInterval(timer);
      const sync = S.withBackend("native", () => S.linalg.eigh(new S.Tensor(copy, [300, 300])));
      expect(fro(r.w, sync.values.data)).toBeLessThan(1e-10);
      const sv = await svdAsync(copy, 150, 600);
      expect(sv.s.length).toBe(150);
      expect(ticks).toBeGreaterThanOrEqual(0);
    });

    it("describes itself (library, core type, threads)", () => {
      const d = status.backend!.describe();
      expect(d.backend).toBe("native");
      expect(d.threads).toBe(1);
      expect(String(d.corename).length).toBeGreaterThan(0);
    });
  });
} else {
  describe("native backend unavailable", () => {
    it("falls back and names the apt packages that would enable it", () => {
      expect(status.reason).toContain(APT_PACKAGES);
      expect(S.getBackend().name).toBe("reference");
    });
  });
}
