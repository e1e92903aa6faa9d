/**
 * What the open-loop driver does next for the invocation due at `dueMs` (both times on
 * `performance.now()`):
 * - `sleep`: far from due; a timer, woken `spinMarginMs` early because timers fire late by up to
 *   a millisecond or so (libuv's clock is cached per loop turn and rounded to whole ms).
 * - `spin`: due within the margin; yield one event-loop turn (setImmediate) and look again, so
 *   the send leaves within microseconds of its time while answers still get processed.
 * - `send`: due, and a slot is free.
 * - `drop`: due, and `maxInFlight` requests are already waiting: recorded `dropped` at once,
 *   never queued behind them (queueing would hide the target's stall in the client).
 */
export type PaceDecision = { readonly kind: "sleep"; readonly ms: number } | { readonly kind: "spin" } | { readonly kind: "send" } | { readonly kind: "drop" };

// Shared decisions: at 20,000 sends/s an object per decision is garbage the collector notices.
const spin: PaceDecision = Object.freeze({ kind: "spin" });
const send: PaceDecision = Object.freeze({ kind: "send" });
const drop: PaceDecision = Object.freeze({ kind: "drop" });

export function paceDecision(dueMs: number, nowMs: number, inFlight: number, maxInFlight: number, spinMarginMs: number): PaceDecision {
  const wait = dueMs - nowMs;
  if (wait > spinMarginMs) return { kind: "sleep", ms: wait - spinMarginMs };
  if (wait > 0) return spin;
  return inFlight < maxInFlight ? send : drop;
}
