/**
 * What an invocation does with its freshenable overhead when it arrives: seed 003's FrFetch and
 * FrWarm wrappers (Pseudocode 4 and 5) read the freshen state of the resource:
 * `finished` → reuse the result, `running` → wait for freshen to finish it, absent → do it now.
 * A prefetched result younger than its TTL (§3.2, the freshen cache) counts as finished.
 */
export type FreshenState = "finished" | "running" | "queued" | "none";

export type ReuseDecision =
  /** The whole overhead is saved: freshen's (or a fresh cached) result is used. */
  | { readonly kind: "reuse"; readonly source: "prediction" | "cache" }
  /** Freshen is part-way through: the invocation waits for it, then skips the overhead. */
  | { readonly kind: "wait" }
  /** Nothing usable: the invocation does the set-up and fetch itself. */
  | { readonly kind: "do-now" };

/**
 * `state` is the invocation's own predicted freshen (`none` when it was not predicted, or its
 * freshen was refused or killed); `cacheFresh` whether another freshen's result is still within
 * its TTL. A finished own freshen is preferred to the cache (it is the one run for this call);
 * a fresh cache beats waiting; a freshen still queued for a core has done nothing, so the
 * invocation does not wait for it (FrFetch's `absent` case: the state is only `running` once
 * freshen has started).
 */
export function decideReuse(state: FreshenState, cacheFresh: boolean): ReuseDecision {
  if (state === "finished") return reusePrediction;
  if (cacheFresh) return reuseCache;
  if (state === "running") return wait;
  return doNow;
}

// Decided once per invocation: shared values, not an object each time.
const reusePrediction: ReuseDecision = { kind: "reuse", source: "prediction" };
const reuseCache: ReuseDecision = { kind: "reuse", source: "cache" };
const wait: ReuseDecision = { kind: "wait" };
const doNow: ReuseDecision = { kind: "do-now" };

/** A prefetched result fetched at `fetchedAtMs` serves an invocation at `nowMs` while strictly younger than the TTL. */
export function isFresh(fetchedAtMs: number, nowMs: number, ttlMs: number): boolean {
  return nowMs - fetchedAtMs < ttlMs;
}
