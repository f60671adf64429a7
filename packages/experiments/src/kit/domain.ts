import { Rng } from "@saddle/core";
import type { ZodType } from "zod";

/** How one config key varies inside an experiment's domain. */
export type DomainAxis =
  /** One of these values (numbers, strings, arrays such as target spectra). */
  | { choices: readonly unknown[] }
  /** A number in [lo, hi], uniform in value or (scale "log") in log value; integers when `integer`. */
  | { range: readonly [number, number]; scale?: "linear" | "log"; integer?: boolean };

/**
 * The region of configs in which an experiment's claims must hold: axes over its key parameters
 * (every other key keeps the quick preset's value), the seeds, optional keys derived from the
 * drawn ones, and a constraint. `saddle reproduce --sample K` draws K configs from it; a claim
 * that fails there is a finding, and a narrowed domain says why in `note` and the README.
 */
export interface Domain<C> {
  axes: { readonly [K in keyof C]?: DomainAxis };
  /** Seeds drawn uniformly from [lo, hi] (default [0, 1000]). */
  seeds?: readonly [number, number];
  /** Keys computed from the drawn ones (e.g. a step count that scales with 1/lr). */
  derive?: (cfg: C) => Partial<C>;
  /** A drawn config outside the domain returns false or a reason; it is redrawn. */
  where?: (cfg: C) => boolean;
  /** Why the domain is what it is (what was narrowed and why). */
  note?: string;
}

/** One sampled point of a domain. */
export interface DomainSample<C> {
  config: C;
  seed: number;
  /** The drawn values of the axes (what differs from the preset). */
  drawn: Partial<C>;
}

function drawAxis(rng: Rng, a: DomainAxis): unknown {
  if ("choices" in a) {
    if (a.choices.length === 0) throw new RangeError("domain axis has no choices");
    return a.choices[Math.min(a.choices.length - 1, Math.floor(rng.nextFloat() * a.choices.length))];
  }
  const [lo, hi] = a.range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`domain range [${lo}, ${hi}] is not an interval`);
  const u = rng.nextFloat();
  let x = a.scale === "log" ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  if (a.integer) x = Math.min(hi, Math.max(lo, Math.round(x)));
  else x = Number(x.toPrecision(6)); // readable configs; the domain is continuous to 6 digits
  return x;
}

/**
 * Draws `count` configs from a domain, deterministic in (experiment id, sampleSeed): each axis
 * drawn, merged over the base (quick preset), derived keys applied, validated by the schema and
 * `where`; rejected draws are redrawn (at most 200 tries per sample).
 */
export function sampleDomain<C>(id: string, domain: Domain<C>, schema: ZodType<C>, base: Record<string, unknown>, count: number, sampleSeed = 0): DomainSample<C>[] {
  const rng = Rng.seed(sampleSeed).fork(`domain:${id}`);
  const [slo, shi] = domain.seeds ?? [0, 1000];
  const out: DomainSample<C>[] = [];
  for (let i = 0; i < count; i++) {
    let last = "";
    let got: DomainSample<C> | null = null;
    for (let tries = 0; tries < 200 && !got; tries++) {
      const drawn: Record<string, unknown> = {};
      for (const [k, a] of Object.entries(domain.axes) as [string, DomainAxis][]) drawn[k] = drawAxis(rng, a);
      const seed = Math.floor(slo + rng.nextFloat() * (shi - slo + 1));
      let merged = { ...base, ...drawn } as C;
      if (domain.derive) merged = { ...merged, ...domain.derive(merged) };
      const parsed = schema.safeParse(merged);
      if (!parsed.success) {
        last = parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ");
        continue;
      }
      if (domain.where && !domain.where(parsed.data)) {
        last = "outside `where`";
        continue;
      }
      got = { config: parsed.data, seed, drawn: drawn as Partial<C> };
    }
    if (!got) throw new Error(`experiment ${id}: could not draw a valid config from its domain in 200 tries (last rejection: ${last})`);
    out.push(got);
  }
  return out;
}
