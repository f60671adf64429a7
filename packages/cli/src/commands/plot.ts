import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getExperiment } from "@saddle/experiments";
import { UsageError, didYouMean } from "../errors.js";
import { renderSvg, svgToPng, meanStd, type Series } from "../plot.js";
import { getRunOrExit, json, openStore, storeOpt } from "../common.js";
import { runFigure } from "../report.js";

/** `saddle plot <runs...>`: a metric of runs as SVG or PNG, seeds as mean +- std bands. */
export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("plot a metric of one or more runs (SVG or PNG); runs that differ only by seed become mean +- std bands")
    .argument("<runs...>", "run ids")
    .option("--y <key>", "metric key, optionally probe.key (e.g. loss, conserved.drift0); without it, one run draws its experiment's own figure")
    .option("--x <axis>", "t (gradient-flow time) or step", "t")
    .option("--logx", "log x axis")
    .option("--logy", "log y axis")
    .option("--theory", "overlay the theory curves (dashed)")
    .requiredOption("-o, --output <file>", "output .svg or .png")
    .option("--json", "print {output, series} as JSON")
    .addOption(storeOpt())
    .addHelpText("after", "\nExamples:\n  saddle plot @latest -o fig.svg                        # the experiment's own figure\n  saddle plot <run> <run> --y loss --logx --logy --theory -o loss.png\n  saddle plot <run> --y conserved.drift0 --x step -o drift.svg")
    .action((ids: string[], o) => {
      if (!/\.(svg|png)$/i.test(o.output)) throw new UsageError(`-o '${o.output}' must end in .svg or .png`);
      const write = (svg: string, series: { name: string; points: number; dashed: boolean; band: boolean }[]) => {
        mkdirSync(dirname(resolve(o.output)), { recursive: true });
        writeFileSync(o.output, o.output.toLowerCase().endsWith(".png") ? svgToPng(svg) : svg);
        if (o.json) json({ output: resolve(o.output), series });
        else process.stderr.write(`wrote ${o.output}\n`);
      };
      if (o.y === undefined) {
        if (ids.length !== 1) throw new UsageError("--y is needed to plot several runs together (one run without --y draws its experiment's own figure)");
        const store = openStore(o.store, { readonly: true });
        const run = getRunOrExit(store, ids[0]);
        const svg = runFigure(store, run.id);
        store.close();
        if (svg === null) throw new UsageError(`run ${run.id} belongs to experiment '${run.experiment}', which this Saddle does not know; give --y`);
        return write(svg, []);
      }
      if (o.x !== "t" && o.x !== "step") throw new UsageError(`--x '${o.x}' is not one of t, step`);
      const [probe, key] = o.y.includes(".") ? o.y.split(/\.(.*)/s) : ["train", o.y];
      if (!probe || !key) throw new UsageError(`--y '${o.y}' must name one metric: key (of the train probe) or probe.key, e.g. loss or conserved.drift0`);
      const store = openStore(o.store, { readonly: true });
      const runs = ids.map((id) => getRunOrExit(store, id));
      // Legend labels: the config keys in which the groups differ (alpha=1e-4), else the run id.
      const differing = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].filter((k) => new Set(runs.map((r) => JSON.stringify(r.config[k]))).size > 1);
      const labelOf = (r: (typeof runs)[number]) => {
        const parts = differing.map((k) => `${k}=${JSON.stringify(r.config[k])}`);
        const text = [...(new Set(runs.map((x) => x.experiment)).size > 1 ? [r.experiment] : []), ...parts].join(", ");
        return text.length > 0 && text.length <= 48 ? text : r.id;
      };
      const groups = new Map<string, typeof runs>();
      for (const r of runs) {
        const k = `${r.experiment} ${JSON.stringify(r.config)}`;
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      const series: Series[] = [];
      for (const group of groups.values()) {
        const curves = group.map((r) => store.metrics(r.id, { probe, key, source: "sim" }).map((m) => [o.x === "t" ? m.t : m.step, m.value] as [number, number]));
        if (curves.every((c) => c.length === 0)) {
          const avail = [...new Set(store.metrics(group[0].id, { source: "sim" }).map((m) => (m.probe === "train" ? m.key : `${m.probe}.${m.key}`)))];
          throw new UsageError(`run ${group[0].id} has no metric '${o.y}'${didYouMean(o.y, avail)}; available: ${avail.join(", ")}`);
        }
        const seeds = group.length > 1 ? `seed mean +- std (${group.length})` : "";
        const name = groups.size > 1 ? [labelOf(group[0]), seeds].filter(Boolean).join(", ") : group.length > 1 ? `simulation, ${seeds}` : "simulation";
        if (group.length > 1) {
          const ms = meanStd(curves);
          series.push({ name, points: ms.mean, band: { lower: ms.lower, upper: ms.upper } });
        } else series.push({ name, points: curves[0] });
        if (o.theory) {
          const th = store.metrics(group[0].id, { probe, key, source: "theory" }).map((m) => [o.x === "t" ? m.t : m.step, m.value] as [number, number]);
          if (th.length) series.push({ name: groups.size > 1 ? `${name} (theory)` : "theory", points: th, dashed: true });
        }
      }
      store.close();
      const e = getExperiment(runs[0].experiment);
      const svg = renderSvg(series, { title: groups.size === 1 ? `${e?.title ?? runs[0].experiment}` : e?.title, xLabel: o.x === "t" ? "gradient-flow time t = lr * step" : "step", yLabel: o.y, logx: o.logx, logy: o.logy });
      write(svg, series.map((x) => ({ name: x.name, points: x.points.length, dashed: Boolean(x.dashed), band: Boolean(x.band) })));
    });;
}
