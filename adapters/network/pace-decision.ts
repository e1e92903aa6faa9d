/**
 * What the open-loop driver does next for the invocation due at `dueMs` (both times on
 * `performance.now()`), within one turn of the event loop:
 * - `sleep`: far from due; a timer, woken `spinMarginMs` early because timers fire late by up to
 *   a millisecond or so (libuv's clock is cached per loop turn and rounded to whole ms).
 * - `hold`: due within the margin, and this turn has neither sent nor held yet: busy-wait in place
 *   until `untilMs` (the due time, or `holdMs` from now if that comes first). Holding in short
 *   stretches instead of yielding a loop turn per check keeps the turns, and the garbage each one
 *   makes, few: a turn of Node's loop costs about a microsecond and 0.4–1.7 KB.
 * - `yield`: due within the margin, but this turn already sent or held: give the loop one turn
 *   first, so answers that arrived meanwhile are read between sends and never wait long.
 * - `send`: due, and a slot is free.
 * - `drop`: due, and `maxInFlight` requests are already waiting: recorded `dropped` at once,
 *   never queued behind them (queueing would hide the target's stall in the client).
 */
export type PaceDecision =
  | { readonly kind: "sleep"; readonly ms: number }
  | { readonly kind: "hold"; readonly untilMs: number }
  | { readonly kind: "yield" }
  | { readonly kind: "send" }
  | { readonly kind: "drop" };

/** When to wait and how long to busy-wait at most, ms. */
export interface PaceTiming {
  readonly spinMarginMs: number;
  readonly holdMs: number;
}

// Shared decisions: at 20,000 sends/s an object per decision is garbage the collector notices.
const yieldTurn: PaceDecision = Object.freeze({ kind: "yield" });
const send: PaceDecision = Object.freeze({ kind: "send" });
const drop: PaceDecision = Object.freeze({ kind: "drop" });

export function paceDecision(dueMs: number, nowMs: number, inFlight: number, maxInFlight: number, turnUsed: boolean, timing: PaceTiming): PaceDecision {
  const wait = dueMs - nowMs;
  if (wait > timing.spinMarginMs) return { kind: "sleep", ms: wait - timing.spinMarginMs };
  if (wait > 0) return turnUsed ? yieldTurn : { kind: "hold", untilMs: Math.min(dueMs, nowMs + timing.holdMs) };
  return inFlight < maxInFlight ? send : drop;
}
