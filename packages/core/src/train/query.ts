import type { Coords, Row } from "./rows.js";

/**
 * Thrown when a query asks for rows that are not there: an unknown probe or key, or coordinates
 * no row has. Claims turn it into a failed verdict whose reason is this message, so missing data
 * can never pass a claim.
 */
export class MissingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingDataError";
  }
}

function coordsText(c: Coords | undefined): string {
  return c && Object.keys(c).length ? ` at ${Object.entries(c).map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
}

function matches(r: Row, c: Coords | undefined): boolean {
  if (c === undefined) return true;
  for (const k in c) if (r.coords?.[k] !== c[k]) return false;
  return true;
}

/** Levenshtein distance (small strings: probe and key names). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

function nearest(name: string, options: readonly string[]): string {
  let best = "";
  let bestD = Infinity;
  for (const o of options) {
    const dd = editDistance(name, o);
    if (dd < bestD) [best, bestD] = [o, dd];
  }
  return best && bestD <= Math.max(2, name.length / 3) ? ` (did you mean '${best}'?)` : "";
}

/**
 * The one way to select series from tidy rows (DESIGN.md, "Rows are tidy"): by probe, key and
 * coordinates. Every selector throws MissingDataError on an unknown probe/key or on coordinates
 * that match nothing, naming what was asked and what exists, so a claim can never read an empty
 * series as a pass. Values are returned as stored (NaN stays NaN; verdicts fail on it).
 */
export class RowQuery {
  private readonly byProbeKey = new Map<string, Row[]>();
  private readonly keysOf = new Map<string, Set<string>>();

  /** `label` names the row set in error messages ("simulation", "theory"). */
  constructor(readonly rows: readonly Row[], readonly label = "rows") {
    for (const r of rows) {
      const pk = `${r.probe}\u0000${r.key}`;
      let list = this.byProbeKey.get(pk);
      if (!list) this.byProbeKey.set(pk, (list = []));
      list.push(r);
      let keys = this.keysOf.get(r.probe);
      if (!keys) this.keysOf.set(r.probe, (keys = new Set()));
      keys.add(r.key);
    }
  }

  /** The probes present. */
  probes(): string[] {
    return [...this.keysOf.keys()];
  }

  /** The keys of a probe (throws on an unknown probe). */
  keys(probe: string): string[] {
    const k = this.keysOf.get(probe);
    if (!k) throw new MissingDataError(`${this.label} has no probe '${probe}'${nearest(probe, this.probes())}; probes: ${this.probes().join(", ") || "(none: no rows)"}`);
    return [...k];
  }

  /** Whether any row matches (never throws). */
  has(probe: string, key: string, coords?: Coords): boolean {
    return (this.byProbeKey.get(`${probe}\u0000${key}`) ?? []).some((r) => matches(r, coords));
  }

  /** The rows of (probe, key) whose coordinates include `coords`, in emission order; never empty. */
  series(probe: string, key: string, coords?: Coords): Row[] {
    const all = this.byProbeKey.get(`${probe}\u0000${key}`);
    if (!all) {
      const keys = this.keys(probe); // throws on an unknown probe
      throw new MissingDataError(`${this.label} has no key '${key}' in probe '${probe}'${nearest(key, keys)}; keys: ${keys.join(", ")}`);
    }
    const out = coords === undefined ? all : all.filter((r) => matches(r, coords));
    if (out.length === 0) throw new MissingDataError(`${this.label} has no ${probe}/${key} rows${coordsText(coords)}; its coordinates: ${this.coordSummary(all)}`);
    return out;
  }

  /** Values of a series. */
  values(probe: string, key: string, coords?: Coords): number[] {
    return this.series(probe, key, coords).map((r) => r.value);
  }

  /** The last value of a series (e.g. a final loss, or a quantity logged once). */
  last(probe: string, key: string, coords?: Coords): number {
    const s = this.series(probe, key, coords);
    return s[s.length - 1].value;
  }

  /** The single value of a series that must have exactly one row. */
  one(probe: string, key: string, coords?: Coords): number {
    const s = this.series(probe, key, coords);
    if (s.length !== 1) throw new MissingDataError(`${this.label}: expected one ${probe}/${key} row${coordsText(coords)}, found ${s.length}`);
    return s[0].value;
  }

  /** The largest value of a series (NaN if any value is NaN, so a NaN cannot hide behind a max). */
  max(probe: string, key: string, coords?: Coords): number {
    const v = this.values(probe, key, coords);
    return v.some((x) => Number.isNaN(x)) ? NaN : Math.max(...v);
  }

  /** The smallest value of a series (NaN if any value is NaN). */
  min(probe: string, key: string, coords?: Coords): number {
    const v = this.values(probe, key, coords);
    return v.some((x) => Number.isNaN(x)) ? NaN : Math.min(...v);
  }

  /** The row of a series nearest to time t. */
  nearestT(probe: string, key: string, t: number, coords?: Coords): Row {
    return this.series(probe, key, coords).reduce((best, r) => (Math.abs(r.t - t) < Math.abs(best.t - t) ? r : best));
  }

  /** Distinct values of one coordinate among a series' rows, in first-seen order (throws if none has it). */
  coordValues(probe: string, key: string, coord: string): (number | string)[] {
    const seen: (number | string)[] = [];
    for (const r of this.series(probe, key)) {
      const v = r.coords?.[coord];
      if (v !== undefined && !seen.includes(v)) seen.push(v);
    }
    if (seen.length === 0) throw new MissingDataError(`${this.label}: no ${probe}/${key} row has coordinate '${coord}'`);
    return seen;
  }

  private coordSummary(rows: readonly Row[]): string {
    const names = new Map<string, Set<string>>();
    for (const r of rows) for (const [k, v] of Object.entries(r.coords ?? {})) (names.get(k) ?? names.set(k, new Set()).get(k)!).add(String(v));
    if (names.size === 0) return "none";
    return [...names].map(([k, vs]) => `${k} in {${[...vs].slice(0, 8).join(", ")}${vs.size > 8 ? ", ..." : ""}}`).join("; ");
  }
}

/** A query over rows (see RowQuery). */
export function query(rows: readonly Row[], label?: string): RowQuery {
  return new RowQuery(rows, label);
}
