import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

export interface MachineSwap {
  readonly runId: number;
  readonly machine: number;
  readonly peakMb: number;
  readonly meanMb: number;
}

export interface ClassSwapOverTime {
  readonly runId: number;
  readonly priceClass: number;
  readonly tS: number;
  /** Swapped-out MB of the class summed over machines. */
  readonly swappedMb: number;
}

export interface ClassSwapTotal {
  readonly runId: number;
  readonly priceClass: number;
  readonly swappedOutMb: number;
  readonly swapOuts: number;
}

/** Peak and mean swap used per machine, from the machine samples. */
export async function swapPerMachine(store: RunStore, runs: readonly ReportRun[]): Promise<MachineSwap[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, machine::INTEGER AS machine, max(swap_used_mb) AS peak, avg(swap_used_mb) AS mean
     FROM machine_samples WHERE run_id IN (${runIdList(runs)}) AND swap_used_mb IS NOT NULL
     GROUP BY ALL ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), machine: Number(r.machine), peakMb: significant(Number(r.peak), 5), meanMb: significant(Number(r.mean), 5) }));
}

/** Swapped-out MB per class over time, summed over machines (needs the store's class_samples). */
export async function swapPerClassOverTime(store: RunStore, runs: readonly ReportRun[]): Promise<ClassSwapOverTime[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, t_ms, sum(swapped_mb) AS mb
     FROM class_samples WHERE run_id IN (${runIdList(runs)})
     GROUP BY ALL ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), priceClass: Number(r.price_class), tS: significant(Number(r.t_ms) / 1000), swappedMb: significant(Number(r.mb), 5) }));
}

/** What each class had swapped out over the run, from the invocations' own records. */
export async function swapPerClassTotal(store: RunStore, runs: readonly ReportRun[], withSwapOuts: boolean): Promise<ClassSwapTotal[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, sum(swapped_out_mb) AS mb,
            ${withSwapOuts ? "sum(swap_outs)::DOUBLE" : "0::DOUBLE"} AS outs
     FROM invocations WHERE run_id IN (${runIdList(runs)})
     GROUP BY ALL ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), priceClass: Number(r.price_class), swappedOutMb: significant(Number(r.mb), 5), swapOuts: Number(r.outs) }));
}
