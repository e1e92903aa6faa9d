import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCellIntoFile, type SweepCellIdentity } from "./sweep-cell.ts";
import { epochMs, SweepResultsDir } from "./sweep-results.ts";
import { readSweepSpec } from "./sweep-spec.ts";

export interface CellTaskResult {
  readonly index: number;
  readonly attempt: string;
  readonly status: "complete" | "failed" | "interrupted";
  /** Where the run went (cells/INDEX/ATTEMPT), or null when nothing could be exported. */
  readonly resultDir: string | null;
  readonly error: string | null;
}

/**
 * Which execution of a cell this is, from the engine's environment: a SLURM array task
 * (`JOB_TASK`), a Kubernetes pod (its name), or a process run by hand.
 */
export function cellAttempt(env: NodeJS.ProcessEnv): { attempt: string; engine?: Record<string, string> } {
  const job = env.SLURM_ARRAY_JOB_ID;
  const task = env.SLURM_ARRAY_TASK_ID;
  if (job !== undefined && task !== undefined) return { attempt: `${job}_${task}`, engine: { kind: "slurm", jobId: `${job}_${task}`, host: hostname() } };
  if (env.JOB_COMPLETION_INDEX !== undefined) return { attempt: `k8s-${hostname()}`, engine: { kind: "k8s", pod: hostname() } };
  return { attempt: `local-${hostname()}-${process.pid}-${Date.now()}` };
}

/**
 * `xxbench sweep cell`: runs cell `index` of a grid file into a private DuckDB file on local disk
 * (the OS temp folder, e.g. a node's /tmp), then exports the run as Parquet into the grid's
 * directory. The run is exported whatever its status, so a failure is stored with its message.
 */
export async function runCellTask(gridFile: string, index: number, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<CellTaskResult> {
  const spec = readSweepSpec(gridFile);
  const cell = spec.cells[index];
  if (cell === undefined) throw new RangeError(`--index ${index} is not a cell of ${gridFile} (cells 0…${spec.cells.length - 1})`);
  const results = new SweepResultsDir(dirname(gridFile));
  const { attempt, engine } = cellAttempt(env);
  const identity: SweepCellIdentity = {
    sweepId: spec.sweepId,
    index,
    of: spec.cells.length,
    attempt,
    ...(engine !== undefined ? { engine: { ...engine, log: engine.kind === "slurm" ? results.logFile(env.SLURM_ARRAY_JOB_ID ?? "", index) : null } } : {}),
  };
  const scratch = mkdtempSync(join(tmpdir(), "xxbench-cell-"));
  const db = join(scratch, "cell.duckdb");
  let error: string | null = null;
  // Where a cell's wall time goes (process start, replay, export): the benchmark's per-cell overhead.
  const timings = { processStartMs: performance.timeOrigin, runStartMs: epochMs() };
  try {
    try {
      await runCellIntoFile({ cell, args: spec.args, db, sweep: spec.name, command: spec.commands[index] ?? [], identity, signal });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    let resultDir: string | null = null;
    if (existsSync(db)) {
      try {
        resultDir = await results.exportAttempt(db, index, attempt, timings);
      } catch (e) {
        error ??= `exporting the run to ${results.cellDir(index)} failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    const status = error === null && resultDir !== null ? "complete" : signal.aborted ? "interrupted" : "failed";
    return { index, attempt, status, resultDir, error: error ?? (resultDir === null ? "the cell stored no run" : null) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
