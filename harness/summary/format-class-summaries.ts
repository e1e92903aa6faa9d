import { textTable } from "../cli/text-table.ts";
import type { ClassSummary } from "./class-summary.ts";

export function formatClassSummaries(rows: readonly ClassSummary[], prices: ReadonlyMap<number, readonly number[]>): string {
  return textTable(
    ["run", "backend", "class", "price", "count", "ok", "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "slowdown p50", "p99", "p99.9"],
    rows.map((r) => [
      r.runId,
      r.backend,
      r.priceClass,
      prices.get(r.runId)?.[r.priceClass] ?? null,
      r.count,
      r.ok,
      r.meanMs,
      r.p50Ms,
      r.p90Ms,
      r.p99Ms,
      r.p999Ms,
      r.p50Slowdown,
      r.p99Slowdown,
      r.p999Slowdown,
    ]),
  );
}
