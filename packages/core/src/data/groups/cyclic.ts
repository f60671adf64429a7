import { type FiniteGroup, type Irrep, groupFromTable } from "./group.js";
import { rotation } from "./small-matrix.js";

const J2 = Float64Array.of(0, -1, 1, 0);

/**
 * Real irreps of the abelian group Z_{n_1} x ... x Z_{n_r} from its characters
 * chi_k(j) = exp(2 pi i sum_m k_m j_m / n_m), one per frequency vector k up to k ~ -k: a real
 * character (2k = 0) gives the 1-D irrep (-1)^(sum_m (2 k_m / n_m) j_m); a conjugate pair gives
 * the 2-D rotation irrep R(2 pi sum_m k_m j_m / n_m) of complex type, with J the rotation by
 * pi/2. The representative of each pair is the k with the smaller mixed-radix code.
 */
function abelianIrreps(ns: number[], elements: number[][]): Irrep[] {
  const size = ns.reduce((a, b) => a * b, 1);
  const decode = (code: number): number[] => {
    const out = new Array<number>(ns.length);
    for (let m = ns.length - 1; m >= 0; m--) {
      out[m] = code % ns[m];
      code = Math.floor(code / ns[m]);
    }
    return out;
  };
  const encode = (k: number[]) => k.reduce((s, v, m) => s * ns[m] + v, 0);
  const irreps: Irrep[] = [];
  for (let code = 0; code < size; code++) {
    const k = decode(code);
    const conj = encode(k.map((v, m) => (ns[m] - v) % ns[m]));
    if (conj < code) continue;
    const label = ns.length === 1 ? `k=${k[0]}` : `k=(${k.join(",")})`;
    if (conj === code) {
      // 2 k_m is 0 or n_m for each m: the character is +-1.
      const matrices = elements.map((el) => Float64Array.of(el.reduce((s, j, m) => s + ((2 * k[m]) / ns[m]) * j, 0) % 2 === 0 ? 1 : -1));
      irreps.push({ name: label, dim: 1, type: "real", matrices, frequency: k });
    } else {
      const matrices = elements.map((el) => {
        let turns = 0;
        for (let m = 0; m < ns.length; m++) turns += ((k[m] * el[m]) % ns[m]) / ns[m];
        return rotation(2 * Math.PI * (turns % 1));
      });
      irreps.push({ name: label, dim: 2, type: "complex", matrices, complexStructure: J2.slice(), frequency: k });
    }
  }
  return irreps;
}

/**
 * The abelian group Z_{n_1} x ... x Z_{n_r}: element (j_1, ..., j_r) is the integer with mixed-radix
 * digits j (last factor fastest), the product adds digits mod n_m, and the irreps are the
 * character-based ones of `abelianIrreps` (1-D for real characters, 2-D rotations for conjugate
 * pairs), named by their frequency vector.
 */
export function cyclicProduct(ns: readonly number[]): FiniteGroup {
  if (ns.length === 0) throw new RangeError("cyclicProduct needs at least one factor order");
  ns.forEach((n, m) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`cyclicProduct: order of factor ${m} must be a positive integer, got ${n}`);
  });
  const orders = [...ns];
  const order = orders.reduce((a, b) => a * b, 1);
  const elements = Array.from({ length: order }, (_, g) => {
    const out = new Array<number>(orders.length);
    for (let m = orders.length - 1; m >= 0; m--) {
      out[m] = g % orders[m];
      g = Math.floor(g / orders[m]);
    }
    return out;
  });
  const mul = new Int32Array(order * order);
  for (let a = 0; a < order; a++) {
    for (let b = 0; b < order; b++) {
      let code = 0;
      for (let m = 0; m < orders.length; m++) code = code * orders[m] + ((elements[a][m] + elements[b][m]) % orders[m]);
      mul[a * order + b] = code;
    }
  }
  const labels = orders.length === 1 ? elements.map((e) => String(e[0])) : elements.map((e) => `(${e.join(",")})`);
  return groupFromTable(orders.map((n) => `Z${n}`).join("x"), mul, labels, abelianIrreps(orders, elements));
}

/**
 * The cyclic group Z_n = {0..n-1} under addition mod n. Irreps: k = 0 (trivial), k = n/2 for even
 * n (the sign (-1)^j), and the 2-D rotations rho_k(j) = R(2 pi k j / n) for 0 < k < n/2 (complex
 * type; each is the pair of characters e^(+-2 pi i k j / n)). The power of a real signal in irrep
 * k is the one-sided DFT power 2 |x_hat_k|^2 / n (|x_hat_k|^2 / n at k = 0, n/2).
 */
export function cyclic(n: number): FiniteGroup {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`cyclic group order n must be a positive integer, got ${n}`);
  return cyclicProduct([n]);
}
