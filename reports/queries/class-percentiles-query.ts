import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significantOrNull } from "../significant.ts";

export interface ClassPercentiles {
  readonly runId: number;
  readonly priceClass: number;
  readonly count: number;
  readonly ok: number;
  readonly killed: number;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly p50Slowdown: number | null;
  readonly p99Slowdown: number | null;
}

/**
 * Latency and slowdown percentiles per run × class over completed invocations (the same
 * definition as `xxbench summary`), with one quantile list per measure so DuckDB sorts each
 * group once per measure.
 */
export async function classPercentiles(store: RunStore, runs: readonly ReportRun[]): Promise<ClassPercentiles[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, count(*)::DOUBLE AS n,
            count(*) FILTER (WHERE status = 'ok')::DOUBLE AS ok,
            count(*) FILTER (WHERE status = 'killed')::DOUBLE AS killed,
            quantile_cont(latency_ms, [0.5, 0.9, 0.99, 0.999]) FILTER (WHERE status = 'ok') AS lat,
            quantile_cont(slowdown, [0.5, 0.99]) FILTER (WHERE status = 'ok') AS sd
     FROM outcomes WHERE run_id IN (${runIdList(runs)})
     GROUP BY ALL ORDER BY 1, 2`,
  );
  return rows.map((r) => {
    const lat = (r.lat as number[] | null) ?? [];
    const sd = (r.sd as number[] | null) ?? [];
    return {
      runId: Number(r.run_id),
      priceClass: Number(r.price_class),
      count: Number(r.n),
      ok: Number(r.ok),
      killed: Number(r.killed),
      p50Ms: significantOrNull(lat[0]),
      p90Ms: significantOrNull(lat[1]),
      p99Ms: significantOrNull(lat[2]),
      p999Ms: significantOrNull(lat[3]),
      p50Slowdown: significantOrNull(sd[0]),
      p99Slowdown: significantOrNull(sd[1]),
    };
  });
}
