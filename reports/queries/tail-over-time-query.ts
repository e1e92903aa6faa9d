import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

export interface WindowQuantiles {
  readonly runId: number;
  readonly priceClass: number;
  /** Window index: the window starts at index × window length, in trace time (by arrival). */
  readonly window: number;
  /** Completed invocations of the class that arrived in the window. */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * The fewest completed invocations in a window for each quantile to be drawn. Below 100, a p99 is
 * the window's slowest invocation or close to it (nearest rank: no invocation lies above it), an
 * anecdote rather than a tail; from 100 on, at least one invocation lies above it. A median is
 * steadier: 10 keep a single slow invocation from being the line.
 */
export const minWindowCount = { p99: 100, p50: 10 } as const;

/** Window lengths: 1-2-5 steps from 100 ms. */
function niceWindowAtLeast(ms: number): number {
  const raw = Math.max(100, ms);
  const decade = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (step * decade >= raw) return step * decade;
  return 10 * decade;
}

/**
 * The window: a 1-2-5 length giving about 150 windows over the trace, lengthened until the
 * sparsest class (fewest completed invocations of any run × class) expects `minWindowCount.p99`
 * per window, but never so long that fewer than about 20 windows remain: a short run then shows
 * a readable tail, and a long one keeps its time resolution. Windows still short of the minimum
 * are marked on the chart, not drawn.
 */
export function windowMs(durationMs: number, sparsestClassCount = Number.POSITIVE_INFINITY): number {
  const fine = niceWindowAtLeast(durationMs / 150);
  const coarsest = Math.max(fine, niceWindowAtLeast(durationMs / 20));
  const filled = sparsestClassCount > 0 ? (minWindowCount.p99 * durationMs) / sparsestClassCount : Number.POSITIVE_INFINITY;
  return Math.min(coarsest, Math.max(fine, niceWindowAtLeast(filled)));
}

export interface ClassCompletions {
  readonly runId: number;
  readonly priceClass: number;
  readonly count: number;
  /** Latest arrival among them: the time axis of a run that never recorded its last arrival. */
  readonly lastArrivalMs: number;
}

/** Completed invocations per run × class: what the window length is chosen from. */
export async function completedPerClass(store: RunStore, runs: readonly ReportRun[]): Promise<ClassCompletions[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, count(*)::DOUBLE AS n, max(arrival_ms)::DOUBLE AS last
     FROM outcomes WHERE run_id IN (${runIdList(runs)}) AND status = 'ok' GROUP BY ALL ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), priceClass: Number(r.price_class), count: Number(r.n), lastArrivalMs: Number(r.last) }));
}

/**
 * p50 and p99 latency per run × class × window of arrival time, for every window holding at least
 * one completed invocation (the chart decides, by count, which it may draw). Windows are by
 * arrival, so a load spike shows where the invocations that suffered it arrived.
 */
export async function tailOverTime(store: RunStore, runs: readonly ReportRun[], window: number): Promise<WindowQuantiles[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class,
            floor(arrival_ms / ${window})::INTEGER AS win, count(*)::INTEGER AS n,
            quantile_cont(latency_ms, [0.5, 0.99]) AS qs
     FROM outcomes
     WHERE run_id IN (${runIdList(runs)}) AND status = 'ok'
     GROUP BY ALL ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => {
    const qs = r.qs as number[];
    return {
      runId: Number(r.run_id),
      priceClass: Number(r.price_class),
      window: Number(r.win),
      count: Number(r.n),
      p50Ms: significant(Number(qs[0])),
      p99Ms: significant(Number(qs[1])),
    };
  });
}
