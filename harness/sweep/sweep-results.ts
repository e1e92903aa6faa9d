import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportRuns } from "../store/parquet-transfer.ts";
import { RunStore } from "../store/run-store.ts";

/**
 * The shared results directory of a sweep run by an engine. Every path a cell writes is its own
 * (no two tasks write one file) and a cell's result appears by an atomic rename, so the directory
 * can live on a shared filesystem (NFS, Lustre, a Kubernetes volume) read while tasks still run.
 *
 *   grid.json                  the sweep (sweep-spec.ts)
 *   job.sbatch                 the batch script (SLURM)
 *   submissions.json           one entry per sbatch: job id and the cells it ran (SLURM)
 *   logs/JOB_TASK.out          each array task's stdout and stderr (SLURM)
 *   cells/INDEX/ATTEMPT/       one attempt's run as Parquet (exportRuns) and attempt.json
 *   exits/INDEX.ATTEMPT        the cell command's exit code, written by the batch script after it
 */
export class SweepResultsDir {
  constructor(readonly dir: string) {}

  get gridFile(): string {
    return join(this.dir, "grid.json");
  }
  get scriptFile(): string {
    return join(this.dir, "job.sbatch");
  }
  get submissionsFile(): string {
    return join(this.dir, "submissions.json");
  }
  get logsDir(): string {
    return join(this.dir, "logs");
  }
  get exitsDir(): string {
    return join(this.dir, "exits");
  }
  cellDir(index: number): string {
    return join(this.dir, "cells", String(index));
  }

  /** The log SLURM writes for one array task (the batch script's `--output=logs/%A_%a.out`). */
  logFile(jobId: string, index: number): string {
    return join(this.logsDir, `${jobId}_${index}.out`);
  }

  create(): void {
    for (const d of [this.dir, this.logsDir, this.exitsDir, join(this.dir, "cells")]) mkdirSync(d, { recursive: true });
  }

  /** Attempts of a cell whose result is whole (renamed into place), oldest first by name. */
  attempts(index: number): string[] {
    const dir = this.cellDir(index);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
    return readdirSync(dir)
      .filter((name) => !name.includes(".partial-") && existsSync(join(dir, name, "runs.parquet")))
      .sort();
  }

  /** Exit codes the batch script recorded, by cell index then attempt. */
  exitCodes(): Map<number, Map<string, number>> {
    const codes = new Map<number, Map<string, number>>();
    if (!existsSync(this.exitsDir)) return codes;
    for (const name of readdirSync(this.exitsDir)) {
      const m = /^(\d+)\.(.+)$/.exec(name);
      if (m === null) continue;
      const code = Number(readFileSync(join(this.exitsDir, name), "utf8").trim());
      if (!Number.isInteger(code)) continue;
      const index = Number(m[1]);
      let byAttempt = codes.get(index);
      if (byAttempt === undefined) codes.set(index, (byAttempt = new Map()));
      byAttempt.set(m[2]!, code);
    }
    return codes;
  }

  /**
   * Exports every run of a cell's private store as Parquet under cells/INDEX/ATTEMPT: written
   * under a temporary name first, so a collector never reads half a result.
   */
  async exportAttempt(db: string, index: number, attempt: string, timings: Readonly<Record<string, number>> = {}): Promise<string> {
    const final = join(this.cellDir(index), attempt);
    const partial = `${final}.partial-${process.pid}`;
    mkdirSync(this.cellDir(index), { recursive: true });
    const store = await RunStore.open(db);
    try {
      const runs = await store.query(`SELECT run_id::INTEGER AS id, status, error FROM runs ORDER BY run_id`);
      if (runs.length === 0) throw new Error(`the cell's store ${db} holds no run to export`);
      await exportRuns(store, runs.map((r) => Number(r.id)), partial);
      writeFileSync(join(partial, "attempt.json"), `${JSON.stringify({ index, attempt, runs, timings: { ...timings, exportStartMs: epochMs() } }, null, 2)}\n`);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      throw error;
    } finally {
      store.close();
    }
    rmSync(final, { recursive: true, force: true });
    renameSync(partial, final);
    return final;
  }
}

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
