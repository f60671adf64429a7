import { Tensor } from "../tensor/tensor.js";
import type { Dataset } from "./dataset.js";

/** A column chosen by its header name or its 0-based position. */
export type CsvColumn = string | number;

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** The target column(s), by header name or 0-based index; they form y (n, k). */
  target: CsvColumn | readonly CsvColumn[];
  /** The feature columns (default: every column that is not a target); they form x (n, d). */
  features?: readonly CsvColumn[];
  /** A single-character field separator (default ","). */
  delimiter?: string;
}

/** A numeric table read from CSV text: x, y and the column names of each. */
export interface CsvDataset extends Dataset {
  features: string[];
  targets: string[];
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * A decimal number. Written so that no two parts can match the same digits (the fraction's digits
 * follow a required '.'), so a failed match backtracks at most once per character: linear time,
 * where `\d+\.?\d*` is quadratic on a long run of digits.
 */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Splits CSV text into records (RFC 4180 quoting: "a,b" and "" inside quotes), skipping blank lines. */
function records(text: string, delimiter: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let wasQuoted = false;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "" )) out.push({ fields, line: recordLine });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.trim() !== "" || wasQuoted) throw new Error(`CSV line ${line}: a quote appears inside an unquoted field ('${field}"'); quote the whole field`);
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      field = "";
    } else if (ch === delimiter) {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted && ch.trim() !== "") throw new Error(`CSV line ${line}: characters after a closing quote ('${ch}'); put the delimiter right after the quote`);
      field += ch;
    }
  }
  if (quoted) throw new Error(`CSV line ${quoteLine}: a quoted field is never closed`);
  endRecord();
  return out;
}

function resolveColumn(header: string[], c: CsvColumn, role: string): number {
  if (typeof c === "number") {
    if (!Number.isInteger(c) || c < 0 || c >= header.length) throw new RangeError(`CSV ${role} column index ${c} is outside 0..${header.length - 1}`);
    return c;
  }
  const i = header.indexOf(c);
  if (i < 0) throw new RangeError(`CSV ${role} column '${c}' not found; the columns are: ${header.join(", ")}`);
  return i;
}

/**
 * Parses a numeric CSV table from its text (browser-safe: no file access). The first non-blank
 * line is the header; blank lines are skipped; fields may be double-quoted; a UTF-8 byte-order
 * mark is ignored. Returns the feature columns as x (n, d) and the target columns as y (n, k),
 * float64. Errors name the line (1-based, as in the text) and the column: empty text, a header
 * with no data rows, empty or duplicate header names, rows with a different number of fields
 * than the header, empty or non-numeric cells (only decimal numbers such as -1.5e-3 are
 * accepted), unknown or overlapping target/feature columns, an unterminated quote.
 */
export function parseCsv(text: string, options: CsvOptions): CsvDataset {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") throw new RangeError(`CSV delimiter must be one character other than a quote or newline, got '${delimiter}'`);
  const recs = records(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter);
  if (recs.length === 0) throw new Error("CSV is empty: expected a header row and at least one data row");
  const headerRec = recs[0];
  const header = headerRec.fields;
  header.forEach((h, c) => {
    if (h === "") throw new Error(`CSV header (line ${headerRec.line}): column ${c + 1} has an empty name`);
  });
  const seen = new Map<string, number>();
  header.forEach((h, c) => {
    if (seen.has(h)) throw new Error(`CSV header (line ${headerRec.line}): column name '${h}' appears twice (columns ${seen.get(h)! + 1} and ${c + 1})`);
    seen.set(h, c);
  });
  if (recs.length === 1) throw new Error(`CSV has a header (line ${headerRec.line}) but no data rows`);
  const targetList = typeof options.target === "string" || typeof options.target === "number" ? [options.target] : [...options.target];
  if (targetList.length === 0) throw new RangeError("CSV target must name at least one column");
  const tIdx = targetList.map((t) => resolveColumn(header, t, "target"));
  if (new Set(tIdx).size !== tIdx.length) throw new RangeError(`CSV target lists a column twice: ${targetList.join(", ")}`);
  const fIdx = options.features ? options.features.map((f) => resolveColumn(header, f, "feature")) : header.map((_, c) => c).filter((c) => !tIdx.includes(c));
  for (const c of fIdx) if (tIdx.includes(c)) throw new RangeError(`CSV column '${header[c]}' is both a feature and a target`);
  if (new Set(fIdx).size !== fIdx.length) throw new RangeError("CSV features list a column twice");
  const n = recs.length - 1;
  const d = fIdx.length;
  const k = tIdx.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n * k);
  for (let r = 1; r < recs.length; r++) {
    const { fields, line } = recs[r];
    if (fields.length !== header.length) throw new Error(`CSV line ${line} has ${fields.length} fields; the header (line ${headerRec.line}) has ${header.length}`);
    const value = (c: number): number => {
      const s = fields[c].trim();
      if (s === "") throw new Error(`CSV line ${line}, column '${header[c]}' (column ${c + 1}): the cell is empty; expected a number`);
      if (!NUMBER.test(s)) throw new Error(`CSV line ${line}, column '${header[c]}' (column ${c + 1}): '${s.length > 40 ? `${s.slice(0, 40)}...` : s}' is not a number`);
      const v = Number(s);
      if (!Number.isFinite(v)) throw new Error(`CSV line ${line}, column '${header[c]}' (column ${c + 1}): '${s.length > 40 ? `${s.slice(0, 40)}...` : s}' overflows a float64 (|x| > 1.8e308)`);
      return v;
    };
    for (let j = 0; j < d; j++) x[(r - 1) * d + j] = value(fIdx[j]);
    for (let j = 0; j < k; j++) y[(r - 1) * k + j] = value(tIdx[j]);
  }
  const features = fIdx.map((c) => header[c]);
  const targets = tIdx.map((c) => header[c]);
  return { x: new Tensor(x, [n, d]), y: new Tensor(y, [n, k]), features, targets, meta: { task: "csv", n, features, targets } };
}
