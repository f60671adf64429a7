import { createRequire } from "node:module";

/** The slice of ECharts' API used here (its bundled typings do not resolve under NodeNext). */
interface EChartsInstance {
  setOption(option: Record<string, unknown>): void;
  renderToSVGString(): string;
  convertToPixel(finder: { gridIndex: number }, value: [number, number]): [number, number];
  dispose(): void;
}
const echarts = createRequire(import.meta.url)("echarts") as {
  init(dom: null, theme: null, opts: { renderer: "svg"; ssr: true; width: number; height: number }): EChartsInstance;
};
import { Resvg } from "@resvg/resvg-js";

/** One line of a figure: (x, y) points; theory lines are dashed; bands are mean +- std. */
export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
  band?: { lower: [number, number][]; upper: [number, number][] };
}

export interface FigureOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  logx?: boolean;
  logy?: boolean;
  width?: number;
  height?: number;
}

/** Axis tick labels: plain for moderate magnitudes, 1e-8 style otherwise. */
function tick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  const [m, e] = v.toExponential().split("e");
  const mm = Number(Number(m).toPrecision(3));
  return mm === 1 ? `1e${Number(e)}` : `${mm}e${Number(e)}`;
}

/** The label of a decade tick at log10 value v: 0.001 ... 10000 plainly, else 1e-8 style. */
function decade(v: number): string {
  const e = Math.round(v);
  return e >= -3 && e <= 4 ? String(Number((10 ** e).toPrecision(1))) : `1e${e}`;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

/**
 * Renders a line figure to SVG with ECharts' server-side renderer (no DOM): log axes, theory
 * dashed beneath the simulation in the same colour, mean +- std bands as one shaded polygon each,
 * labelled axes.
 * Points that a log axis cannot show (<= 0, non-finite) are dropped.
 */
export function renderSvg(series: Series[], opts: FigureOptions): string {
  const keep = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.logx || x > 0) && (!opts.logy || y > 0);
  // Log axes are drawn as value axes over log10 of the data, so the ticks can be chosen: every
  // decade, or every k-th when the data span more than 8 (ECharts' own log axis puts its ticks up
  // to 10 decades apart). Data within one decade fall back to a linear axis.
  const all = series.flatMap((s) => [...s.points, ...(s.band?.upper ?? [])]).filter(keep);
  const axis = (i: 0 | 1, wanted: boolean | undefined) => {
    if (!wanted || all.length === 0) return { log: false as const };
    const ls = all.map((p) => Math.log10(p[i]));
    const lo = Math.floor(Math.min(...ls));
    const hi = Math.ceil(Math.max(...ls));
    if (Math.max(...ls) - Math.min(...ls) < 1) return { log: false as const };
    return { log: true as const, lo, hi: hi === lo ? lo + 1 : hi, step: Math.max(1, Math.ceil((hi - lo) / 8)) };
  };
  const ax = axis(0, opts.logx);
  const ay = axis(1, opts.logy);
  const tx = ([x, y]: [number, number]): [number, number] => [ax.log ? Math.log10(x) : x, ay.log ? Math.log10(y) : y];
  const axisOption = (a: ReturnType<typeof axis>) =>
    a.log
      ? { type: "value", min: a.lo, max: a.hi, interval: a.step, axisLine: { onZero: false }, axisLabel: { fontFamily: "sans-serif", formatter: decade } }
      : { type: "value", scale: true, axisLine: { onZero: false }, axisLabel: { fontFamily: "sans-serif", formatter: tick } };
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: opts.width ?? 720, height: opts.height ?? 440 });
  const lines: Record<string, unknown>[] = [];
  const bands: { points: [number, number][]; color: string }[] = [];
  series.forEach((s) => {
    // A theory curve takes the colour of the simulation it belongs to.
    const base = s.name.replace(/ \(theory\)$/, "").replace(/^theory$/, series[0]?.name ?? "");
    const c = PALETTE[Math.max(0, series.findIndex((o) => o.name.replace(/ \(theory\)$/, "") === base)) % PALETTE.length];
    if (s.band) {
      // The band is one closed polygon (upper edge left to right, lower edge back), drawn beneath
      // everything after the chart is laid out (ECharts' server-side renderer does not draw custom
      // series). Invisible edges keep the band inside the axis range. On a log axis a lower edge at
      // or below 0 is clamped to a tenth of the mean.
      const up = s.band.upper.filter(keep);
      const lo = s.band.lower.map(([x, y], j): [number, number] => [x, opts.logy && !(y > 0) ? (s.points[j]?.[1] ?? 1) / 10 : y]).filter(keep);
      if (up.length + lo.length >= 3) {
        bands.push({ points: [...up, ...[...lo].reverse()].map(tx), color: c });
        for (const edge of [up, lo]) lines.push({ type: "line", name: `${s.name} band`, data: edge.map(tx), symbol: "none", silent: true, lineStyle: { opacity: 0 }, z: 0 });
      }
    }
    // Simulation solid and on top; theory dashed beneath it (visible where they differ).
    const pts = s.points.filter(keep).map(tx);
    if (pts.length === 1) process.stderr.write(`saddle plot: series '${s.name}' has one point; drawn as a marker\n`);
    lines.push({ type: "line", name: s.name, z: s.dashed ? 2 : 3, data: pts, showSymbol: pts.length <= 12, symbol: pts.length <= 12 ? "circle" : "none", symbolSize: 5, lineStyle: { type: s.dashed ? "dashed" : "solid", width: s.dashed ? 2.2 : 1.6, color: s.dashed && series.length <= 2 ? "#111111" : c }, itemStyle: { color: s.dashed && series.length <= 2 ? "#111111" : c } });
  });
  const width = opts.width ?? 720;
  // A title longer than about one line at 14 px breaks onto a second line, and the plot moves down.
  // (ECharts' server-side text measure underestimates rendered widths, so the break is placed here.)
  const maxChars = Math.floor((width - 40) / 7.2);
  const twoLineTitle = (opts.title?.length ?? 0) > maxChars;
  const title = twoLineTitle && opts.title ? breakLine(opts.title, maxChars) : opts.title;
  const height = opts.height ?? 440;
  const maxYChars = Math.floor((height - 150) / 6.6);
  const yLabel = opts.yLabel.length > maxYChars ? breakLine(opts.yLabel, maxYChars) : opts.yLabel;
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    title: title ? { text: title, left: "center", textStyle: { fontSize: 14, fontFamily: "sans-serif" } } : undefined,
    legend: { bottom: 0, width: "80%", itemGap: 36, data: series.map((s) => s.name), textStyle: { fontFamily: "sans-serif" } },
    grid: { left: 90, right: 30, top: opts.title ? (twoLineTitle ? 70 : 50) : 30, bottom: 90 },
    xAxis: { ...axisOption(ax), name: opts.xLabel, nameLocation: "middle", nameGap: 30 },
    yAxis: { ...axisOption(ay), name: yLabel, nameLocation: "middle", nameGap: yLabel === opts.yLabel ? 68 : 56 },
    series: lines,
  });
  let svg = chart.renderToSVGString();
  if (bands.length) {
    const px = (p: [number, number]) => chart.convertToPixel({ gridIndex: 0 }, p);
    const paths = bands.map((b) => `<path d="M${b.points.map((p) => px(p).map((v) => v.toFixed(1)).join(" ")).join("L")}Z" fill="${b.color}" fill-opacity="0.18" stroke="none" class="saddle-band"></path>`).join("");
    const at = svg.indexOf("</rect>"); // after the background, beneath axes and lines
    svg = at >= 0 ? svg.slice(0, at + 7) + paths + svg.slice(at + 7) : svg.replace(/(<svg[^>]*>)/, `$1${paths}`);
  }
  chart.dispose();
  return svg;
}

/** Splits text at the last space before `maxChars` (or at maxChars when there is none) into two lines. */
function breakLine(text: string, maxChars: number): string {
  const at = text.lastIndexOf(" ", maxChars);
  const cut = at > 0 ? at : maxChars;
  return `${text.slice(0, cut).trimEnd()}\n${text.slice(cut).trimStart()}`;
}

/** Rasterises an SVG to PNG (resvg). */
export function svgToPng(svg: string, width = 1440): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: "width", value: width }, background: "white", font: { loadSystemFonts: true, defaultFontFamily: "sans-serif" } });
  return Buffer.from(r.render().asPng());
}

/** Mean and standard deviation across curves sampled at the same x values. */
export function meanStd(curves: [number, number][][]): { mean: [number, number][]; lower: [number, number][]; upper: [number, number][] } {
  const n = Math.min(...curves.map((c) => c.length));
  const mean: [number, number][] = [];
  const lower: [number, number][] = [];
  const upper: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const ys = curves.map((c) => c[i][1]);
    const m = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sd = Math.sqrt(ys.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(ys.length - 1, 1));
    const x = curves[0][i][0];
    mean.push([x, m]);
    lower.push([x, m - sd]);
    upper.push([x, m + sd]);
  }
  return { mean, lower, upper };
}
