import { decideReuse, isFresh, type FreshenState } from "../scheduling/freshen/freshen-reuse.ts";

/**
 * A function process's runtime-scoped freshen state (seed 003 §3.3, `fr_state`): one entry per
 * resource key, shared by `freshen` and the handler, so work freshen did is the handler's. `fetch`
 * is FrFetch (Pseudocode 4) with the §3.2 TTL cache, `warm` is FrWarm (Pseudocode 5). What to do
 * with an entry is the simulator's clock-free rule (freshen-reuse.ts `decideReuse`): finished →
 * reuse, running → wait for it, absent (or older than its TTL) → do it now.
 */
export interface FreshenHelpers {
  /** FrFetch: `loader`'s result, reused while younger than `ttlMs` (default: kept for the process's life). */
  fetch<T>(key: string, loader: () => T | Promise<T>, options?: { ttlMs?: number }): Promise<T>;
  /** FrWarm: a resource (e.g. a connection) opened once per process by `opener` and kept. */
  warm<T>(key: string, opener: () => T | Promise<T>): Promise<T>;
}

/** How the handler's fetches met their resources, for the invocation's accounting. */
export interface ReuseTally {
  /** Results freshen had produced for this call (its prediction paid off). */
  prediction: number;
  /** Results still fresh from an earlier call or freshen. */
  cache: number;
  /** Waited for a fetch still running (freshen started it, the handler caught up). */
  wait: number;
  /** Nothing usable: fetched now. */
  doNow: number;
}

export const emptyTally = (): ReuseTally => ({ prediction: 0, cache: 0, wait: 0, doNow: 0 });

type Entry =
  | { readonly state: "running"; readonly result: Promise<unknown> }
  | { readonly state: "finished"; readonly value: unknown; readonly atMs: number; readonly ttlMs: number; byFreshen: boolean };

export class FreshenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The helpers for one caller: `byFreshen` marks what freshen produced; `tally` counts the handler's outcomes. */
  helpers(byFreshen: boolean, tally: ReuseTally): FreshenHelpers {
    return {
      fetch: <T>(key: string, loader: () => T | Promise<T>, options?: { ttlMs?: number }) => this.fetch(key, loader, options?.ttlMs ?? Infinity, byFreshen, tally) as Promise<T>,
      warm: <T>(key: string, opener: () => T | Promise<T>) => this.fetch(`warm\0${key}`, opener, Infinity, byFreshen, tally) as Promise<T>,
    };
  }

  private async fetch(key: string, loader: () => unknown, ttlMs: number, byFreshen: boolean, tally: ReuseTally): Promise<unknown> {
    if (!(ttlMs > 0)) throw new Error(`ttlMs must be > 0 ms (got ${ttlMs})`);
    const entry = this.entries.get(key);
    const fresh = entry?.state === "finished" && isFresh(entry.atMs, this.now(), entry.ttlMs);
    // Freshen's own result counts as the prediction's until a handler has used it once; after that it is the cache's.
    const own: FreshenState = entry?.state === "running" ? "running" : fresh && entry.byFreshen ? "finished" : "none";
    const decision = decideReuse(own, fresh);
    if (decision.kind === "reuse" && entry?.state === "finished") {
      if (!byFreshen) {
        tally[decision.source]++;
        entry.byFreshen = false;
      }
      return entry.value;
    }
    if (decision.kind === "wait" && entry?.state === "running") {
      if (!byFreshen) tally.wait++;
      try {
        const value = await entry.result;
        const done = this.entries.get(key);
        if (done?.state === "finished" && !byFreshen) done.byFreshen = false;
        return value;
      } catch {
        // The fetch it waited for failed: FrFetch's absent case, do it now.
        return this.load(key, loader, ttlMs, byFreshen, tally);
      }
    }
    return this.load(key, loader, ttlMs, byFreshen, tally);
  }

  private async load(key: string, loader: () => unknown, ttlMs: number, byFreshen: boolean, tally: ReuseTally): Promise<unknown> {
    if (!byFreshen) tally.doNow++;
    const result = Promise.resolve().then(loader);
    this.entries.set(key, { state: "running", result });
    try {
      const value = await result;
      this.entries.set(key, { state: "finished", value, atMs: this.now(), ttlMs, byFreshen });
      return value;
    } catch (error) {
      if (this.entries.get(key)?.state === "running") this.entries.delete(key);
      throw error;
    }
  }
}
