import { textTable } from "../cli/text-table.ts";
import type { ClassSummary } from "./class-summary.ts";

/**
 * Columns for killed, throttled, failed and dropped appear only when some run has such outcomes, and the
 * wait to be placed (the shard wait under sim:xx) only when some run placed anything later than
 * its arrival.
 */
export function formatClassSummaries(rows: readonly ClassSummary[], prices: ReadonlyMap<number, readonly number[]>): string {
  const extra = (["killed", "throttled", "failed", "dropped"] as const).filter((k) => rows.some((r) => r[k] > 0));
  const placeWait = rows.some((r) => (r.placeWaitP99Ms ?? 0) > 0);
  return textTable(
    ["run", "backend", "class", "price", "count", "ok", ...extra, "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "slowdown p50", "p99", "p99.9", ...(placeWait ? ["place wait ms", "place wait p99"] : [])],
    rows.map((r) => [
      r.runId,
      r.backend,
      r.priceClass,
      prices.get(r.runId)?.[r.priceClass] ?? null,
      r.count,
      r.ok,
      ...extra.map((k) => r[k]),
      r.meanMs,
      r.p50Ms,
      r.p90Ms,
      r.p99Ms,
      r.p999Ms,
      r.p50Slowdown,
      r.p99Slowdown,
      r.p999Slowdown,
      ...(placeWait ? [r.placeWaitMeanMs, r.placeWaitP99Ms] : []),
    ]),
  );
}
