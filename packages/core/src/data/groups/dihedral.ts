import { type FiniteGroup, type Irrep, groupFromTable } from "./group.js";
import { rotation } from "./small-matrix.js";

/**
 * The dihedral group D_n of order 2n, the symmetries of the regular n-gon: element r^j s^e
 * (rotation by 2 pi j / n, then e = 1 for a reflection) is the integer j + n e, and
 * (r^a s^e)(r^b s^f) = r^(a + (-1)^e b) s^(e + f). Real irreps, all of real type:
 * trivial; "reflection sign" (-1)^e; for even n also "rotation parity" (-1)^j and its product
 * with the reflection sign (-1)^(j + e); and the 2-D irreps rho_k(r^j s^e) = R(2 pi k j / n) S^e
 * for 0 < k < n/2, S = diag(1, -1). Sum of squared dimensions: 2 + 4 (n - 1)/2 (odd n) or
 * 4 + 4 (n/2 - 1) (even n) = 2n.
 */
export function dihedral(n: number): FiniteGroup {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`dihedral group needs an integer n >= 1 (order 2n), got ${n}`);
  const order = 2 * n;
  const parts = Array.from({ length: order }, (_, g) => ({ j: g % n, e: Math.floor(g / n) }));
  const mul = new Int32Array(order * order);
  for (let x = 0; x < order; x++) {
    for (let y = 0; y < order; y++) {
      const { j: a, e } = parts[x];
      const { j: b, e: f } = parts[y];
      const j = (((a + (e ? -b : b)) % n) + n) % n;
      mul[x * order + y] = j + n * ((e + f) % 2);
    }
  }
  const labels = parts.map(({ j, e }) => (j === 0 ? (e ? "s" : "e") : `r^${j}${e ? " s" : ""}`));
  const one = (name: string, value: (j: number, e: number) => number): Irrep => ({ name, dim: 1, type: "real", matrices: parts.map(({ j, e }) => Float64Array.of(value(j, e))) });
  const irreps: Irrep[] = [one("trivial", () => 1), one("reflection sign", (_j, e) => (e ? -1 : 1))];
  if (n % 2 === 0) {
    irreps.push(one("rotation parity", (j) => (j % 2 ? -1 : 1)));
    irreps.push(one("rotation parity x reflection sign", (j, e) => ((j + e) % 2 ? -1 : 1)));
  }
  for (let k = 1; 2 * k < n; k++) {
    const matrices = parts.map(({ j, e }) => {
      const r = rotation((2 * Math.PI * k * j) / n);
      return e ? Float64Array.of(r[0], -r[1], r[2], -r[3]) : r; // R S: negate the second column
    });
    irreps.push({ name: `rho_${k}`, dim: 2, type: "real", matrices });
  }
  return groupFromTable(`D${n}`, mul, labels, irreps);
}
