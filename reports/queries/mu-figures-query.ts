import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";

/** One sim:faas or sim:mu run, as seed 004's Figures 2–4 read it. */
export interface MuFigurePoint {
  readonly runId: number;
  readonly backend: string;
  readonly memoryMb: number;
  readonly tasks: number;
  /** The run's cost scaled to a million tasks, USD (Figure 2). */
  readonly usdPerMillion: number;
  /** Lambda invocations the run made: one per task under faas, one per worker under μ (Figure 3). */
  readonly instanceInvocations: number | null;
  readonly coldStarts: number | null;
  /** From the first arrival to the last completion, s: the time to complete all tasks (Figure 4). */
  readonly makespanS: number;
  readonly meanLatencyS: number;
}

/** The Lambda-modelling runs' cost, instance invocations and completion time, per run, from rows and manifests. */
export async function muFigurePoints(store: RunStore, runs: readonly ReportRun[]): Promise<MuFigurePoint[]> {
  const lambdaRuns = runs.filter((r) => r.backend === "sim:faas" || r.backend === "sim:mu");
  if (lambdaRuns.length === 0) return [];
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, any_value(backend) AS backend,
            (any_value(config)->>'memoryMb')::DOUBLE AS memory_mb,
            count(*)::DOUBLE AS tasks,
            sum(cost_micro_cents) / 1e8 * 1e6 / count(*) AS usd_per_million,
            (json_extract(any_value(manifest), '$.summary.counters.instanceInvocations'))::DOUBLE AS instance_invocations,
            (json_extract(any_value(manifest), '$.summary.counters.coldStarts'))::DOUBLE AS cold_starts,
            (max(end_ms) - min(arrival_ms)) / 1000 AS makespan_s,
            avg(end_ms - arrival_ms) / 1000 AS mean_latency_s
     FROM invocations JOIN runs USING (run_id)
     WHERE run_id IN (${runIdList(lambdaRuns)})
     GROUP BY run_id ORDER BY memory_mb, backend, run_id`,
  );
  return rows.map((r) => ({
    runId: Number(r.run_id),
    backend: String(r.backend),
    memoryMb: Number(r.memory_mb),
    tasks: Number(r.tasks),
    usdPerMillion: Number(r.usd_per_million),
    instanceInvocations: r.instance_invocations === null ? null : Number(r.instance_invocations),
    coldStarts: r.cold_starts === null ? null : Number(r.cold_starts),
    makespanS: Number(r.makespan_s),
    meanLatencyS: Number(r.mean_latency_s),
  }));
}
