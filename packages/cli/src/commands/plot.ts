import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getExperiment } from "@saddle/experiments";
import { UsageError, didYouMean } from "../errors.js";
import { renderSvg, svgToPng, meanStd, type Series } from "../plot.js";
import { getRunOrExit, json, openStore, storeOpt } from "../common.js";

/** `saddle plot <runs...>`: a metric of runs as SVG or PNG, seeds as mean +- std bands. */
export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("plot a metric of one or more runs (SVG or PNG); runs that differ only by seed become mean +- std bands")
    .argument("<runs...>", "run ids")
    .requiredOption("--y <key>", "metric key, optionally probe.key (e.g. loss, conserved.drift0)")
    .option("--x <axis>", "t (gradient-flow time) or step", "t")
    .option("--logx", "log x axis")
    .option("--logy", "log y axis")
    .option("--theory", "overlay the theory curves (dashed)")
    .requiredOption("-o, --output <file>", "output .svg or .png")
    .option("--json", "print {output, series} as JSON")
    .addOption(storeOpt())
    .action((ids: string[], o) => {
      if (!/\.(svg|png)$/i.test(o.output)) throw new UsageError(`-o '${o.output}' must end in .svg or .png`);
      if (o.x !== "t" && o.x !== "step") throw new UsageError(`--x '${o.x}' is not one of t, step`);
      const [probe, key] = o.y.includes(".") ? o.y.split(/\.(.*)/s) : ["train", o.y];
      if (!probe || !key) throw new UsageError(`--y '${o.y}' must name one metric: key (of the train probe) or probe.key, e.g. loss or conserved.drift0`);
      const store = openStore(o.store, { readonly: true });
      const runs = ids.map((id) => getRunOrExit(store, id));
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
        const name = groups.size > 1 ? `${group[0].id}${group.length > 1 ? ` (${group.length} seeds)` : ""}` : group.length > 1 ? `simulation (mean +- std, ${group.length} seeds)` : "simulation";
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
      mkdirSync(dirname(resolve(o.output)), { recursive: true });
      writeFileSync(o.output, o.output.toLowerCase().endsWith(".png") ? svgToPng(svg) : svg);
      if (o.json) json({ output: resolve(o.output), series: series.map((x) => ({ name: x.name, points: x.points.length, dashed: Boolean(x.dashed), band: Boolean(x.band) })) });
      else process.stderr.write(`wrote ${o.output}\n`);
    });;
}
