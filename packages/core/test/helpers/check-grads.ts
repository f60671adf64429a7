import { expect } from "vitest";
import * as S from "@saddle/core";
import { Tensor, type Rng } from "@saddle/core";
import type { GradRow } from "../gradients.js";

/** Draws inputs for a gradient row from its domains. */
export function sampleInputs(row: GradRow, rng: Rng): Tensor[] {
  return row.inputs.map((spec) => {
    const [lo, hi] = spec.domain ?? [-1.5, 1.5];
    const t = S.uniform(rng, spec.shape, { low: lo, high: hi });
    if (spec.signed) for (let i = 0; i < t.size; i++) if (rng.nextFloat() < 0.5) t.data[i] = -t.data[i];
    return t;
  });
}

function axpy(x: Tensor, v: Tensor, h: number): Tensor {
  const d = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) d[i] = x.data[i] + h * v.data[i];
  return new Tensor(d, x.shape);
}

function inner(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  return s;
}

/** Central difference of f at xs along directions vs (all inputs moved together). */
function centralDiff(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], vs: Tensor[], eps: number): Tensor {
  const plus = f(...xs.map((x, i) => axpy(x, vs[i], eps)));
  const minus = f(...xs.map((x, i) => axpy(x, vs[i], -eps)));
  const d = new Float64Array(plus.size);
  for (let i = 0; i < d.length; i++) d[i] = (plus.data[i] - minus.data[i]) / (2 * eps);
  return new Tensor(d, plus.shape);
}

function close(a: number, b: number, scale: number, rtol: number, what: string): void {
  const err = Math.abs(a - b);
  expect(err, `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(rtol * Math.max(Math.abs(b), scale, 1e-12));
}

/** <u, J v> by central differences equals <J^T u, v> by reverse mode. */
export function checkVjp(row: GradRow, rng: Rng): void {
  const xs = sampleInputs(row, rng);
  const vs = xs.map((x) => S.normal(rng, x.shape));
  const y = row.f(...xs);
  const u = S.normal(rng, y.shape);
  const jv = centralDiff(row.f, xs, vs, row.eps ?? 1e-5);
  const { pullback } = S.vjp((args: Tensor[]) => row.f(...args), xs);
  const jtu = pullback(u);
  const lhs = inner(u, jv);
  const rhs = jtu.reduce((s, g, i) => s + inner(g, vs[i]), 0);
  close(rhs, lhs, Math.sqrt(inner(u, u) * inner(jv, jv)), row.rtol ?? 1e-7, `${row.name} adjoint`);
}

/** jvp(f, x, v) equals the central difference of f along v, elementwise. */
export function checkJvp(row: GradRow, rng: Rng): void {
  const xs = sampleInputs(row, rng);
  const vs = xs.map((x) => S.normal(rng, x.shape));
  const [, tangent] = S.jvp((args: Tensor[]) => row.f(...args), xs, vs);
  const fd = centralDiff(row.f, xs, vs, row.eps ?? 1e-5);
  const scale = Math.sqrt(inner(fd, fd) / Math.max(fd.size, 1));
  for (let i = 0; i < fd.size; i++) close(tangent.data[i], fd.data[i], scale, row.rtol ?? 1e-7, `${row.name} jvp[${i}]`);
}

/** H v of g(x) = <u, f(x)> by reverse-over-reverse equals the central difference of grad g along v. */
export function checkHvp(row: GradRow, rng: Rng): void {
  const xs = sampleInputs(row, rng);
  const y = row.f(...xs);
  const u = S.normal(rng, y.shape);
  const g = (args: Tensor[]) => S.sum(S.mul(row.f(...args), u));
  const vs = xs.map((x) => S.normal(rng, x.shape));
  const hv = S.hvp(g, xs, vs);
  const eps = 1e-5;
  const gp = S.grad(g)(xs.map((x, i) => axpy(x, vs[i], eps)));
  const gm = S.grad(g)(xs.map((x, i) => axpy(x, vs[i], -eps)));
  let scale = 0;
  let n = 0;
  const fds = gp.map((p, k) => {
    const d = new Float64Array(p.size);
    for (let i = 0; i < d.length; i++) {
      d[i] = (p.data[i] - gm[k].data[i]) / (2 * eps);
      scale += d[i] * d[i];
      n++;
    }
    return d;
  });
  scale = Math.sqrt(scale / Math.max(n, 1));
  fds.forEach((d, k) => {
    for (let i = 0; i < d.length; i++) close(hv[k].data[i], d[i], scale, 1e-6, `${row.name} hvp[${k}][${i}]`);
  });
}
