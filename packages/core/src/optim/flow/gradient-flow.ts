import type { Tensor } from "../../tensor/tensor.js";
import { type Tree, treeToVector, vectorToTree } from "../../tree.js";
import { valueAndGrad } from "../../autodiff/transforms.js";
import { noGrad } from "../../autodiff/trace-state.js";
import type { Row } from "../../train/rows.js";
import type { Probe } from "../../probes/probe.js";
import { stepsForTime } from "../../conventions.js";
import { type OdeEvent, type OdeOptions, dopri5, logTimes } from "../../solve/rk45.js";

/**
 * An event of the flow: recorded where `fn` crosses zero (direction +1 = upward only, -1 =
 * downward only); `terminal` stops the flow there. `loss()` evaluates the loss at the event's
 * parameters on demand (one forward pass, memoised per call).
 */
export interface FlowEvent<T extends Tree> {
  name: string;
  fn: (t: number, params: T, loss: () => number) => number;
  direction?: -1 | 0 | 1;
  terminal?: boolean;
}

export interface GradientFlowOptions<T extends Tree = Tree> extends Omit<OdeOptions, "events" | "times"> {
  /** End time (gradient-flow time). Required unless given as the third argument. */
  t1?: number;
  /**
   * Output times in [0, t1] (ascending), or `{ logSpaced: n, from }`: t = 0 and n log-spaced
   * times from `from` (default t1 / 1e4) to t1. Default: t1 only.
   */
  times?: readonly number[] | { logSpaced: number; from?: number };
  /** Events on the parameters (and the loss). */
  events?: readonly FlowEvent<T>[];
  /** Shorthand events: record the first time the loss crosses each level downward. */
  lossLevels?: readonly number[];
  /** Shorthand terminal event: stop when the loss falls to this level. */
  stopBelow?: number;
  /** Probes measured at every output time (their rows join `rows`; optState is null). */
  probes?: readonly Probe<T>[];
  /** Learning rate that converts t to the equivalent GD step in the rows' `step` (default 1: step = t). */
  lr?: number;
}

export interface GradientFlowResult<T extends Tree> {
  /** Output times reached, and the loss and parameters there (dense output). */
  times: number[];
  losses: number[];
  params: T[];
  /** Tidy rows: probe "flow", key "loss" at each output time, then any probes' rows. */
  rows: Row[];
  /** Parameters, loss and time where integration ended (t1, or a terminal event). */
  final: T;
  finalLoss: number;
  tEnd: number;
  /** Name of the terminal event that stopped the flow, if any. */
  stoppedBy?: string;
  /** Every event hit, in time order, with the loss there. */
  events: { name: string; t: number; loss: number }[];
  /** First downward crossing time of each `lossLevels` entry (NaN if never reached). */
  crossings: { level: number; t: number }[];
  /** Gradient evaluations (one per right-hand-side evaluation of the ODE). */
  gradEvals: number;
  /** Forward-only loss evaluations (outputs, events, root finding). */
  lossEvals: number;
  accepted: number;
  rejected: number;
}

function resolveTimes(times: GradientFlowOptions["times"], t1: number): readonly number[] {
  if (times === undefined) return [t1];
  if (Array.isArray(times)) return times as readonly number[];
  const spec = times as { logSpaced: number; from?: number };
  if (t1 === 0) return [0];
  return [0, ...logTimes(spec.from ?? t1 / 1e4, t1, spec.logSpaced)];
}

/**
 * Gradient flow d theta/dt = -grad L(theta) on a parameter tree, integrated by adaptive
 * Dormand-Prince RK45 (dopri5) over the flattened parameters. t is Saddle's gradient-flow time
 * (conventions.ts): GD with learning rate lr reaches time lr k after k steps, so flow and GD curves
 * share the time axis, and each row's `step` is stepsForTime(t, lr). Returns the loss and
 * parameters at the output times (4th-order dense output, so output times cost no extra steps),
 * event times, and the counts of gradient and loss evaluations. Loss-level crossings are found by
 * root finding on the dense output.
 *
 * Call as gradientFlow(loss, params, { t1, ... }) or gradientFlow(loss, params, t1, { ... }).
 */
export function gradientFlow<T extends Tree>(loss: (p: T) => Tensor, params: T, t1OrOpts: number | GradientFlowOptions<T>, maybeOpts: GradientFlowOptions<T> = {}): GradientFlowResult<T> {
  const opts: GradientFlowOptions<T> = typeof t1OrOpts === "number" ? { ...maybeOpts, t1: t1OrOpts } : t1OrOpts;
  const t1 = opts.t1;
  if (typeof t1 !== "number" || !(t1 >= 0) || !Number.isFinite(t1)) throw new RangeError(`gradientFlow: t1 must be a finite time >= 0, got ${t1}`);
  const lr = opts.lr ?? 1;
  if (!(lr > 0)) throw new RangeError(`gradientFlow: lr must be > 0, got ${lr}`);
  const vg = valueAndGrad(loss);
  let gradEvals = 0;
  let lossEvals = 0;
  const toTree = (y: Float64Array) => vectorToTree(y, params);
  const lossAt = (p: T) => {
    lossEvals++;
    return noGrad(() => loss(p).item());
  };
  const rhs = (_t: number, y: Float64Array): Float64Array => {
    gradEvals++;
    const v = treeToVector(vg(toTree(y))[1]);
    for (let i = 0; i < v.length; i++) v[i] = -v[i];
    return v;
  };
  const flowEvents: FlowEvent<T>[] = [...(opts.events ?? [])];
  const levels = opts.lossLevels ?? [];
  levels.forEach((level, i) => flowEvents.push({ name: `lossLevel${i}`, fn: (_t, _p, l) => l() - level, direction: -1 }));
  if (opts.stopBelow !== undefined) {
    const level = opts.stopBelow;
    flowEvents.push({ name: "stopBelow", fn: (_t, _p, l) => l() - level, direction: -1, terminal: true });
  }
  const odeEvents: OdeEvent[] = flowEvents.map((ev) => ({
    name: ev.name,
    direction: ev.direction,
    terminal: ev.terminal,
    fn: (t, y) => {
      const p = toTree(y);
      let cached: number | undefined;
      return ev.fn(t, p, () => (cached ??= lossAt(p)));
    },
  }));
  const times = resolveTimes(opts.times, t1);
  const res = dopri5(rhs, 0, treeToVector(params), t1, { ...opts, times, events: odeEvents });
  const ps = res.y.map(toTree);
  const losses = ps.map(lossAt);
  const rows: Row[] = [];
  res.t.forEach((t, i) => {
    const step = stepsForTime(t, lr);
    rows.push({ step, t, probe: "flow", key: "loss", value: losses[i] });
    for (const pr of opts.probes ?? []) {
      for (const [key, value] of Object.entries(pr.measure({ step, t, params: ps[i], loss: losses[i], optState: null }))) rows.push({ step, t, probe: pr.name, key, value });
    }
  });
  const final = toTree(res.yEnd);
  const events = res.events.map((e) => ({ name: e.name, t: e.t, loss: lossAt(toTree(e.y)) }));
  return {
    times: res.t,
    losses,
    params: ps,
    rows,
    final,
    finalLoss: lossAt(final),
    tEnd: res.tEnd,
    stoppedBy: res.stoppedBy,
    events,
    crossings: levels.map((level, i) => ({ level, t: res.events.find((e) => e.name === `lossLevel${i}`)?.t ?? NaN })),
    gradEvals,
    lossEvals,
    accepted: res.accepted,
    rejected: res.rejected,
  };
}
