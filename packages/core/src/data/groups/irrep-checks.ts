import { type FiniteGroup, type Irrep, irrepMultiplicity } from "./group.js";
import { matMul, trace } from "./small-matrix.js";

function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

function character(rho: Irrep): Float64Array {
  return Float64Array.from(rho.matrices, (m) => trace(m, rho.dim));
}

/**
 * Checks that `group.irreps` is a complete list of pairwise inequivalent real irreps, returning
 * the first violation as a sentence, or null. Per irrep rho (dim d, c = 1 real / 2 complex type):
 * every rho(g) is orthogonal; rho(g) rho(h) = rho(gh) for all g, h; the character norm
 * (1/|G|) sum_g chi(g)^2 = c and the Frobenius-Schur indicator (1/|G|) sum_g chi(g^2) = 1 (real
 * type) or 0 (complex type) (together: irreducible of the stated type); Schur orthogonality
 * sum_g rho_ij(g) rho_kl(g) = |G|/d (delta_ik delta_jl [+ J_ik J_jl for complex type]), with J
 * orthogonal, J^2 = -I and J rho(g) = rho(g) J. Across irreps: sum_g rho_ij(g) sigma_kl(g) = 0
 * (inequivalent). Completeness: sum_rho d^2 / c = |G|. Cost ~ |G|^3 for |G| up to ~100.
 */
export function checkIrreps(group: FiniteGroup, tol = 1e-9): string | null {
  const n = group.order;
  const irreps = group.irreps;
  for (const rho of irreps) {
    const d = rho.dim;
    const c = irrepMultiplicity(rho);
    if (rho.matrices.length !== n) return `irrep ${rho.name} has ${rho.matrices.length} matrices for ${n} elements`;
    if (rho.matrices.some((m) => m.length !== d * d)) return `irrep ${rho.name}: a matrix is not ${d} x ${d}`;
    for (let g = 0; g < n; g++) {
      const m = rho.matrices[g];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += m[i * d + k] * m[j * d + k];
        if (!close(s, i === j ? 1 : 0, tol)) return `irrep ${rho.name}: rho(${group.labels[g]}) is not orthogonal`;
      }
    }
    for (let g = 0; g < n; g++) {
      for (let h = 0; h < n; h++) {
        const prod = matMul(rho.matrices[g], rho.matrices[h], d);
        const want = rho.matrices[group.mul[g * n + h]];
        for (let i = 0; i < d * d; i++) if (!close(prod[i], want[i], tol)) return `irrep ${rho.name}: rho(${group.labels[g]}) rho(${group.labels[h]}) != rho(${group.labels[group.mul[g * n + h]]})`;
      }
    }
    const chi = character(rho);
    const norm = chi.reduce((s, v) => s + v * v, 0) / n;
    if (!close(norm, c, tol)) return `irrep ${rho.name}: character norm ${norm} != ${c} (not irreducible of ${rho.type} type)`;
    let fs = 0;
    for (let g = 0; g < n; g++) fs += chi[group.mul[g * n + g]];
    fs /= n;
    if (!close(fs, rho.type === "real" ? 1 : 0, tol)) return `irrep ${rho.name}: Frobenius-Schur indicator ${fs} does not match type ${rho.type}`;
    let jm: Float64Array | null = null;
    if (rho.type === "complex") {
      jm = rho.complexStructure ?? null;
      if (!jm || jm.length !== d * d) return `irrep ${rho.name}: complex type needs a (${d}, ${d}) complexStructure`;
      const j2 = matMul(jm, jm, d);
      for (let i = 0; i < d * d; i++) if (!close(j2[i], i % (d + 1) === 0 ? -1 : 0, tol)) return `irrep ${rho.name}: J^2 != -I`;
      for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
        let s = 0;
        for (let l = 0; l < d; l++) s += jm[l * d + i] * jm[l * d + k];
        if (!close(s, i === k ? 1 : 0, tol)) return `irrep ${rho.name}: J is not orthogonal`;
      }
      for (let g = 0; g < n; g++) {
        const a = matMul(jm, rho.matrices[g], d);
        const b = matMul(rho.matrices[g], jm, d);
        for (let i = 0; i < d * d; i++) if (!close(a[i], b[i], tol)) return `irrep ${rho.name}: J does not commute with rho(${group.labels[g]})`;
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
      let s = 0;
      for (let g = 0; g < n; g++) s += rho.matrices[g][i * d + j] * rho.matrices[g][k * d + l];
      const want = (n / d) * ((i === k && j === l ? 1 : 0) + (jm ? jm[i * d + k] * jm[j * d + l] : 0));
      if (!close(s, want, tol * n)) return `irrep ${rho.name}: Schur orthogonality fails at (${i}${j}, ${k}${l}): ${s} != ${want}`;
    }
  }
  for (let a = 0; a < irreps.length; a++) {
    for (let b = a + 1; b < irreps.length; b++) {
      const [r, s] = [irreps[a], irreps[b]];
      for (let i = 0; i < r.dim * r.dim; i++) for (let k = 0; k < s.dim * s.dim; k++) {
        let sum = 0;
        for (let g = 0; g < n; g++) sum += r.matrices[g][i] * s.matrices[g][k];
        if (!close(sum, 0, tol * n)) return `irreps ${r.name} and ${s.name} are not orthogonal (equivalent or reducible)`;
      }
    }
  }
  const total = irreps.reduce((acc, rho) => acc + (rho.dim * rho.dim) / irrepMultiplicity(rho), 0);
  if (!close(total, n, tol)) return `sum of d^2 / c over irreps is ${total}, not |G| = ${n} (the list is incomplete)`;
  return null;
}
