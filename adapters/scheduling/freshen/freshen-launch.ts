/**
 * When the platform starts freshen for a predicted call: the call's trigger delay ahead of its
 * arrival, but never before its parent arrived (the prediction is made when the parent runs, and
 * the platform cannot know of the call earlier). Seed 003 §2: the trigger delay is the window
 * "to call and execute freshen for the next function within the chain".
 */
export function freshenLaunchMs(parentArrivalMs: number, childArrivalMs: number, triggerDelayMs: number): number {
  return Math.min(childArrivalMs, Math.max(parentArrivalMs, childArrivalMs - triggerDelayMs));
}

/**
 * How many wrong predictions accompany one right one: each prediction is followed by another,
 * wrong one with probability `rate`, so wrong / all predictions is `rate` in expectation
 * (a geometric count with mean rate / (1 − rate)). `uniform` draws from [0, 1).
 */
export function mispredictionsAfter(rate: number, uniform: () => number): number {
  let n = 0;
  // Bounded so a rate next to 1 cannot loop for long; the share stays within 1e-9 of `rate` for rate ≤ 0.95.
  while (n < 1000 && uniform() < rate) n++;
  return n;
}
