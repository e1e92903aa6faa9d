import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";

export interface ClassKills {
  readonly runId: number;
  readonly priceClass: number;
  readonly invocations: number;
  readonly killed: number;
}

/** Invocations killed per run × class (memory and swap exhausted), from their outcome rows. */
export async function killsPerClass(store: RunStore, runs: readonly ReportRun[]): Promise<ClassKills[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, price_class::INTEGER AS price_class, count(*)::DOUBLE AS n,
            count(*) FILTER (WHERE status = 'killed')::DOUBLE AS killed
     FROM invocations WHERE run_id IN (${runIdList(runs)})
     GROUP BY ALL ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), priceClass: Number(r.price_class), invocations: Number(r.n), killed: Number(r.killed) }));
}
