/** Output helpers: data to stdout, messages to stderr (progress only on a TTY), NO_COLOR respected. */
export const useColor = (): boolean => !process.env.NO_COLOR && Boolean(process.stdout.isTTY);

export function paint(s: string, code: number): string {
  return useColor() ? `\u001b[${code}m${s}\u001b[0m` : s;
}

export const green = (s: string) => paint(s, 32);
export const red = (s: string) => paint(s, 31);
export const dim = (s: string) => paint(s, 2);

/** A progress line on stderr, only when stderr is a terminal. */
export function progress(msg: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\u001b[2K${msg}`);
}

export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write("\r\u001b[2K");
}

/** Formats a number compactly for tables. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

/** A plain text table with padded columns. */
export function table(rows: string[][]): string {
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => strip(r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => c + " ".repeat(widths[i] - strip(c).length)).join("  ").trimEnd()).join("\n");
}
