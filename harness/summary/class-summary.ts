import type { RunStore } from "../store/run-store.ts";

/** Latency and slowdown of one run's invocations of one price class. */
export interface ClassSummary {
  readonly runId: number;
  readonly backend: string;
  readonly priceClass: number;
  readonly count: number;
  readonly ok: number;
  readonly killed: number;
  readonly throttled: number;
  /** Failed or timed out. */
  readonly failed: number;
  /** Never sent (a network driver's in-flight bound was full): ok + killed + throttled + failed + dropped = count. */
  readonly dropped: number;
  readonly meanMs: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly meanSlowdown: number | null;
  readonly p50Slowdown: number | null;
  readonly p99Slowdown: number | null;
  readonly p999Slowdown: number | null;
  /**
   * Time from arrival until placed on a machine (placed − arrival), over every placed invocation:
   * under sim:xx the wait in the shard (its multi-queue plus the placement itself); under late
   * binding the time held before a core took it; 0 where a policy places on arrival.
   */
  readonly placeWaitMeanMs: number | null;
  readonly placeWaitP99Ms: number | null;
}

/**
 * Percentiles computed by DuckDB over the stored rows; latency counts only completed invocations,
 * the wait to be placed every invocation that was placed (killed ones too).
 */
export async function classSummaries(store: RunStore, runIds: readonly number[]): Promise<ClassSummary[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query(
    `SELECT o.run_id::INTEGER AS run_id, r.backend, o.price_class::INTEGER AS price_class,
            count(*)::INTEGER AS count,
            count(*) FILTER (WHERE o.status = 'ok')::INTEGER AS ok,
            count(*) FILTER (WHERE o.status = 'killed')::INTEGER AS killed,
            count(*) FILTER (WHERE o.status = 'throttled')::INTEGER AS throttled,
            count(*) FILTER (WHERE o.status IN ('failed', 'timeout'))::INTEGER AS failed,
            count(*) FILTER (WHERE o.status = 'dropped')::INTEGER AS dropped,
            avg(latency_ms) FILTER (WHERE o.status = 'ok') AS mean_ms,
            quantile_cont(latency_ms, 0.5) FILTER (WHERE o.status = 'ok') AS p50,
            quantile_cont(latency_ms, 0.9) FILTER (WHERE o.status = 'ok') AS p90,
            quantile_cont(latency_ms, 0.99) FILTER (WHERE o.status = 'ok') AS p99,
            quantile_cont(latency_ms, 0.999) FILTER (WHERE o.status = 'ok') AS p999,
            avg(slowdown) FILTER (WHERE o.status = 'ok') AS mean_sd,
            quantile_cont(slowdown, 0.5) FILTER (WHERE o.status = 'ok') AS p50_sd,
            quantile_cont(slowdown, 0.99) FILTER (WHERE o.status = 'ok') AS p99_sd,
            quantile_cont(slowdown, 0.999) FILTER (WHERE o.status = 'ok') AS p999_sd,
            avg(o.placed_ms - o.arrival_ms) AS place_wait_mean,
            quantile_cont(o.placed_ms - o.arrival_ms, 0.99) AS place_wait_p99
     FROM outcomes o JOIN runs r USING (run_id)
     WHERE o.run_id IN (SELECT unnest($ids::INTEGER[]))
     GROUP BY ALL
     ORDER BY 1, 3`,
    { ids: `[${runIds.join(",")}]` },
  );
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    runId: Number(r.run_id),
    backend: String(r.backend),
    priceClass: Number(r.price_class),
    count: Number(r.count),
    ok: Number(r.ok),
    killed: Number(r.killed),
    throttled: Number(r.throttled),
    failed: Number(r.failed),
    dropped: Number(r.dropped),
    meanMs: num(r.mean_ms),
    p50Ms: num(r.p50),
    p90Ms: num(r.p90),
    p99Ms: num(r.p99),
    p999Ms: num(r.p999),
    meanSlowdown: num(r.mean_sd),
    p50Slowdown: num(r.p50_sd),
    p99Slowdown: num(r.p99_sd),
    p999Slowdown: num(r.p999_sd),
    placeWaitMeanMs: num(r.place_wait_mean),
    placeWaitP99Ms: num(r.place_wait_p99),
  }));
}
