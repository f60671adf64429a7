import type { Row } from "@saddle/core";
import type { z, ZodType } from "zod";
import type { Claim } from "./claim.js";
import type { RunContext, SeedContext } from "./context.js";
import type { Domain } from "./domain.js";
import type { FigureSpec } from "./figure.js";
import type { Paper } from "./papers.js";

/**
 * Experiment families: folders of packages/experiments/src mirroring core's theory/ (DESIGN.md).
 * A new family joins by adding a row.
 */
export const FAMILIES = {
  "saddle-to-saddle": "Saddle-to-saddle and stepwise dynamics from small initialisation (exact linear dynamics, AGF, stepwise SSL)",
  kernels: "Kernel theory: analytic kernels, eigenlearning, random features, NTK evolution and adversarial eigen-features",
  symmetry: "Symmetry and conservation: neural mechanics, Noether currents, stochastic collapse, margins, limiting SGD, attention",
  "lazy-rich": "Lazy versus rich regimes: exact solutions for balanced and unbalanced initialisations, the ultra-rich limit, saddle escape in deep ReLU nets",
} as const;

export type Family = keyof typeof FAMILIES;

/** What an experiment file declares (see `defineExperiment`). */
export interface ExperimentDef<S extends ZodType, U> {
  id: string;
  title: string;
  family: Family;
  paper: Paper;
  /** The config schema (strict objects; nested objects for groups of keys). */
  schema: S;
  /** `quick` is a whole config; `full` overrides some of its keys. */
  presets: { quick: z.input<S>; full?: Partial<z.input<S>> };
  /** Where the claims must hold; sampled by `saddle reproduce --sample K`. */
  domain: Domain<z.output<S>>;
  /**
   * Set (to the reason) when the numbers do not depend on the seed: e.g. a closed form on a fixed
   * design. Otherwise a test checks that two seeds give different numbers.
   */
  deterministic?: string;
  /** Computed once per run (data, teachers, initial parameters) and handed to run, theory and claims. */
  setup?(cfg: z.output<S>, ctx: SeedContext): U;
  /** The simulation: tidy rows. Resumable when it honours ctx.resume (see trainHooks, phases). */
  run(cfg: z.output<S>, ctx: RunContext, setup: U): AsyncIterable<Row>;
  /** Saddle's prediction for the same config, computed once per run, with the theory stream. */
  theory?(cfg: z.output<S>, ctx: SeedContext, setup: U): Row[];
  /** The claims, or a function giving the claim set this config's theory predicts (stable ids). */
  claims: readonly Claim<z.output<S>, U>[] | ((cfg: z.output<S>, setup: U) => readonly Claim<z.output<S>, U>[]);
  figure: FigureSpec<z.output<S>>;
}

/** A defined experiment, as the runner, CLI and tests use it. */
export interface Experiment<C = Record<string, unknown>, U = unknown> {
  readonly id: string;
  readonly title: string;
  readonly family: Family;
  readonly paper: Paper;
  readonly schema: ZodType<C>;
  readonly presets: { readonly quick: Readonly<Record<string, unknown>>; readonly full: Readonly<Record<string, unknown>> };
  readonly domain: Domain<C>;
  readonly deterministic?: string;
  /** Whether the experiment honours ctx.resume (a table test checks it). */
  readonly resumable: boolean;
  setup(cfg: C, ctx: SeedContext): U;
  run(cfg: C, ctx: RunContext, setup: U): AsyncIterable<Row>;
  theory(cfg: C, ctx: SeedContext, setup: U): Row[];
  claims(cfg: C, setup: U): readonly Claim<C, U>[];
  readonly figure: FigureSpec<C>;
}

/**
 * Declares an experiment, typed end to end from its schema: presets are checked against the
 * schema's input type, and run/theory/claims receive the parsed config and the setup's type.
 * `resumable` says whether run() honours ctx.resume (default true; set false and say why).
 */
export function defineExperiment<S extends ZodType, U = undefined>(def: ExperimentDef<S, U> & { resumable?: boolean }): Experiment<z.output<S>, U> {
  type C = z.output<S>;
  const full = { ...(def.presets.quick as Record<string, unknown>), ...((def.presets.full ?? {}) as Record<string, unknown>) };
  return {
    id: def.id,
    title: def.title,
    family: def.family,
    paper: def.paper,
    schema: def.schema as unknown as ZodType<C>,
    presets: { quick: def.presets.quick as Record<string, unknown>, full },
    domain: def.domain,
    deterministic: def.deterministic,
    resumable: def.resumable ?? true,
    setup: (cfg, ctx) => (def.setup ? def.setup(cfg, ctx) : (undefined as U)),
    run: (cfg, ctx, setup) => def.run(cfg, ctx, setup),
    theory: (cfg, ctx, setup) => (def.theory ? def.theory(cfg, ctx, setup) : []),
    claims: (cfg, setup) => (typeof def.claims === "function" ? def.claims(cfg, setup) : def.claims),
    figure: def.figure,
  };
}

/**
 * An experiment of any config type: the element type of heterogeneous lists (the registry). The
 * config and setup types are existential here; each experiment is fully typed where it is defined,
 * and configs reaching it from outside go through its schema first.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any, any>;
