import { registerBackend, type Backend } from "@saddle/core";
import { APT_PACKAGES, loadAddon, type Addon } from "./addon.js";
import { makeNativeBackend } from "./backend.js";

/**
 * @saddle/native: Saddle's native backend (N-API over Debian's OpenBLAS/LAPACK). Loading it
 * registers a backend named "native" without activating it: call setBackend("native").
 * When the addon is missing, Saddle keeps running on the TypeScript backend; `loadNative()`
 * says so once on stderr, naming the apt packages that would enable it.
 */
export interface NativeStatus {
  available: boolean;
  /** Why the addon is unavailable (empty when available). */
  reason: string;
  backend?: Backend;
}

let cached: NativeStatus | null = null;
let addonRef: Addon | null = null;
let warned = false;

/** Loads and registers the native backend if it can; never throws. */
export function nativeStatus(): NativeStatus {
  if (cached) return cached;
  const r = loadAddon();
  if ("addon" in r) {
    addonRef = r.addon;
    const backend = makeNativeBackend(r.addon);
    registerBackend(backend);
    cached = { available: true, reason: "", backend };
  } else {
    cached = {
      available: false,
      reason: `native addon not built (${r.reason}); install ${APT_PACKAGES} and run npm run build:native`,
    };
  }
  return cached;
}

/**
 * The native backend, registered, or null after printing once (to stderr) that Saddle runs on
 * the TypeScript backend and which apt packages would enable the native one.
 */
export function loadNative({ quiet = false }: { quiet?: boolean } = {}): Backend | null {
  const s = nativeStatus();
  if (!s.available && !quiet && !warned) {
    warned = true;
    globalThis.process?.stderr?.write(`saddle: running on the TypeScript backend: ${s.reason}\n`);
  }
  return s.backend ?? null;
}

/** Sets the OpenBLAS thread count (1 = deterministic mode). */
export function setThreads(n: number): void {
  const b = loadNative({ quiet: true });
  if (!b?.setThreads) throw new Error("setThreads: the native backend is not available");
  b.setThreads(n);
}

/** Asynchronous symmetric eigendecomposition (LAPACK on the libuv pool; the event loop stays free). */
export async function eighAsync(a: Float64Array, n: number): Promise<{ w: Float64Array; v: Float64Array }> {
  if (!loadNative({ quiet: true }) || !addonRef) throw new Error("eighAsync: the native backend is not available");
  if (a.length !== n * n) throw new RangeError(`eighAsync: a has ${a.length} entries, n*n = ${n * n}`);
  return addonRef.syevdAsync(a, n);
}

/** Asynchronous thin SVD. */
export async function svdAsync(a: Float64Array, m: number, n: number): Promise<{ u: Float64Array; s: Float64Array; vt: Float64Array }> {
  if (!loadNative({ quiet: true }) || !addonRef) throw new Error("svdAsync: the native backend is not available");
  if (a.length !== m * n) throw new RangeError(`svdAsync: a has ${a.length} entries, m*n = ${m * n}`);
  return addonRef.gesddAsync(a, m, n);
}

export { APT_PACKAGES };
