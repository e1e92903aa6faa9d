import type { RunStore } from "../../harness/store/run-store.ts";
import { sendRatePerSecond, type SecondRate } from "../../harness/summary/send-rate.ts";
import { sendingSummaries, type SendingSummary } from "../../harness/summary/sending-summary.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";
import { cdfStepsPerDecade } from "./latency-cdf-query.ts";

/**
 * Lateness at or below this is drawn at it: a log axis has no place for 0 or for a request sent
 * early, and below 10 µs the driver's own clock reading is the noise.
 */
export const latenessFloorMs = 0.01;

/** One point of a run's lateness CDF: a fraction `p` of its sent requests left ≤ `latenessMs` late. */
export interface LatenessCdfPoint {
  readonly runId: number;
  readonly p: number;
  /** Grid value; the lowest point of a run is `latenessFloorMs` and holds every send at or below it. */
  readonly latenessMs: number;
}

/** How many of a run's sends were at or below the floor (on time, early, or within 10 µs). */
export interface LatenessFloorShare {
  readonly runId: number;
  readonly sent: number;
  readonly atFloor: number;
}

/**
 * The empirical CDF of lateness (sent − intended) per run at the latency CDF's log grid, with
 * lateness clamped up to the floor: exact fractions, one aggregation per run.
 */
export async function latenessCdf(store: RunStore, runs: readonly ReportRun[]): Promise<{ points: LatenessCdfPoint[]; floor: LatenessFloorShare[] }> {
  const rows = await store.query(
    `WITH cells AS (
       SELECT run_id, ceil(log10(greatest(lateness_ms, ${latenessFloorMs})) * ${cdfStepsPerDecade})::INTEGER AS cell, count(*) AS n
       FROM outcomes
       WHERE run_id IN (${runIdList(runs)}) AND lateness_ms IS NOT NULL
       GROUP BY ALL
     )
     SELECT run_id::INTEGER AS run_id, cell, n::DOUBLE AS n,
            sum(n) OVER (PARTITION BY run_id ORDER BY cell)::DOUBLE AS below,
            sum(n) OVER (PARTITION BY run_id)::DOUBLE AS total
     FROM cells ORDER BY 1, 2`,
  );
  const floorCell = Math.ceil(Math.log10(latenessFloorMs) * cdfStepsPerDecade);
  const points = rows.map((r) => ({
    runId: Number(r.run_id),
    p: significant(Number(r.below) / Number(r.total)),
    latenessMs: significant(10 ** (Number(r.cell) / cdfStepsPerDecade)),
  }));
  const floor = runs.flatMap((run) => {
    const own = rows.filter((r) => Number(r.run_id) === run.runId);
    const first = own[0];
    if (first === undefined) return [];
    const atFloor = Number(first.cell) === floorCell ? Number(first.n) : 0;
    return [{ runId: run.runId, sent: Number(first.total), atFloor }];
  });
  return { points, floor };
}

/** What the fidelity section reads about its network runs. */
export interface Fidelity {
  readonly sending: readonly SendingSummary[];
  readonly rates: readonly SecondRate[];
}

export async function fidelity(store: RunStore, runs: readonly ReportRun[]): Promise<Fidelity> {
  const ids = runs.map((r) => r.runId);
  return { sending: await sendingSummaries(store, ids), rates: await sendRatePerSecond(store, ids) };
}
