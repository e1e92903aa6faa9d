import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

/** Memory used across a run's machines at one sample time. */
export interface MemorySpread {
  readonly runId: number;
  readonly tS: number;
  readonly min: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
}

/** Runs whose machine samples carry memory: the backends that model it. */
export async function runsWithMemory(store: RunStore, runs: readonly ReportRun[]): Promise<Set<number>> {
  const rows = await store.query(
    `SELECT DISTINCT run_id::INTEGER AS run_id FROM machine_samples WHERE run_id IN (${runIdList(runs)}) AND mem_used_mb IS NOT NULL ORDER BY 1`,
  );
  return new Set(rows.map((r) => Number(r.run_id)));
}

/** Spread of memory used (MB) across machines per sample time: the seeds' memory-utilization panel. */
export async function memorySpread(store: RunStore, runs: readonly ReportRun[]): Promise<MemorySpread[]> {
  const rows = await store.query(
    `SELECT run_id, t_ms, qs[1] AS min, qs[2] AS p10, qs[3] AS p50, qs[4] AS p90, qs[5] AS max
     FROM (SELECT run_id::INTEGER AS run_id, t_ms, quantile_cont(mem_used_mb, [0, 0.1, 0.5, 0.9, 1]) AS qs
           FROM machine_samples WHERE run_id IN (${runIdList(runs)}) AND mem_used_mb IS NOT NULL
           GROUP BY ALL)
     ORDER BY 1, 2`,
  );
  const mb = (v: unknown): number => significant(Number(v), 5);
  return rows.map((r) => ({ runId: Number(r.run_id), tS: significant(Number(r.t_ms) / 1000), min: mb(r.min), p10: mb(r.p10), p50: mb(r.p50), p90: mb(r.p90), max: mb(r.max) }));
}
