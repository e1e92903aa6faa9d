import type { Invocation } from "../../traces/invocation.ts";

/** The stretch of sends at the opening rate that connections are opened for ahead of the run, ms. */
export const openingWindowMs = 50;

/**
 * How many connections to open before the run's clock starts: enough for `openingWindowMs` of
 * sends at the rate the stream opens with (its first batch), so the requests sent while the
 * target pauses that long find ready connections; at least 1, at most `maxInFlight`. At 20,000
 * sends/s that is 1,000; at 100/s, 5. A batch whose invocations all arrive at one instant gets
 * one connection each. Later growth is left to the pool, which keeps what it opens.
 *
 * Why 50 ms: a loopback target on this 2-core machine pauses 5–20 ms now and then (its collector,
 * the driver's collector threads on its core). With 200 connections (10 ms at 20,000/s) such a
 * pause still made the driver open connections on its sending path, each costing both ends
 * 50–100 µs, which lengthened the pause until the in-flight bound was reached (3 of 15 paced
 * steps failed); with 1,000, 12 of 12 met p99 lateness < 1 ms.
 */
export function openingConnections(ahead: readonly Invocation[], maxInFlight: number): number {
  if (ahead.length === 0) return 0;
  const spanMs = ahead[ahead.length - 1]!.arrivalMs - ahead[0]!.arrivalMs;
  const wanted = spanMs > 0 ? Math.ceil(((ahead.length - 1) / spanMs) * openingWindowMs) : ahead.length;
  return Math.max(1, Math.min(maxInFlight, wanted));
}
