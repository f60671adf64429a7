/** The default figure of an experiment: a metric against time, theory dashed under simulation. */
export interface FigureSpec<C = Record<string, unknown>> {
  probe: string;
  key: string;
  x: "t" | "step";
  logx?: boolean;
  logy?: boolean;
  xLabel: string;
  yLabel: string;
  /**
   * Several curves instead of the one (probe, key): each drawn from the run's rows (solid, or dashed
   * when the run itself logs a prediction) and from the theory rows where they exist (dashed). A
   * function receives the run's config (e.g. one curve per lambda of a sweep).
   */
  series?: readonly FigureSeries[] | ((cfg: C) => readonly FigureSeries[]);
}

/** One curve of a figure: the rows of (probe, key) at the given coordinates, with a legend label. */
export interface FigureSeries {
  /** Defaults to the figure's probe. */
  probe?: string;
  key: string;
  /** Only rows whose coordinates include these (e.g. {lambda: 0.5}). */
  coords?: Readonly<Record<string, number | string>>;
  label: string;
  /** The run's rows of this key are themselves a prediction: draw them dashed. */
  dashed?: boolean;
}

/** A figure curve resolved for a config. */
export interface ResolvedSeries {
  probe: string;
  key: string;
  coords?: Readonly<Record<string, number | string>>;
  label: string;
  dashed: boolean;
}

/** The curves a figure draws for a config: its `series`, or the single (probe, key) as "simulation". */
export function figureSeries<C>(f: FigureSpec<C>, cfg: C): ResolvedSeries[] {
  const list: readonly FigureSeries[] = f.series === undefined ? [{ key: f.key, label: "simulation" }] : typeof f.series === "function" ? f.series(cfg) : f.series;
  return list.map((s) => ({ probe: s.probe ?? f.probe, key: s.key, coords: s.coords, label: s.label, dashed: s.dashed ?? false }));
}
