/**
 * How many differentiation scopes are open. Operations record graph nodes only inside a scope
 * (and only when an input is already on the graph), so plain computation outside `vjp`/`grad`
 * builds no graph and retains no memory.
 */
let depth = 0;

export function isRecording(): boolean {
  return depth > 0;
}

/** Runs `fn` inside one more differentiation scope. */
export function inScope<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** Runs `fn` with recording switched off (for probes and optimizer arithmetic). */
export function noGrad<T>(fn: () => T): T {
  const saved = depth;
  depth = 0;
  try {
    return fn();
  } finally {
    depth = saved;
  }
}
