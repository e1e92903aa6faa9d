import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

export interface WindowQuantiles {
  readonly runId: number;
  readonly priceClass: number;
  /** Window start, seconds of trace time (by arrival). */
  readonly startS: number;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Fewer invocations than this in a window make its p99 an anecdote: such windows are left out. */
export const minWindowCount = 10;

/** A 1-2-5 window (≥ 100 ms) giving about `target` windows over the trace. */
export function windowMs(durationMs: number, target = 150): number {
  const raw = Math.max(100, durationMs / target);
  const decade = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (step * decade >= raw) return step * decade;
  return 10 * decade;
}

/**
 * p50 and p99 latency per run × class × window of arrival time. Windows are by arrival, so a
 * load spike shows where the invocations that suffered it arrived.
 */
export async function tailOverTime(store: RunStore, runs: readonly ReportRun[], window: number): Promise<WindowQuantiles[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class,
            floor(arrival_ms / ${window})::INTEGER AS win, count(*)::INTEGER AS n,
            quantile_cont(latency_ms, [0.5, 0.99]) AS qs
     FROM outcomes
     WHERE run_id IN (${runIdList(runs)}) AND status = 'ok'
     GROUP BY ALL HAVING count(*) >= ${minWindowCount} ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => {
    const qs = r.qs as number[];
    return {
      runId: Number(r.run_id),
      priceClass: Number(r.price_class),
      startS: significant((Number(r.win) * window) / 1000),
      count: Number(r.n),
      p50Ms: significant(Number(qs[0])),
      p99Ms: significant(Number(qs[1])),
    };
  });
}
