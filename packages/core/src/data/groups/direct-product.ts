import { type FiniteGroup, type Irrep, groupFromTable } from "./group.js";
import { identity, kron, matMul, projectorBasis, restrict } from "./small-matrix.js";

/**
 * The real irreps of G x H from those of G and H (rho (x) sigma on R^(d_rho d_sigma)):
 * - real (x) real is a real-type irrep;
 * - complex (x) real (either order) is a complex-type irrep with J = J_rho (x) I (or I (x) J_sigma);
 * - complex (x) complex is reducible: K = J_rho (x) J_sigma is symmetric with K^2 = I and commutes
 *   with rho (x) sigma, and its +1 and -1 eigenspaces carry the two complex-type irreps
 *   (chi psi and chi conj(psi), realified), with J = J_rho (x) I restricted to each.
 */
function productIrreps(g: FiniteGroup, h: FiniteGroup): Irrep[] {
  const out: Irrep[] = [];
  const nh = h.order;
  const order = g.order * nh;
  for (const rho of g.irreps) {
    for (const sigma of h.irreps) {
      const d = rho.dim * sigma.dim;
      const mats = Array.from({ length: order }, (_, e) => kron(rho.matrices[Math.floor(e / nh)], rho.dim, sigma.matrices[e % nh], sigma.dim));
      const name = `${rho.name}⊗${sigma.name}`;
      if (rho.type === "real" && sigma.type === "real") {
        out.push({ name, dim: d, type: "real", matrices: mats });
        continue;
      }
      const jr = rho.type === "complex" ? structureOf(rho) : null;
      const js = sigma.type === "complex" ? structureOf(sigma) : null;
      if (!jr || !js) {
        const j = jr ? kron(jr, rho.dim, identity(sigma.dim), sigma.dim) : kron(identity(rho.dim), rho.dim, js!, sigma.dim);
        out.push({ name, dim: d, type: "complex", matrices: mats, complexStructure: j });
        continue;
      }
      const k = kron(jr, rho.dim, js, sigma.dim);
      const jFull = kron(jr, rho.dim, identity(sigma.dim), sigma.dim);
      for (const sign of [1, -1]) {
        const proj = Float64Array.from(k, (v, i) => (sign * v + (i % (d + 1) === 0 ? 1 : 0)) / 2); // (I + sign K) / 2
        const basis = projectorBasis(proj, d, d / 2); // (d, d/2)
        out.push({
          name: `${name}${sign > 0 ? "+" : "-"}`,
          dim: d / 2,
          type: "complex",
          matrices: mats.map((m) => restrict(m, basis, d, d / 2)),
          complexStructure: restrict(jFull, basis, d, d / 2),
        });
      }
    }
  }
  return out;
}

function structureOf(rho: Irrep): Float64Array {
  const j = rho.complexStructure;
  if (!j || j.length !== rho.dim * rho.dim) throw new RangeError(`irrep ${rho.name} is of complex type but has no (dim, dim) complexStructure`);
  const j2 = matMul(j, j, rho.dim);
  for (let i = 0; i < j2.length; i++) {
    const want = i % (rho.dim + 1) === 0 ? -1 : 0;
    if (Math.abs(j2[i] - want) > 1e-9) throw new RangeError(`irrep ${rho.name}: complexStructure J does not satisfy J^2 = -I`);
  }
  return j;
}

/**
 * The direct product G x H: element (a, b) is a * |H| + b, (a, b)(a', b') = (a a', b b'), labels
 * "(label_a,label_b)", and real irreps built from tensor products of the factors' irreps (see
 * `productIrreps`; complex (x) complex pairs split into two).
 */
export function directProduct(g: FiniteGroup, h: FiniteGroup): FiniteGroup {
  const nh = h.order;
  const order = g.order * nh;
  const mul = new Int32Array(order * order);
  for (let x = 0; x < order; x++) {
    const [a, b] = [Math.floor(x / nh), x % nh];
    for (let y = 0; y < order; y++) {
      const [c, d] = [Math.floor(y / nh), y % nh];
      mul[x * order + y] = g.mul[a * g.order + c] * nh + h.mul[b * nh + d];
    }
  }
  const labels = Array.from({ length: order }, (_, x) => `(${g.labels[Math.floor(x / nh)]},${h.labels[x % nh]})`);
  const group = groupFromTable(`${g.name}x${h.name}`, mul, labels, productIrreps(g, h));
  if (group.identity !== g.identity * nh + h.identity) throw new Error(`directProduct: unexpected identity ${group.identity}`);
  return group;
}
