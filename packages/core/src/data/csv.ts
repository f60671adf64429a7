import { Tensor } from "../tensor/tensor.js";

/**
 * Parses a numeric CSV table (browser-safe: takes the text). The first row is the header. Returns
 * the feature columns as x (n, d) and the target columns as y (n, k). Errors name the line and the
 * column: empty input, ragged rows, non-numeric values, unknown target names.
 */
export function parseCsv(text: string, { target, delimiter = "," }: { target: string | string[]; delimiter?: string }): { x: Tensor; y: Tensor; features: string[]; targets: string[] } {
  const lines = text.split(/\r?\n/).map((l, i) => ({ l, line: i + 1 })).filter(({ l }) => l.trim() !== "");
  if (lines.length === 0) throw new Error("CSV is empty: expected a header row and at least one data row");
  const header = lines[0].l.split(delimiter).map((h) => h.trim());
  const targets = typeof target === "string" ? [target] : target;
  for (const t of targets) {
    if (!header.includes(t)) throw new Error(`CSV target column '${t}' not found; columns are: ${header.join(", ")}`);
  }
  if (lines.length === 1) throw new Error("CSV has a header but no data rows");
  const features = header.filter((h) => !targets.includes(h));
  const n = lines.length - 1;
  const x = new Float64Array(n * features.length);
  const y = new Float64Array(n * targets.length);
  const fIdx = features.map((f) => header.indexOf(f));
  const tIdx = targets.map((t) => header.indexOf(t));
  for (let r = 1; r < lines.length; r++) {
    const { l, line } = lines[r];
    const cells = l.split(delimiter);
    if (cells.length !== header.length) throw new Error(`CSV line ${line} has ${cells.length} fields, the header has ${header.length}`);
    const num = (c: number) => {
      const s = cells[c].trim();
      const v = Number(s);
      if (s === "" || !Number.isFinite(v)) throw new Error(`CSV line ${line}, column '${header[c]}': '${s}' is not a finite number`);
      return v;
    };
    fIdx.forEach((c, j) => (x[(r - 1) * features.length + j] = num(c)));
    tIdx.forEach((c, j) => (y[(r - 1) * targets.length + j] = num(c)));
  }
  return { x: new Tensor(x, [n, features.length]), y: new Tensor(y, [n, targets.length]), features, targets };
}
