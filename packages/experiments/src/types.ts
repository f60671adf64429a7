/** Kit v1 types, kept only while experiments move to the kit (kit/); deleted once none imports it. */
import type { Rng, Row, Tree } from "@saddle/core";
import type { z } from "zod";

/** The paper an experiment reproduces. */
export interface Paper {
  arxiv: string;
  title: string;
  authors: string;
  year: number;
}

/** A claim's verdict: a number the paper states, what Saddle measured, and the tolerance. */
export interface ClaimResult {
  theory: number;
  measured: number;
  /** Allowed relative error (|measured - theory| / |theory|), or absolute where `absolute` is set. */
  tolerance: number;
  relError: number;
  pass: boolean;
  absolute?: boolean;
  units?: string;
}

/** A headline claim of a paper, checked on an experiment's rows. */
export interface Claim<C> {
  id: string;
  statement: string;
  /**
   * A wall-clock claim (e.g. theory faster than simulation): reported by `saddle reproduce`, but the
   * test suite only checks that it was measured, since timings depend on the machine.
   */
  timing?: boolean;
  /**
   * Whether the claim is checked for this config (default: always). A claim about an optional,
   * expensive part of a run (e.g. one only the full preset enables) is skipped, not failed, when
   * that part is off; `saddle reproduce` leaves it out of that run's claims.
   */
  appliesTo?(cfg: C): boolean;
  check(rows: readonly Row[], cfg: C, theory: readonly Row[]): ClaimResult;
}

/** A checkpoint an experiment can resume from (plain data with tensors). */
export interface ExperimentCheckpoint {
  step: number;
  params: Tree;
  optState: unknown;
  rngState: number[];
}

/** What a run receives: its RNG, a cancel signal, and checkpoint/resume hooks. */
export interface RunContext {
  rng: Rng;
  signal?: AbortSignal;
  resume?: ExperimentCheckpoint;
  onCheckpoint?: (c: ExperimentCheckpoint) => void;
  /** Steps between checkpoints requested by the caller (experiments may round it). */
  checkpointEvery?: number;
}

/** The default figure of an experiment: a metric against time, theory dashed over simulation. */
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
   * when the run itself logs a prediction) and from theory(cfg) where it has rows (dashed). A
   * function receives the run's config (e.g. one curve per lambda of a sweep).
   */
  series?: readonly FigureSeries[] | ((cfg: C) => readonly FigureSeries[]);
}

/** One curve of a figure: the rows of (probe, key), with a legend label. */
export interface FigureSeries {
  /** Defaults to the figure's probe. */
  probe?: string;
  key: string;
  label: string;
  /** The run's rows of this key are themselves a prediction: draw them dashed. */
  dashed?: boolean;
}

/** The curves a figure draws for a config: its `series`, or the single (probe, key) as "simulation". */
export function figureSeries<C>(f: FigureSpec<C>, cfg: C): { probe: string; key: string; label: string; dashed: boolean }[] {
  const list = f.series === undefined ? [{ key: f.key, label: "simulation" }] : typeof f.series === "function" ? f.series(cfg) : f.series;
  return list.map((s) => ({ probe: (s as FigureSeries).probe ?? f.probe, key: s.key, label: s.label, dashed: (s as FigureSeries).dashed ?? false }));
}

/**
 * An experiment: one paper's setup. `schema` validates configs (unknown keys rejected); presets are
 * partial configs; `run` yields simulated rows, `theory` the predicted rows for the same config
 * (empty when the prediction is computed inside the run, e.g. an analytic kernel evaluated on the
 * run's data), and each claim compares the two with a stated tolerance.
 */
export interface Experiment<C extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  title: string;
  paper: Paper;
  schema: z.ZodType<C>;
  presets: { quick: Partial<C>; full: Partial<C> };
  run(cfg: C, ctx: RunContext): AsyncIterable<Row>;
  theory(cfg: C): Row[];
  claims: Claim<C>[];
  figure: FigureSpec<C>;
}

/** Relative error with a floor on the denominator. */
export function relError(measured: number, theory: number): number {
  return Math.abs(measured - theory) / Math.max(Math.abs(theory), 1e-300);
}

/** A claim result from a relative tolerance. */
export function verdict(theory: number, measured: number, tolerance: number, units?: string): ClaimResult {
  const r = relError(measured, theory);
  return { theory, measured, tolerance, relError: r, pass: Number.isFinite(r) && r <= tolerance, units };
}

/** A claim result from an absolute bound: pass when measured <= bound (theory is the ideal value). */
export function upperBound(theory: number, measured: number, bound: number, units?: string): ClaimResult {
  return { theory, measured, tolerance: bound, relError: Math.abs(measured - theory), pass: measured <= bound, absolute: true, units };
}

/** A claim result from a lower bound: pass when measured >= bound (e.g. "the symmetry is broken by at least"). */
export function lowerBound(theory: number, measured: number, bound: number, units?: string): ClaimResult {
  return { theory, measured, tolerance: bound, relError: Math.abs(measured - theory), pass: Number.isFinite(measured) && measured >= bound, absolute: true, units };
}
