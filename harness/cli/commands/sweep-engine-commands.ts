import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { reportPresets } from "../../../reports/report-presets.ts";
import { ReplayInterruptedError } from "../../replay/replay.ts";
import { RunStore } from "../../store/run-store.ts";
import { SlurmCommandError, SlurmEngine, type SlurmSubmission } from "../../sweep/engines/slurm-engine.ts";
import { attemptsFromExitFiles, collectSweep, type CellOutcome, type CollectResult, type EngineAttempt } from "../../sweep/sweep-collect.ts";
import { runCellTask } from "../../sweep/sweep-cell-task.ts";
import { stderrSweepProgress } from "../../sweep/sweep-progress.ts";
import { SweepResultsDir } from "../../sweep/sweep-results.ts";
import { readSweepSpec, type SweepSpec } from "../../sweep/sweep-spec.ts";
import { sweepStatuses } from "../../sweep/sweep-status.ts";
import { abortOnInterrupt } from "../interrupt.ts";
import { dbOption } from "../options/common-options.ts";
import { textTable } from "../text-table.ts";
import { UsageError } from "../usage-error.ts";
import { printReportWritten, reportForCli } from "./report-command.ts";

/** A results directory as the user named it: it must hold a grid written by `xxbench sweep`. */
export function openResultsDir(dir: string): { spec: SweepSpec; results: SweepResultsDir } {
  const results = new SweepResultsDir(resolve(dir));
  if (!existsSync(results.gridFile)) throw new UsageError(`${dir} holds no grid.json: not a results directory of \`xxbench sweep --engine slurm|k8s\``);
  try {
    return { spec: readSweepSpec(results.gridFile), results };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** What the engine knows of every attempt; for SLURM, from its queue (or accounting). */
async function engineAttempts(spec: SweepSpec, results: SweepResultsDir): Promise<EngineAttempt[]> {
  if (spec.engine.kind !== "slurm") return attemptsFromExitFiles(results);
  try {
    return await new SlurmEngine(spec, spec.engine, results).attempts();
  } catch (e) {
    if (!(e instanceof SlurmCommandError)) throw e;
    process.stderr.write(`xxbench: ${e.message}; judging cells by the exit codes in ${results.exitsDir} alone\n`);
    return attemptsFromExitFiles(results);
  }
}

export interface CollectOptions {
  readonly db: string;
  readonly report: boolean;
  readonly out: string;
  readonly quiet: boolean;
}

/** Imports what the results directory holds into the store; prints nothing. */
async function collectInto(db: string, spec: SweepSpec, results: SweepResultsDir): Promise<CollectResult> {
  const attempts = await engineAttempts(spec, results);
  const store = await RunStore.open(db);
  try {
    return await collectSweep(store, spec, results, attempts);
  } finally {
    store.close();
  }
}

/** Imports what the results directory holds, prints every cell that is not complete, reports a complete sweep. */
export async function collectCommand(spec: SweepSpec, results: SweepResultsDir, options: CollectOptions): Promise<CollectResult> {
  const collected = await collectInto(options.db, spec, results);
  const ids = collected.importedRunIds;
  process.stdout.write(
    `sweep "${spec.name}": ${collected.cells.filter((c) => c.state === "complete").length}/${spec.cells.length} cells complete; ` +
      `${ids.length > 0 ? `stored runs ${ids.join(", ")}` : "no new runs"} in ${options.db}` +
      `${collected.alreadyStored > 0 ? ` (${collected.alreadyStored === 1 ? "1 result was" : `${collected.alreadyStored} results were`} stored already)` : ""}\n`,
  );
  const open = collected.cells.filter((c) => c.state !== "complete");
  if (open.length > 0) process.stderr.write(`${cellTable(open)}\n`);
  if (collected.complete) {
    if (options.report) {
      const preset = spec.preset !== undefined && Object.hasOwn(reportPresets, spec.preset) ? reportPresets[spec.preset as keyof typeof reportPresets] : undefined;
      const report = await reportForCli({
        db: options.db,
        choice: { sweep: spec.name },
        outDir: options.out,
        ...(preset ? { sections: preset.sections, title: preset.title } : { title: `xxbench sweep ${spec.name}` }),
      });
      printReportWritten(report);
    }
    return collected;
  }
  const pending = open.filter((c) => c.state === "queued" || c.state === "running").length;
  const failed = open.length - pending;
  throw new UsageError(
    [
      pending > 0 ? `${pending} cells still queued or running: \`xxbench sweep collect ${results.dir}\` again when they end` : null,
      failed > 0 ? `${failed} of ${spec.cells.length} cells failed or are missing; the sweep is stored incomplete; \`xxbench sweep resume ${results.dir}\` runs them again` : null,
    ]
      .filter((s) => s !== null)
      .join("; "),
  );
}

function cellTable(cells: readonly CellOutcome[]): string {
  return textTable(
    ["cell", "backend", "workload", "state", "job", "exit", "log", "why"],
    cells.map((c) => [c.cell.index, c.cell.backend, c.cell.label, c.state, c.jobId ?? "", c.exitCode ?? "", c.log ?? "", (c.message ?? "").slice(0, 160)]),
  );
}

/** Waits for a SLURM submission with a progress line, then collects; Ctrl-C leaves the jobs running. */
export async function waitAndCollect(spec: SweepSpec, results: SweepResultsDir, submission: SlurmSubmission, options: CollectOptions & { pollMs: number }): Promise<CollectResult> {
  if (spec.engine.kind !== "slurm") throw new Error("waitAndCollect needs a SLURM sweep");
  const engine = new SlurmEngine(spec, spec.engine, results);
  const interrupt = abortOnInterrupt();
  let ended: boolean;
  try {
    ended = await slurmOrUsageError(() => engine.wait(submission, { pollMs: options.pollMs, signal: interrupt.signal, ...(options.quiet ? {} : { onProgress: stderrSweepProgress() }) }));
  } finally {
    interrupt.dispose();
  }
  if (!ended) {
    throw new ReplayInterruptedError(
      `stopped waiting; job ${submission.jobId} keeps running: \`xxbench sweep collect ${results.dir}\` later, or \`scancel ${submission.jobId}\``,
    );
  }
  return collectCommand(spec, results, options);
}

const collectOptions = {
  ...dbOption,
  report: { type: "boolean", default: true, describe: "Write the report when the sweep is complete (--no-report to skip)" },
  out: { type: "string", default: "runs/report", describe: "Report folder" },
  quiet: { type: "boolean", default: false, describe: "No progress line" },
} as const;

export const sweepCellCommand = {
  command: "cell",
  describe: "Run one cell of a grid file and write its run as Parquet beside it (what each SLURM array task or Kubernetes pod runs)",
  builder: (y: Argv) =>
    y.options({
      grid: { type: "string", demandOption: true, describe: "grid.json written by `xxbench sweep --engine slurm|k8s`" },
      index: { type: "number", describe: "Cell index (default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)" },
    }),
  handler: async (args: { grid: string; index?: number }) => {
    const fromEnv = process.env.SLURM_ARRAY_TASK_ID ?? process.env.JOB_COMPLETION_INDEX;
    const index = args.index ?? (fromEnv !== undefined ? Number(fromEnv) : undefined);
    if (index === undefined || !Number.isInteger(index) || index < 0) {
      throw new UsageError(`--index must be a cell number ≥ 0 (got ${index ?? "none, and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set"})`);
    }
    if (!existsSync(args.grid)) throw new UsageError(`--grid ${args.grid} does not exist`);
    const interrupt = abortOnInterrupt();
    let result: Awaited<ReturnType<typeof runCellTask>>;
    try {
      result = await runCellTask(resolve(args.grid), index, interrupt.signal);
    } catch (e) {
      throw new UsageError((e as Error).message);
    } finally {
      interrupt.dispose();
    }
    process.stdout.write(`sweep cell ${index} (${result.attempt}): ${result.status}${result.resultDir !== null ? `, run in ${result.resultDir}` : ""}\n`);
    if (result.status === "interrupted") throw new ReplayInterruptedError(`sweep cell ${index} interrupted: ${result.error ?? ""}`);
    if (result.status === "failed") throw new UsageError(`sweep cell ${index} failed: ${result.error ?? "no reason given"}`);
  },
};

export const sweepCollectCommand = {
  command: "collect <dir>",
  describe: "Import a sweep's results directory into the store (again is harmless: a stored cell is not added twice)",
  builder: (y: Argv) => y.positional("dir", { type: "string", demandOption: true, describe: "The sweep's --results directory" }).options(collectOptions),
  handler: async (args: CollectOptions & { dir: string }) => {
    const { spec, results } = openResultsDir(args.dir);
    await collectCommand(spec, results, args);
  },
};

export const sweepResumeCommand = {
  command: "resume <dir>",
  describe: "Submit again only the cells of a SLURM sweep that have no complete run, then wait and collect",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "The sweep's --results directory" })
      .options({
        ...collectOptions,
        wait: { type: "boolean", default: true, describe: "Wait for the jobs and collect (--no-wait: submit and return)" },
        "poll-ms": { type: "number", default: 250, describe: "How often to ask squeue while waiting, ms" },
      }),
  handler: async (args: CollectOptions & { dir: string; wait: boolean; "poll-ms": number }) => {
    const { spec, results } = openResultsDir(args.dir);
    const settings = spec.engine;
    if (settings.kind !== "slurm") throw new UsageError(`${args.dir} is a ${settings.kind} sweep: resume submits to SLURM; apply its job.yaml again instead`);
    // Whatever finished since the last collect is stored first, so only what is truly missing runs again.
    const before = await collectInto(args.db, spec, results);
    const missing = before.cells.filter((c) => c.state === "failed" || c.state === "cancelled" || c.state === "missing").map((c) => c.cell.index);
    if (missing.length === 0) {
      process.stdout.write(`sweep "${spec.name}": nothing to resubmit (${before.cells.filter((c) => c.state === "complete").length}/${spec.cells.length} complete)\n`);
      return;
    }
    const submission = await slurmOrUsageError(() => new SlurmEngine(spec, settings, results).submit(missing));
    process.stdout.write(`submitted job ${submission.jobId}: cells ${missing.join(", ")} of sweep "${spec.name}"\n`);
    if (!args.wait) return;
    await waitAndCollect(spec, results, submission, { ...args, pollMs: args["poll-ms"] });
  },
};

export const sweepStatusCommand = {
  command: "status",
  describe: "List the sweeps in the store: cells complete of the grid, complete or incomplete",
  builder: (y: Argv) => y.options({ ...dbOption, name: { type: "string", describe: "Only sweeps of this name" } }),
  handler: async (args: { db: string; name?: string }) => {
    const store = await RunStore.open(args.db, { readOnly: true });
    try {
      const sweeps = await sweepStatuses(store, args.name);
      process.stdout.write(
        `${textTable(
          ["sweep", "id", "cells", "complete", "unfinished runs", "status", "first run"],
          sweeps.map((s) => [s.name, s.sweepId.slice(0, 8), s.cells, s.completeCells, s.unfinishedRuns, s.status, s.firstRun]),
        )}\n`,
      );
    } finally {
      store.close();
    }
  },
};

/** A SLURM client that fails (not installed, no config, controller down) is the user's one line to act on. */
export async function slurmOrUsageError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof SlurmCommandError) throw new UsageError(e.message);
    throw e;
  }
}
