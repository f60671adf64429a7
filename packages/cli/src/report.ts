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

const anchor = (label: string) => label.replace(/[^A-Za-z0-9-]+/g, "-");

/** One claim as a table row: kind, theory, measured, error, the rule and the verdict, the statement on hover. */
const claimRow = (c: ClaimOutcome) =>
  `<tr class="${verdict(c) === "FAIL" ? "fail" : ""}"><td title="${esc(c.statement)}">${esc(c.claim)}</td><td>${esc(c.kind)}</td><td>${c.theory === null ? "-" : fmt(c.theory)}</td><td>${fmt(c.measured)}</td><td>${c.error === null ? "-" : fmt(c.error)}</td><td>${esc(c.ruleText)}</td><td>${verdict(c)}</td></tr>`;

/**
 * A self-contained HTML report (inline SVG, no external assets) of a reproduce run: a summary per
 * experiment (paper with its arXiv link, verdicts by kind, time) that is also the contents, then
 * one section per run with its provenance (config, seed, backend, code version, wall time), its
 * figure at full width and its claims with the rule of each.
 */
export function reproduceReport(store: Store, results: readonly ReproduceResult[], opts: { mode: string }): string {
  const all = results.flatMap((r) => r.claims);
  const failed = all.filter((c) => verdict(c) === "FAIL").length;
  const byExperiment = new Map<string, ReproduceResult[]>();
  for (const r of results) byExperiment.set(r.experiment, [...(byExperiment.get(r.experiment) ?? []), r]);
  const summary = [...byExperiment].map(([id, rs]) => {
    const e = getExperiment(id);
    const cs = rs.flatMap((r) => r.claims);
    const bad = cs.filter((c) => verdict(c) === "FAIL").length;
    const paper = e ? `<a href="${arxivUrl(e.paper)}">arXiv ${e.paper.arxiv}</a> ${esc(e.paper.authors)} (${e.paper.year})` : "";
    const links = rs.map((r) => `<a href="#${anchor(r.label)}">${esc(r.label === id ? "run" : r.label.slice(id.length).trim())}</a>`).join(" ");
    return `<tr class="${bad ? "fail" : ""}"><td><b>${esc(id)}</b><br><small>${esc(e?.title ?? "")}</small></td><td>${paper}</td><td>${esc(tallyText(cs))}${bad ? ` <b>${bad} FAILED</b>` : ""}</td><td>${rs.reduce((a, r) => a + r.seconds, 0).toFixed(1)} s</td><td>${links}</td></tr>`;
  });
  const sections = results.map((r) => {
    const e = getExperiment(r.experiment);
    const run = r.runId ? store.getRun(r.runId) : null;
    const svg = (r.runId && runFigure(store, r.runId)) || "<p>(no figure)</p>";
    const paper = e ? `${esc(e.paper.authors)} (${e.paper.year}), <a href="${arxivUrl(e.paper)}">arXiv ${e.paper.arxiv}</a>: ${esc(e.paper.title)}` : "";
    const at = r.drawn ? `<br>Drawn from the domain: <code>${esc(JSON.stringify(r.drawn))}</code>` : "";
    const provenance = `Run <code>${esc(r.runId || "-")}</code>, ${esc(r.status)}, seed ${r.seed}, ${r.seconds.toFixed(1)} s${run ? `, backend ${esc(run.backend ?? "-")}, code ${esc(run.code_version ?? "-")}` : ""}.${at}${run ? `<details><summary>config</summary><pre>${esc(JSON.stringify(run.config, null, 1))}</pre></details>` : ""}`;
    const statements = r.claims.map((c) => `<li><b>${esc(c.claim)}</b>: ${esc(c.statement)}${c.reason ? ` <i>(${esc(c.reason)})</i>` : ""}</li>`).join("");
    return `<section id="${anchor(r.label)}"><h2>${esc(r.label)}: ${esc(e?.title ?? "")}</h2><p>${paper}</p><p class="prov">${provenance}</p><p>${esc(tallyText(r.claims))}</p>${svg}
<table><thead><tr><th>claim</th><th>kind</th><th>theory</th><th>measured</th><th>error</th><th>rule</th><th>verdict</th></tr></thead><tbody>${r.claims.map(claimRow).join("")}</tbody></table>
<details><summary>statements</summary><ul>${statements}</ul></details></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saddle reproduce report</title><style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px;margin:0.5em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
tr.fail td{background:#fde8e8}section{margin-top:2.5em;border-top:2px solid #eee;padding-top:1em}svg{width:100%;height:auto}
.prov{color:#555;font-size:13px}pre{font-size:12px;background:#f6f6f6;padding:0.5em;overflow:auto}small{color:#666}
</style></head><body><h1>Saddle reproduce report</h1>
<p>${esc(opts.mode)}: <b>${esc(tallyText(all))}</b>${failed ? `; <b>${failed} FAILED</b>` : ""}. Generated ${new Date().toISOString()}. Kinds: paper claims compare a paper's quantity with Saddle's theory for the run's config; identities are exact laws of the implementation; sanity checks are qualitative or pass by more than 30x; timings are measured, never a failure.</p>
<table><thead><tr><th>experiment</th><th>paper</th><th>verdicts</th><th>time</th><th>runs</th></tr></thead><tbody>${summary.join("")}</tbody></table>
${sections.join("\n")}</body></html>`;
}
