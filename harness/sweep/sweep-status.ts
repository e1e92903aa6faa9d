import type { RunStore } from "../store/run-store.ts";

/** A stored run that is a cell of a sweep (its manifest's `sweepCell`). */
export interface StoredCellRun {
  readonly runId: number;
  readonly index: number;
  readonly attempt: string;
  readonly status: string;
  readonly error: string | null;
  readonly jobId: string | null;
  readonly exitCode: string | null;
  /** The engine's state for the attempt (SLURM's CANCELLED, TIMEOUT, …), when collect saw one. */
  readonly engineState: string | null;
  readonly log: string | null;
}

/** Every stored run of one sweep, oldest first. */
export async function storedSweepCells(store: RunStore, sweepId: string): Promise<StoredCellRun[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, (manifest->>'$.sweepCell.index')::INTEGER AS idx, manifest->>'$.sweepCell.attempt' AS attempt,
            status, error, manifest->>'$.sweepCell.engine.jobId' AS job_id, manifest->>'$.sweepCell.engine.exitCode' AS exit_code,
            manifest->>'$.sweepCell.engine.log' AS log, manifest->>'$.sweepCell.engine.state' AS engine_state
     FROM runs WHERE manifest->>'$.sweepCell.sweepId' = $id ORDER BY run_id`,
    { id: sweepId },
  );
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    runId: Number(r.run_id),
    index: Number(r.idx),
    attempt: String(r.attempt),
    status: String(r.status),
    error: text(r.error),
    jobId: text(r.job_id),
    exitCode: text(r.exit_code),
    engineState: text(r.engine_state),
    log: text(r.log),
  }));
}

/** A sweep as the store records it: complete only when every cell of its grid has a complete run. */
export interface SweepStatus {
  readonly name: string;
  readonly sweepId: string;
  readonly cells: number;
  readonly completeCells: number;
  /** Stored runs that are not complete (failed or cancelled attempts, placeholders included). */
  readonly unfinishedRuns: number;
  readonly status: "complete" | "incomplete";
  readonly firstRun: number;
}

/**
 * Sweep-level status from the runs alone: each run of a sweep carries its cell index and the
 * grid's size in its manifest, so a sweep with a missing cell reads as incomplete without a
 * table of its own.
 */
export async function sweepStatuses(store: RunStore, name?: string): Promise<SweepStatus[]> {
  const rows = await store.query(
    `SELECT any_value(sweep) AS name, manifest->>'$.sweepCell.sweepId' AS sweep_id, max((manifest->>'$.sweepCell.of')::INTEGER) AS cells,
            count(DISTINCT (manifest->>'$.sweepCell.index')::INTEGER) FILTER (WHERE status = 'complete')::INTEGER AS complete_cells,
            count(*) FILTER (WHERE status <> 'complete')::INTEGER AS unfinished, min(run_id)::INTEGER AS first_run
     FROM runs WHERE manifest->>'$.sweepCell.sweepId' IS NOT NULL ${name !== undefined ? "AND sweep = $name" : ""}
     GROUP BY sweep_id ORDER BY first_run`,
    name !== undefined ? { name } : undefined,
  );
  return rows.map((r) => {
    const cells = Number(r.cells);
    const completeCells = Number(r.complete_cells);
    return {
      name: String(r.name),
      sweepId: String(r.sweep_id),
      cells,
      completeCells,
      unfinishedRuns: Number(r.unfinished),
      status: completeCells === cells ? "complete" : "incomplete",
      firstRun: Number(r.first_run),
    };
  });
}
