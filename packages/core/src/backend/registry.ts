import type { Prim } from "../prim/primitives.js";
import type { Backend, Kernel, LinalgKernels, ReferenceBackend } from "./backend.js";
import { referenceBackend } from "./reference/index.js";

/**
 * The backend registry. The reference backend is always registered; a native backend registers
 * itself when it loads. Kernels resolve per primitive: the active backend's kernel if it has one,
 * else the reference kernel (per-kernel fallback).
 */
const backends = new Map<string, Backend>([[referenceBackend.name, referenceBackend]]);
let active: Backend = referenceBackend;

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Names of the registered backends, reference first. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

export function getBackend(name?: string): Backend {
  if (name === undefined) return active;
  const b = backends.get(name);
  if (!b) throw new RangeError(`backend '${name}' is not registered; registered: ${listBackends().join(", ")}`);
  return b;
}

/** Makes `name` the active backend; returns the previously active one's name. */
export function setBackend(name: string): string {
  const previous = active.name;
  active = getBackend(name);
  return previous;
}

/** Runs `fn` with `name` active, restoring the previous backend afterwards (also on throw). */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = setBackend(name);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

export function reference(): ReferenceBackend {
  return referenceBackend;
}

/** The active backend (fast path for `bind`). */
export function activeBackend(): Backend {
  return active;
}

/** The kernel for primitive `p` on the active backend, falling back to the reference. */
export function kernelFor<P extends Prim>(p: P): Kernel<P> {
  return (active.kernels[p] as Kernel<P> | undefined) ?? (referenceBackend.kernels[p] as Kernel<P>);
}

/** A linear algebra routine on the active backend, falling back to the reference. */
export function linalgFor<K extends keyof LinalgKernels>(k: K): LinalgKernels[K] {
  return active.linalg[k] ?? referenceBackend.linalg[k];
}
