import type { Store } from "./store.js";
import type { ClaimOutcome } from "./runner.js";
import { figureSeries, getExperiment } from "@saddle/experiments";
import { renderSvg, type Series } from "./plot.js";
import { fmt } from "./output.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The default figure of a run: its experiment's metric, simulation solid and theory dashed. */
export function runFigure(store: Store, runId: string): string | null {
  const run = store.getRun(runId);
  if (!run) return null;
  const e = getExperiment(run.experiment);
  if (!e) return null;
  const f = e.figure;
  const curves = figureSeries(f, run.config);
  const pts = (probe: string, key: string, source: "sim" | "theory") => store.metrics(runId, { probe, key, source }).map((r) => [f.x === "t" ? r.t : r.step, r.value] as [number, number]);
  const series: Series[] = [];
  for (const c of curves) {
    const sim = pts(c.probe, c.key, "sim");
    if (sim.length) series.push({ name: c.label, points: sim, dashed: c.dashed });
    const th = pts(c.probe, c.key, "theory");
    if (th.length) series.push({ name: curves.length === 1 && c.label === "simulation" ? "theory" : `${c.label} (theory)`, points: th, dashed: true });
  }
  return renderSvg(series, { title: e.title, xLabel: f.xLabel, yLabel: f.yLabel, logx: f.logx, logy: f.logy });
}

/** A self-contained HTML report (inline SVG, no external assets) of a reproduce run. */
export function reproduceReport(store: Store, results: { runId: string; experiment: string; claims: ClaimOutcome[]; seconds: number }[]): string {
  const rows = results.flatMap((r) =>
    r.claims.map((c) => `<tr class="${c.pass ? "pass" : "fail"}"><td>${esc(c.experiment)}</td><td title="${esc(c.statement)}">${esc(c.claim)}</td><td>${fmt(c.theory)}</td><td>${fmt(c.measured)}</td><td>${fmt(c.relError)}</td><td>${fmt(c.tolerance)}</td><td>${c.pass ? "pass" : "FAIL"}</td><td>${r.seconds.toFixed(1)} s</td></tr>`),
  );
  const figures = results.map((r) => {
    const e = getExperiment(r.experiment);
    const svg = runFigure(store, r.runId) ?? "<p>(no figure)</p>";
    const claims = r.claims.map((c) => `<li><b>${esc(c.claim)}</b> (${c.pass ? "pass" : "fail"}): ${esc(c.statement)}</li>`).join("");
    return `<section><h2>${esc(r.experiment)}: ${esc(e?.title ?? "")}</h2><p>${esc(e ? `${e.paper.authors} (${e.paper.year}), arXiv ${e.paper.arxiv}: ${e.paper.title}` : "")}. Run <code>${esc(r.runId)}</code>.</p>${svg}<ul>${claims}</ul></section>`;
  });
  const passed = results.flatMap((r) => r.claims).filter((c) => c.pass).length;
  const total = results.flatMap((r) => r.claims).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saddle reproduce report</title><style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
tr.fail td{background:#fde8e8}tr.pass td:nth-child(7){color:#17803d}section{margin-top:2.5em}svg{max-width:100%;height:auto}
</style></head><body><h1>Saddle reproduce report</h1><p>${passed} of ${total} claims pass. Generated ${new Date().toISOString()}.</p>
<table><thead><tr><th>experiment</th><th>claim</th><th>theory</th><th>measured</th><th>rel. error</th><th>tolerance</th><th>verdict</th><th>time</th></tr></thead><tbody>${rows.join("")}</tbody></table>
${figures.join("\n")}</body></html>`;
}
