import type { TraceSource } from "../../traces/invocation.ts";
import { formatCount } from "./progress.ts";

/** What a replay against a real system will send, known before the first request leaves. */
export interface SendPlan {
  readonly invocations: number;
  /** When the last invocation is due, ms after the start: the wall time the sending takes. */
  readonly lastSendMs: number;
  readonly meanPerS: number;
  /** The most invocations due in one second of the trace, and which second. */
  readonly peakPerS: number;
  readonly peakSecond: number;
}

/**
 * Reads the stream once to count what will be sent and when. Costs a pass of the trace source
 * (a few million invocations a second), small against replaying it on the wall clock, and it
 * lets the user stop a plan that would run for a day before anything is sent.
 */
export async function planSends(trace: TraceSource): Promise<SendPlan> {
  let invocations = 0;
  let lastSendMs = 0;
  let second = -1;
  let inSecond = 0;
  let peakPerS = 0;
  let peakSecond = 0;
  for await (const batch of trace.open()) {
    for (const inv of batch) {
      const s = Math.floor(inv.arrivalMs / 1000);
      if (s !== second) {
        second = s;
        inSecond = 0;
      }
      if (++inSecond > peakPerS) {
        peakPerS = inSecond;
        peakSecond = s;
      }
      lastSendMs = inv.arrivalMs;
    }
    invocations += batch.length;
  }
  // A stream shorter than a second still sends at its count per second at most.
  const meanPerS = invocations / Math.max(1, lastSendMs / 1000);
  return { invocations, lastSendMs, meanPerS, peakPerS, peakSecond };
}

export function formatSendPlan(plan: SendPlan, backends: readonly string[]): string {
  return (
    `plan for ${backends.join(", ")}: ${plan.invocations.toLocaleString("en-US")} invocations over ${(plan.lastSendMs / 1000).toFixed(1)} s of wall time each, ` +
    `mean ${formatCount(plan.meanPerS)}/s, peak ${formatCount(plan.peakPerS)}/s (second ${plan.peakSecond})`
  );
}
