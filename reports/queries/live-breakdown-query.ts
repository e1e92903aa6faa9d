import type { RunStore } from "../../harness/store/run-store.ts";
import type { ReportRun } from "../report-runs.ts";

/**
 * The parts a live invocation's client latency (end − intended send) splits into, in the order
 * time passes. They add up to the latency row by row, so their means add up to the mean latency:
 * - lateness: the driver sent after the trace said (actual − intended send);
 * - network: what the plane's own clocks do not account for: the loopback hops, the gateway's
 *   work and the placement round trip beyond the shard's queue (response − the plane's parts);
 * - shardQueue: waited in the shard's multi-queue;
 * - machineQueue: waited on the machine before first CPU, the cold start left out;
 * - coldStart: starting a function process when none was idle;
 * - preempted: stopped by preemption;
 * - swapIn: reading swapped-out pages back;
 * - execution: running (the plane's execution less preempted and swap-in time).
 */
export const breakdownParts = ["lateness", "network", "shardQueue", "machineQueue", "coldStart", "preempted", "swapIn", "execution"] as const;
export type BreakdownPart = (typeof breakdownParts)[number];

/** Each part's SQL over the `outcomes` view's columns. */
const partSql: Readonly<Record<BreakdownPart, string>> = {
  lateness: "sent_ms - arrival_ms",
  network: "(end_ms - sent_ms) - shard_queue_ms - machine_queue_ms - server_exec_ms",
  shardQueue: "shard_queue_ms",
  machineQueue: "machine_queue_ms - cold_start_ms",
  coldStart: "cold_start_ms",
  preempted: "preempted_ms",
  swapIn: "swap_in_ms",
  execution: "server_exec_ms - preempted_ms - swap_in_ms",
};

/** One run × price class: the mean and the median of the latency and of each part, ms. */
export interface LiveBreakdownRow {
  readonly runId: number;
  readonly priceClass: number;
  /** ok invocations with the plane's whole breakdown: the rows the figures are over. */
  readonly invocations: number;
  readonly latencyMeanMs: number;
  readonly latencyP50Ms: number;
  readonly meanMs: Readonly<Record<BreakdownPart, number>>;
  readonly p50Ms: Readonly<Record<BreakdownPart, number>>;
}

/** Rows that carry the plane's whole breakdown: ok answers from the live plane. */
const hasBreakdown = `status = 'ok' AND sent_ms IS NOT NULL AND end_ms IS NOT NULL AND server_exec_ms IS NOT NULL
  AND shard_queue_ms IS NOT NULL AND machine_queue_ms IS NOT NULL AND cold_start_ms IS NOT NULL AND preempted_ms IS NOT NULL AND swap_in_ms IS NOT NULL`;

/** The runs with the plane's breakdown (live runs); the section is absent without any. */
export async function liveBreakdownRunIds(store: RunStore, runs: readonly ReportRun[]): Promise<number[]> {
  if (runs.length === 0) return [];
  const rows = await store.query(
    `SELECT DISTINCT run_id::INTEGER AS run_id FROM invocation_rows WHERE run_id IN (${runs.map((r) => r.runId).join(",")}) AND ${hasBreakdown} ORDER BY run_id`,
  );
  return rows.map((r) => Number(r.run_id));
}

export async function liveBreakdownRows(store: RunStore, runIds: readonly number[]): Promise<LiveBreakdownRow[]> {
  if (runIds.length === 0) return [];
  const columns = breakdownParts.map((p, i) => `avg(${partSql[p]}) AS mean_${i}, quantile_cont(${partSql[p]}, 0.5) AS p50_${i}`).join(",\n            ");
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, count(*)::INTEGER AS n,
            avg(latency_ms) AS latency_mean, quantile_cont(latency_ms, 0.5) AS latency_p50,
            ${columns}
     FROM outcomes WHERE run_id IN (${runIds.join(",")}) AND ${hasBreakdown}
     GROUP BY ALL ORDER BY run_id, price_class`,
  );
  const partsOf = (r: Record<string, unknown>, prefix: string): Record<BreakdownPart, number> =>
    Object.fromEntries(breakdownParts.map((p, i) => [p, Number(r[`${prefix}_${i}`])])) as Record<BreakdownPart, number>;
  return rows.map((r) => ({
    runId: Number(r.run_id),
    priceClass: Number(r.price_class),
    invocations: Number(r.n),
    latencyMeanMs: Number(r.latency_mean),
    latencyP50Ms: Number(r.latency_p50),
    meanMs: partsOf(r, "mean"),
    p50Ms: partsOf(r, "p50"),
  }));
}
