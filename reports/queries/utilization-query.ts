import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";

/** Spread of compute utilization over a run's machines and sample times. */
export interface UtilizationSpread {
  readonly runId: number;
  readonly samples: number;
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/**
 * Utilization quantiles over every machine × sample while invocations still arrive: samples
 * taken after the last arrival show the cluster draining, not the offered load.
 */
export async function utilizationSpread(store: RunStore, runs: readonly ReportRun[]): Promise<UtilizationSpread[]> {
  const cutoff = runs.map((r) => `(${r.runId}, ${Number.isFinite(r.lastArrivalMs) ? r.lastArrivalMs : "'Infinity'::DOUBLE"})`).join(",");
  const rows = await store.query(
    `WITH cut(run_id, last_ms) AS (VALUES ${cutoff})
     SELECT s.run_id::INTEGER AS run_id, count(*)::DOUBLE AS n, avg(utilization) AS mean,
            quantile_cont(utilization, [0.1, 0.5, 0.9]) AS qs
     FROM machine_samples s JOIN cut USING (run_id)
     WHERE s.run_id IN (${runIdList(runs)}) AND s.t_ms <= cut.last_ms
     GROUP BY ALL ORDER BY 1`,
  );
  return rows.map((r) => {
    const qs = r.qs as number[];
    return {
      runId: Number(r.run_id),
      samples: Number(r.n),
      mean: significant(Number(r.mean), 4),
      p10: significant(Number(qs[0]), 4),
      p50: significant(Number(qs[1]), 4),
      p90: significant(Number(qs[2]), 4),
    };
  });
}
