import type { Store } from "./store.js";
import { arxivUrl, figureSeries, getExperiment, tallyText, type ClaimOutcome } from "@saddle/experiments";
import { renderSvg, type Series } from "./plot.js";
import { fmt } from "./output.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One run of a reproduce: which experiment, at what (label, seed, drawn config), and its claims. */
export interface ReproduceResult {
  runId: string;
  experiment: string;
  label: string;
  seed: number;
  drawn?: Record<string, unknown>;
  status: string;
  claims: ClaimOutcome[];
  seconds: number;
}

/** The default figure of a run: its experiment's curves, simulation solid and theory dashed. */
export function runFigure(store: Store, runId: string): string | null {
  const run = store.getRun(runId);
  if (!run) return null;
  const e = getExperiment(run.experiment);
  if (!e) return null;
  const f = e.figure;
  const curves = figureSeries(f, run.config);
  const pts = (c: (typeof curves)[number], source: "sim" | "theory") =>
    store
      .metrics(runId, { probe: c.probe, key: c.key, source })
      .filter((r) => Object.entries(c.coords ?? {}).every(([k, v]) => r.coords?.[k] === v))
      .map((r) => [f.x === "t" ? r.t : r.step, r.value] as [number, number]);
  const series: Series[] = [];
  for (const c of curves) {
    const sim = pts(c, "sim");
    if (sim.length) series.push({ name: c.label, points: sim, dashed: c.dashed });
    const th = pts(c, "theory");
    if (th.length) series.push({ name: curves.length === 1 && c.label === "simulation" ? "theory" : `${c.label} (theory)`, points: th, dashed: true });
  }
  return renderSvg(series, { title: e.title, xLabel: f.xLabel, yLabel: f.yLabel, logx: f.logx, logy: f.logy });
}

const verdict = (c: ClaimOutcome) => (!c.applicable ? "n/a" : c.kind === "timing" ? "measured" : c.pass ? "pass" : "FAIL");

/** A self-contained HTML report (inline SVG, no external assets) of a reproduce run. */
export function reproduceReport(store: Store, results: readonly ReproduceResult[], opts: { mode: string }): string {
  const all = results.flatMap((r) => r.claims);
  const rows = results.flatMap((r) =>
    r.claims.map(
      (c) =>
        `<tr class="${verdict(c) === "FAIL" ? "fail" : "pass"}"><td>${esc(r.label)}</td><td title="${esc(c.statement)}">${esc(c.claim)}</td><td>${esc(c.kind)}</td><td>${c.theory === null ? "-" : fmt(c.theory)}</td><td>${fmt(c.measured)}</td><td>${c.error === null ? "-" : fmt(c.error)}</td><td>${esc(c.ruleText)}</td><td>${verdict(c)}</td></tr>`,
    ),
  );
  const figures = results.map((r) => {
    const e = getExperiment(r.experiment);
    const svg = (r.runId && runFigure(store, r.runId)) || "<p>(no figure)</p>";
    const claims = r.claims.map((c) => `<li><b>${esc(c.claim)}</b> [${esc(c.kind)}, ${esc(c.ruleText)}] ${verdict(c)}: ${esc(c.statement)}${c.reason ? ` <i>(${esc(c.reason)})</i>` : ""}</li>`).join("");
    const paper = e ? `${esc(e.paper.authors)} (${e.paper.year}), <a href="${arxivUrl(e.paper)}">arXiv ${e.paper.arxiv}</a>: ${esc(e.paper.title)}` : "";
    const at = r.drawn ? ` Config drawn from the domain: <code>${esc(JSON.stringify(r.drawn))}</code>.` : "";
    return `<section><h2>${esc(r.label)}: ${esc(e?.title ?? "")}</h2><p>${paper}. Run <code>${esc(r.runId)}</code>, seed ${r.seed}, ${r.seconds.toFixed(1)} s, ${esc(r.status)}.${at} ${esc(tallyText(r.claims))}.</p>${svg}<ul>${claims}</ul></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saddle reproduce report</title><style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
tr.fail td{background:#fde8e8}section{margin-top:2.5em}svg{max-width:100%;height:auto}
</style></head><body><h1>Saddle reproduce report</h1><p>${esc(opts.mode)}: ${esc(tallyText(all))}. Generated ${new Date().toISOString()}.</p>
<table><thead><tr><th>run</th><th>claim</th><th>kind</th><th>theory</th><th>measured</th><th>error</th><th>rule</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table>
${figures.join("\n")}</body></html>`;
}
