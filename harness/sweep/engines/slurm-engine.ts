import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { EngineAttempt } from "../sweep-collect.ts";
import type { SweepProgress } from "../sweep-progress.ts";
import type { SweepResultsDir } from "../sweep-results.ts";
import type { SweepEngineSettings, SweepSpec } from "../sweep-spec.ts";
import { arrayRanges, attemptState, exitCodeText, parseSqueue, type QueuedTask } from "./slurm-queue.ts";

export type SlurmSettings = Extract<SweepEngineSettings, { kind: "slurm" }>;

/** One `sbatch --array` of a sweep: the first, or a resubmission of missing cells. */
export interface SlurmSubmission {
  readonly jobId: string;
  readonly indices: readonly number[];
  readonly submittedAt: string;
}

/** A SLURM client command failed: the message is the command and its own words. */
export class SlurmCommandError extends Error {}

/** Every client call is bounded in time: a hung slurmctld must not hang the sweep forever. */
const clientTimeoutMs = 60_000;

function slurm(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: clientTimeoutMs, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        const why = missing ? "not found on PATH (is SLURM's client installed, or a `module load slurm` needed?)" : (stderr.trim().split("\n").at(-1) ?? error.message);
        reject(new SlurmCommandError(`${command} ${args.join(" ")}: ${why}`));
      } else resolve(stdout);
    });
  });
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The batch script every array task runs: one grid cell, chosen by SLURM_ARRAY_TASK_ID. It
 * records the cell command's exit code beside the results, so a failure is known even after
 * SLURM has forgotten the job (no accounting database needed).
 */
export function slurmBatchScript(spec: SweepSpec, settings: SlurmSettings, results: SweepResultsDir): string {
  const directives = [
    `--job-name=xxbench-${spec.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    `--output=${results.logsDir}/%A_%a.out`,
    `--cpus-per-task=${settings.cpusPerTask}`,
    ...(settings.partition !== undefined ? [`--partition=${settings.partition}`] : []),
    ...(settings.time !== undefined ? [`--time=${settings.time}`] : []),
  ];
  return [
    "#!/bin/bash",
    ...directives.map((d) => `#SBATCH ${d}`),
    `# xxbench sweep "${spec.name}" (${spec.sweepId}), ${spec.cells.length} cells: one array task per cell.`,
    "# Written by `xxbench sweep --engine slurm`; `xxbench sweep resume` submits it again for missing cells.",
    ...(settings.prelude.trim() !== "" ? ["", "# --sbatch-prelude", settings.prelude.trimEnd(), ""] : []),
    `XXBENCH_NODE=\${XXBENCH_NODE:-${shellQuote(settings.node)}}`,
    `XXBENCH_CLI=\${XXBENCH_CLI:-${shellQuote(settings.cli)}}`,
    `results=${shellQuote(results.dir)}`,
    "attempt=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}",
    "# scancel and the time limit send SIGTERM to every process of the task: the cell stores its run",
    "# as interrupted and exits; this trap keeps bash alive until then so the exit code is recorded.",
    `trap 'echo "xxbench: SIGTERM from SLURM, cell $SLURM_ARRAY_TASK_ID is stopping" >&2' TERM`,
    `"$XXBENCH_NODE" "$XXBENCH_CLI" sweep cell --grid "$results/grid.json" --index "$SLURM_ARRAY_TASK_ID"`,
    "code=$?",
    `printf '%s\\n' "$code" > "$results/exits/$SLURM_ARRAY_TASK_ID.$attempt"`,
    "exit $code",
    "",
  ].join("\n");
}

/** A sweep handed to SLURM: submits its array, waits on the queue, tells what became of each task. */
export class SlurmEngine {
  constructor(
    private readonly spec: SweepSpec,
    private readonly settings: SlurmSettings,
    private readonly results: SweepResultsDir,
  ) {}

  submissions(): SlurmSubmission[] {
    const file = this.results.submissionsFile;
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SlurmSubmission[]) : [];
  }

  /** One `sbatch --array` for these cells; the submission is recorded before it returns. */
  async submit(indices: readonly number[]): Promise<SlurmSubmission> {
    writeFileSync(this.results.scriptFile, slurmBatchScript(this.spec, this.settings, this.results), { mode: 0o755 });
    const out = await slurm("sbatch", [
      "--parsable",
      `--array=${arrayRanges(indices, this.settings.maxParallel)}`,
      ...this.settings.sbatchOptions,
      this.results.scriptFile,
    ]);
    const jobId = out.trim().split(";")[0] ?? "";
    if (!/^\d+$/.test(jobId)) throw new SlurmCommandError(`sbatch printed "${out.trim()}", not a job id`);
    const submission = { jobId, indices: [...indices], submittedAt: new Date().toISOString() };
    writeFileSync(this.results.submissionsFile, `${JSON.stringify([...this.submissions(), submission], null, 2)}\n`);
    return submission;
  }

  /** Tasks of a job that SLURM still lists (every state when `all`, else only queued and running). */
  private async queued(jobId: string, all: boolean): Promise<QueuedTask[]> {
    try {
      return parseSqueue(await slurm("squeue", ["-h", "-j", jobId, ...(all ? ["-t", "all"] : []), "-O", "JobArrayID:64,State:24,exit_code:12"]));
    } catch (error) {
      // Past MinJobAge slurmctld forgets a finished job and squeue calls the id invalid.
      if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.message)) return [];
      throw error;
    }
  }

  /** Where SLURM's memory of a job has lapsed, its accounting (if the cluster keeps one) still knows. */
  private async accounted(jobId: string): Promise<QueuedTask[]> {
    try {
      const out = await slurm("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", "JobID,State,ExitCode"]);
      return out
        .split("\n")
        .map((line) => line.split("|"))
        .flatMap(([id, state, exit]) => {
          const m = /^(\d+)_(\d+)$/.exec(id ?? "");
          const code = /^(\d+):(\d+)$/.exec(exit ?? "");
          return m && state ? [{ jobId: m[1]!, task: Number(m[2]), state, waitStatus: code ? Number(code[1]) * 256 + Number(code[2]) : null }] : [];
        });
    } catch {
      return []; // No accounting storage (as on the private test cluster): the exit files must do.
    }
  }

  /** Every submitted task as SLURM (or, failing that, the batch script's exit file) records it. */
  async attempts(): Promise<EngineAttempt[]> {
    const exits = this.results.exitCodes();
    const attempts: EngineAttempt[] = [];
    for (const s of this.submissions()) {
      let tasks = await this.queued(s.jobId, true);
      if (tasks.length === 0) tasks = await this.accounted(s.jobId);
      for (const index of s.indices) {
        const attempt = `${s.jobId}_${index}`;
        // A task cancelled before it started has no log.
        const logPath = this.results.logFile(s.jobId, index);
        const log = existsSync(logPath) ? logPath : null;
        const task = tasks.find((t) => t.task === index);
        const code = exits.get(index)?.get(attempt);
        if (task !== undefined) {
          attempts.push({ index, attempt, jobId: attempt, state: attemptState(task.state), engineState: task.state, exitCode: exitCodeText(task.waitStatus), log });
        } else if (code !== undefined) {
          attempts.push({ index, attempt, jobId: attempt, state: code === 0 ? "succeeded" : "failed", engineState: code === 0 ? "COMPLETED" : `EXITED ${code}`, exitCode: `${code}:0`, log });
        } else if (this.results.attempts(index).includes(attempt)) {
          attempts.push({ index, attempt, jobId: attempt, state: "succeeded", engineState: "COMPLETED", exitCode: null, log });
        } else {
          attempts.push({ index, attempt, jobId: attempt, state: "failed", engineState: "LOST (SLURM no longer lists it and it left no exit code)", exitCode: null, log });
        }
      }
    }
    return attempts;
  }

  /**
   * Polls `squeue` until none of the submission's tasks is queued or running. Progress comes from
   * the exit files the tasks leave (a directory listing, no SLURM call) and squeue's running list.
   * Returns false when interrupted: the jobs keep running and `sweep collect` gathers them later.
   */
  async wait(submission: SlurmSubmission, options: { pollMs: number; signal: AbortSignal; onProgress?: (p: SweepProgress, finished: boolean) => void }): Promise<boolean> {
    const started = performance.now();
    const cells = new Map(submission.indices.map((i) => [i, this.spec.cells[i]!]));
    let lastDone = -1;
    let failedPolls = 0;
    for (;;) {
      if (options.signal.aborted) return false;
      let queued: QueuedTask[];
      try {
        queued = await this.queued(submission.jobId, false);
        failedPolls = 0;
      } catch (error) {
        // slurmctld restarting or briefly unreachable: keep waiting, up to a minute of failed polls.
        if (!(error instanceof SlurmCommandError) || ++failedPolls * options.pollMs > 60_000) throw error;
        await sleep(options.pollMs);
        continue;
      }
      const active = queued.filter((t) => cells.has(t.task));
      const exits = this.results.exitCodes();
      let done = 0;
      let failed = 0;
      for (const i of submission.indices) {
        const code = exits.get(i)?.get(`${submission.jobId}_${i}`);
        if (code === 0) done++;
        else if (code !== undefined) failed++;
      }
      const running = active.filter((t) => attemptState(t.state) === "running").map((t) => ({ cell: cells.get(t.task)!, fraction: null }));
      const finished = active.length === 0;
      options.onProgress?.(
        { name: this.spec.name, total: submission.indices.length, done, failed, running, elapsedMs: performance.now() - started },
        finished || done + failed !== lastDone,
      );
      lastDone = done + failed;
      if (finished) return true;
      try {
        await sleep(options.pollMs, undefined, { signal: options.signal });
      } catch {
        return false;
      }
    }
  }
}
