/**
 * A real irreducible representation rho: G -> O(d) of a finite group, one orthogonal (d, d)
 * matrix per element (row-major, in element order).
 *
 * Real irreps come in two types here. "real": also irreducible over C (Schur orthogonality
 * sum_g rho_ij(g) rho_kl(g) = |G|/d delta_ik delta_jl). "complex": the realification of a complex
 * irrep chi that is not equivalent to its conjugate (dimension d = 2 dim chi); it stands for the
 * pair chi, conj(chi), commutes with a complex structure J (J^2 = -I, J orthogonal), and obeys
 * sum_g rho_ij(g) rho_kl(g) = |G|/d (delta_ik delta_jl + J_ik J_jl). Counting each real irrep with
 * c_rho = 1 (real) or 2 (complex), sum_rho d_rho^2 / c_rho = |G| (= sum of squared dimensions of
 * the complex irreps). The groups built here have no quaternionic-type irreps.
 */
export interface Irrep {
  name: string;
  dim: number;
  type: "real" | "complex";
  /** rho(g) for each element g, row-major (dim, dim). */
  matrices: Float64Array[];
  /** J (dim, dim) for type "complex": J^2 = -I, J rho(g) = rho(g) J. */
  complexStructure?: Float64Array;
  /** For irreps of abelian groups: the frequency vector k of the character exp(2 pi i sum_m k_m j_m / n_m). */
  frequency?: number[];
}

/**
 * A finite group as a Cayley table. Elements are the integers 0..order-1, `mul[g * order + h]` is
 * the product gh, `identity` is 0 for every constructor here, `inverse[g]` is g^-1, and `irreps`
 * is a complete list of its real irreducible representations.
 */
export interface FiniteGroup {
  name: string;
  order: number;
  mul: Int32Array;
  identity: number;
  inverse: Int32Array;
  /** A readable name per element (e.g. "r^2 s", "(1,0)", "[1 0 2]"). */
  labels: string[];
  irreps: Irrep[];
}

/** c_rho: 1 for a real-type irrep, 2 for a complex-type one (it stands for two complex irreps). */
export function irrepMultiplicity(rho: Irrep): 1 | 2 {
  return rho.type === "complex" ? 2 : 1;
}

/** The product gh of two elements. */
export function multiply(group: FiniteGroup, g: number, h: number): number {
  return group.mul[g * group.order + h];
}

/**
 * Builds a FiniteGroup from its Cayley table: checks that the table is (n, n) with entries in
 * 0..n-1 and that each row and column is a permutation, finds the identity and the inverses.
 * Associativity is not checked here (`checkGroupAxioms` does).
 */
export function groupFromTable(name: string, mul: Int32Array, labels: string[], irreps: Irrep[]): FiniteGroup {
  const n = labels.length;
  if (n < 1) throw new RangeError(`group ${name} needs at least one element`);
  if (mul.length !== n * n) throw new RangeError(`group ${name}: Cayley table has ${mul.length} entries, expected ${n} x ${n} = ${n * n}`);
  for (let g = 0; g < n; g++) {
    const row = new Uint8Array(n);
    const col = new Uint8Array(n);
    for (let h = 0; h < n; h++) {
      const a = mul[g * n + h];
      const b = mul[h * n + g];
      if (!(a >= 0 && a < n)) throw new RangeError(`group ${name}: product ${g}*${h} = ${a} is outside 0..${n - 1}`);
      if (row[a]++ || col[b]++) throw new RangeError(`group ${name}: row or column ${g} of the Cayley table repeats an element (not a Latin square)`);
    }
  }
  let identity = -1;
  for (let e = 0; e < n && identity < 0; e++) {
    let ok = true;
    for (let h = 0; h < n && ok; h++) ok = mul[e * n + h] === h && mul[h * n + e] === h;
    if (ok) identity = e;
  }
  if (identity < 0) throw new RangeError(`group ${name}: the Cayley table has no identity element`);
  const inverse = new Int32Array(n);
  for (let g = 0; g < n; g++) for (let h = 0; h < n; h++) if (mul[g * n + h] === identity) inverse[g] = h;
  return { name, order: n, mul, identity, inverse, labels, irreps };
}

/**
 * Checks the group axioms on the Cayley table: closure (entries in range), two-sided identity,
 * two-sided inverses and associativity (all |G|^3 triples). Returns the first violation as a
 * sentence, or null when the table is a group.
 */
export function checkGroupAxioms(group: FiniteGroup): string | null {
  const { order: n, mul, identity: e, inverse } = group;
  if (mul.length !== n * n) return `Cayley table has ${mul.length} entries, expected ${n * n}`;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const ab = mul[a * n + b];
      if (!(ab >= 0 && ab < n)) return `product ${a}*${b} = ${ab} is outside 0..${n - 1}`;
    }
  }
  for (let a = 0; a < n; a++) {
    if (mul[e * n + a] !== a || mul[a * n + e] !== a) return `element ${e} is not a two-sided identity for element ${a}`;
    if (mul[a * n + inverse[a]] !== e || mul[inverse[a] * n + a] !== e) return `inverse[${a}] = ${inverse[a]} is not a two-sided inverse`;
  }
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const ab = mul[a * n + b];
      for (let c = 0; c < n; c++) {
        if (mul[ab * n + c] !== mul[a * n + mul[b * n + c]]) return `not associative at (${a}, ${b}, ${c})`;
      }
    }
  }
  return null;
}
