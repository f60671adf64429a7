import { type FiniteGroup, type Irrep, groupFromTable } from "./group.js";

/** All permutations of 0..m-1 in lexicographic order (the identity first). */
function permutations(m: number): number[][] {
  if (m === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first < m; first++) {
    for (const rest of permutations(m - 1)) out.push([first, ...rest.map((v) => (v >= first ? v + 1 : v))]);
  }
  return out;
}

function parity(p: number[]): 1 | -1 {
  let s: 1 | -1 = 1;
  for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++) if (p[i] > p[j]) s = s === 1 ? -1 : 1;
  return s;
}

/**
 * The standard (m - 1)-dimensional irrep of permutations of m points: the permutation matrices
 * P(sigma) e_i = e_sigma(i) restricted to the sum-zero subspace, B^T P(sigma) B with B (m, m-1)
 * the orthonormal Helmert basis (column k proportional to (1, ..., 1, -k, 0, ..., 0), k ones).
 */
function standardRepresentation(perms: number[][]): Float64Array[] {
  const m = perms[0].length;
  const d = m - 1;
  const basis = Array.from({ length: d }, (_, c) => {
    const k = c + 1;
    const v = new Array<number>(m).fill(0);
    for (let i = 0; i < k; i++) v[i] = 1;
    v[k] = -k;
    const norm = Math.sqrt(k + k * k);
    return v.map((x) => x / norm);
  });
  // (B^T P B)_ab = sum_i B[sigma(i)][a] B[i][b]
  return perms.map((p) => {
    const out = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += basis[a][p[i]] * basis[b][i];
      out[a * d + b] = s;
    }
    return out;
  });
}

/**
 * The symmetric group S_m for m = 3 (order 6) or 4 (order 24). Elements are the permutations of
 * 0..m-1 in lexicographic order (0 is the identity; label "[sigma(0) sigma(1) ...]"), composed as
 * functions: (sigma tau)(i) = sigma(tau(i)). Real irreps, all of real type (every irrep of S_m is
 * real): trivial, sign, standard (dim m - 1, the permutation action on the sum-zero hyperplane);
 * for S_4 also standard (x) sign (dim 3) and the 2-D irrep pulled back from S_3 through the action
 * of S_4 on the three pairings {01|23}, {02|13}, {03|12}. Squared dimensions: 1 + 1 + 4 = 6 and
 * 1 + 1 + 9 + 9 + 4 = 24.
 */
export function symmetric(m: number): FiniteGroup {
  if (m !== 3 && m !== 4) throw new RangeError(`symmetric(m) supports m = 3 or 4 (irreps are built for these), got ${m}`);
  const perms = permutations(m);
  const index = new Map(perms.map((p, i) => [p.join(","), i]));
  const order = perms.length;
  const mul = new Int32Array(order * order);
  for (let a = 0; a < order; a++) {
    for (let b = 0; b < order; b++) mul[a * order + b] = index.get(perms[b].map((v) => perms[a][v]).join(","))!;
  }
  const signs = perms.map(parity);
  const standard = standardRepresentation(perms);
  const irreps: Irrep[] = [
    { name: "trivial", dim: 1, type: "real", matrices: perms.map(() => Float64Array.of(1)) },
    { name: "sign", dim: 1, type: "real", matrices: signs.map((s) => Float64Array.of(s)) },
    { name: "standard", dim: m - 1, type: "real", matrices: standard },
  ];
  if (m === 4) {
    irreps.push({ name: "standard x sign", dim: 3, type: "real", matrices: standard.map((a, g) => a.map((v) => v * signs[g])) });
    const pairings = [[0, 1, 2, 3], [0, 2, 1, 3], [0, 3, 1, 2]]; // {p0 p1 | p2 p3}
    const pairingOf = (a: number, b: number) => pairings.findIndex((q) => (q[0] === a && q[1] === b) || (q[0] === b && q[1] === a) || (q[2] === a && q[3] === b) || (q[2] === b && q[3] === a));
    const quotient = perms.map((p) => pairings.map((q) => pairingOf(p[q[0]], p[q[1]])));
    irreps.push({ name: "2-d (via S3)", dim: 2, type: "real", matrices: standardRepresentation(quotient) });
  }
  return groupFromTable(`S${m}`, mul, perms.map((p) => `[${p.join(" ")}]`), irreps);
}
