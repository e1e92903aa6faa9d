import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

/** One point of an empirical CDF: a fraction `p` of the class's completed invocations took ≤ `latencyMs`. */
export interface CdfPoint {
  readonly runId: number;
  readonly priceClass: number;
  readonly p: number;
  /**
   * The fraction that took longer (1 − p), counted rather than subtracted: at p = 0.9999 the
   * difference of two rounded numbers would lose the tail the CCDF is drawn to show.
   */
  readonly slower: number;
  /** Completed invocations of the run's class: 1 ÷ count is the smallest nonzero `slower`. */
  readonly count: number;
  readonly latencyMs: number;
}

/** Grid points per decade of latency: steps of 10^(1/40) ≈ 6 %, finer than a plot can show. */
export const cdfStepsPerDecade = 40;

/**
 * The empirical CDF evaluated exactly at a log-spaced latency grid: count invocations per grid
 * cell, then a running sum. One hash aggregation per run — a quantile list of a hundred
 * probabilities costs DuckDB one selection per probability, 30× slower on millions of rows.
 */
export async function latencyCdf(store: RunStore, runs: readonly ReportRun[]): Promise<CdfPoint[]> {
  const rows = await store.query(
    `WITH cells AS (
       SELECT run_id, price_class, ceil(log10(latency_ms) * ${cdfStepsPerDecade})::INTEGER AS cell, count(*) AS n
       FROM outcomes
       WHERE run_id IN (${runIdList(runs)}) AND status = 'ok' AND latency_ms > 0
       GROUP BY ALL
     )
     SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, cell,
            sum(n) OVER (PARTITION BY run_id, price_class ORDER BY cell)::DOUBLE AS below,
            sum(n) OVER (PARTITION BY run_id, price_class)::DOUBLE AS total
     FROM cells ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({
    runId: Number(r.run_id),
    priceClass: Number(r.price_class),
    p: significant(Number(r.below) / Number(r.total)),
    slower: significant((Number(r.total) - Number(r.below)) / Number(r.total)),
    count: Number(r.total),
    latencyMs: significant(10 ** (Number(r.cell) / cdfStepsPerDecade)),
  }));
}
