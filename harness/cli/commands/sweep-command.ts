import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Argv } from "yargs";
import { reportPresets } from "../../../reports/report-presets.ts";
import { isNetworkBackendId, knownBackends, refuseInapplicableOptions } from "../../backends/backend-registry.ts";
import { RunStore } from "../../store/run-store.ts";
import { runSweep } from "../../sweep/run-sweep.ts";
import { k8sIndexedJob } from "../../sweep/engines/k8s-manifest.ts";
import { SlurmCommandError, SlurmEngine } from "../../sweep/engines/slurm-engine.ts";
import { SweepResultsDir } from "../../sweep/sweep-results.ts";
import { newSweepSpec, writeSweepSpec, type SweepEngineSettings, type SweepSpec } from "../../sweep/sweep-spec.ts";
import { randomUUID } from "node:crypto";
import { planSweep, replayCommandFor, type SweepPlan } from "../../sweep/sweep-plan.ts";
import { sweepPresets, type SweepPresetName } from "../../sweep/sweep-presets.ts";
import { stderrSweepProgress } from "../../sweep/sweep-progress.ts";
import type { SweepRunArgs } from "../../sweep/sweep-protocol.ts";
import { abortOnInterrupt } from "../interrupt.ts";
import { dbOption } from "../options/common-options.ts";
import { givenSimOptions, simConfigFromArgs, simOptionsGivenOnly, withSimDefaults, type SimArgs } from "../options/sim-options.ts";
import { syntheticFlagErrors, syntheticOptions } from "../options/synthetic-options.ts";
import { textTable } from "../text-table.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";
import { printReportWritten, reportForCli } from "./report-command.ts";
import { checkReportFolder } from "../../../reports/report-folder.ts";
import { sweepCellCommand, sweepCollectCommand, sweepResumeCommand, sweepStatusCommand, waitAndCollect } from "./sweep-engine-commands.ts";

const engines = ["local", "slurm", "k8s"] as const;
type SweepEngineName = (typeof engines)[number];

type SweepArgs = SweepRunArgs & {
  db: string;
  backend?: string[];
  loads?: string;
  seeds?: string;
  name?: string;
  jobs?: number;
  preset?: string;
  "dry-run": boolean;
  report: boolean;
  out: string;
  quiet: boolean;
  engine: string;
  results?: string;
  partition?: string;
  time?: string;
  "cpus-per-task": number;
  "max-parallel"?: number;
  "sbatch-option"?: string[];
  "sbatch-prelude"?: string;
  wait: boolean;
  "poll-ms": number;
  emit?: string;
  image: string;
  "volume-claim": string;
};

/** As yargs hands them over: cluster flags the user left out are undefined until `sweepArgsWithDefaults`. */
type SweepCliArgs = Omit<SweepArgs, keyof SimArgs> & Partial<SimArgs>;

/** Builds the plan from the command line; bad lists become one-line usage errors. */
export function sweepPlanFromArgs(args: SweepArgs): SweepPlan {
  try {
    return planSweep({
      args,
      ...(args.preset !== undefined ? { preset: args.preset as SweepPresetName } : {}),
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.loads !== undefined ? { loads: args.loads } : {}),
      ...(args.seeds !== undefined ? { seeds: args.seeds } : {}),
      ...(args.backend !== undefined ? { backends: args.backend } : {}),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Runs a sweep into the store and (unless --no-report) writes its report. Shared with `report --preset`. */
export async function runSweepCommand(givenArgs: SweepCliArgs): Promise<void> {
  // As replay does: backends and the options they apply first, then the cluster's own rules.
  const backends = sweepPlanFromArgs(withSimDefaults(givenArgs)).grid.backends;
  for (const backend of backends) {
    // A sweep runs cells in parallel, each as fast as it can: a wall-clock backend's cells would
    // compete for the target and the driver's core, and their timings would mean nothing.
    if (isNetworkBackendId(backend)) throw new UsageError(`a sweep runs simulator backends only; ${backend} sends on the wall clock: replay it with \`xxbench replay --backend ${backend}\``);
    if (!Object.hasOwn(knownBackends(), backend)) throw new UsageError(`unknown backend "${backend}"; known: ${Object.keys(knownBackends()).join(", ")}`);
  }
  refuseInapplicableOptions(backends, givenSimOptions(givenArgs));
  const args = sweepArgsWithDefaults(givenArgs);
  const plan = sweepPlanFromArgs(args);
  const table = textTable(["#", "backend", "workload", "seed"], plan.cells.map((c) => [c.index + 1, c.backend, c.label, c.seed]));
  if (args["dry-run"]) {
    process.stdout.write(`sweep "${plan.name}": ${plan.cells.length} runs (dry run: nothing is run)\n${table}\n`);
    return;
  }
  if (args.engine === "k8s") return emitK8sSweep(args, plan);
  // A report folder that cannot be written is refused now, not after every cell has run.
  checkReportFolder(args.out);
  if (args.engine === "slurm") return submitSlurmSweep(args, plan, table);
  if (!args.quiet) process.stderr.write(`sweep "${plan.name}": ${plan.cells.length} runs into ${args.db}\n${table}\n`);
  const store = await RunStore.open(args.db);
  const interrupt = abortOnInterrupt();
  let result: Awaited<ReturnType<typeof runSweep>>;
  try {
    result = await runSweep({
      name: plan.name,
      sweepId: randomUUID(),
      cells: plan.cells,
      args: plan.args,
      store,
      ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
      signal: interrupt.signal,
      commandFor: (cell) => replayCommandFor(plan, cell),
      ...(args.quiet ? {} : { onProgress: stderrSweepProgress() }),
    });
  } finally {
    interrupt.dispose();
    store.close();
  }
  process.stdout.write(`stored sweep "${plan.name}": runs ${result.runIds.join(", ")} in ${args.db} (${(result.wallMs / 1000).toFixed(1)} s)\n`);
  for (const f of result.failures) process.stderr.write(`xxbench: run ${f.cell.backend} ${f.cell.label} failed: ${f.message}\n`);
  if (result.interrupted) throw new UsageError("sweep interrupted; finished runs are stored");
  if (result.failures.length > 0) throw new UsageError(`${result.failures.length} of ${plan.cells.length} runs failed`);
  if (!args.report) return;
  const preset = args.preset !== undefined ? reportPresets[args.preset as SweepPresetName] : undefined;
  const report = await reportForCli({
    db: args.db,
    choice: { sweep: plan.name },
    outDir: args.out,
    ...(preset ? { sections: preset.sections, title: preset.title } : { title: `xxbench sweep ${plan.name}` }),
  });
  printReportWritten(report);
}

/**
 * Checks the cluster flags as `replay` would (a flag given at its default still counts as given)
 * and fills in the defaults, so every cell's stored command spells the cluster out. A default k
 * above the machine count is lowered to it, as replay does.
 */
function sweepArgsWithDefaults(args: SweepCliArgs): SweepArgs {
  // Checked here, not in each worker: a bad flag is one line before anything runs, not N failed runs.
  const errors = syntheticFlagErrors(args);
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs > 0)) errors.push(`--jobs must be a positive integer (got ${args.jobs})`);
  errors.push(...engineFlagErrors(args));
  throwIfErrors(errors);
  const given = givenSimOptions(args).map((g) => g.flag);
  const filled = withSimDefaults(args);
  const sim = simConfigFromArgs(filled, 1, given);
  return { ...filled, k: sim.k };
}

/**
 * The sweep's own options, kept from its subcommands (`sweep cell`, `collect`, …): yargs makes
 * options global unless told otherwise, and these would clutter their --help and be accepted there.
 */
function notInSubcommands<T extends Record<string, object>>(options: T): { [K in keyof T]: T[K] & { global: false } } {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, { ...v, global: false }])) as { [K in keyof T]: T[K] & { global: false } };
}

export function sweepOptions<T>(y: Argv<T>) {
  return y.options(notInSubcommands({
    ...dbOption,
    backend: { type: "string", array: true, describe: "Backends in the grid (default sim:xx sim:hermod sim:edf)" },
    loads: { type: "string", describe: "Constant loads: from:to:step or a list (default 0.5:1.2:0.1)" },
    seeds: { type: "string", describe: "Seeds, comma-separated (default 1)" },
    name: { type: "string", describe: "Sweep name stored with every run (default: the preset or \"sweep\")" },
    jobs: { type: "number", describe: "Worker processes at once (default: the core count)" },
    preset: { type: "string", choices: Object.keys(sweepPresets), describe: "A figure of the seeds: fig3 (load spike), fig4 (load sweep) or mu (seed 004's Figures 2–4)" },
    "dry-run": { type: "boolean", default: false, describe: "List the grid and exit" },
    report: { type: "boolean", default: true, describe: "Write the report when done (--no-report to skip)" },
    out: { type: "string", default: "runs/report", describe: "Report folder" },
    quiet: { type: "boolean", default: false, describe: "No grid listing and no progress line" },
    engine: { type: "string", choices: engines, default: "local", describe: "Where cells run: local worker processes, a SLURM job array, or a Kubernetes Indexed Job manifest (--emit)", group: "Engine:" },
    results: { type: "string", describe: "slurm: shared results directory every node can reach (default runs/sweeps/NAME-TIME)", group: "Engine:" },
    partition: { type: "string", describe: "slurm: partition (sbatch --partition)", group: "Engine:" },
    time: { type: "string", describe: "slurm: time limit per cell, as sbatch --time takes it (e.g. 30 or 1:00:00)", group: "Engine:" },
    "cpus-per-task": { type: "number", default: 1, describe: "slurm, k8s: CPUs per cell (a cell's simulation uses one; its store writer a little of a second)", group: "Engine:" },
    "max-parallel": { type: "number", describe: "slurm, k8s: cells at once (sbatch --array=…%N, Job parallelism)", group: "Engine:" },
    "sbatch-option": { type: "string", array: true, describe: "slurm: extra sbatch option, repeatable; write it with = (--sbatch-option=--account=abc)", group: "Engine:" },
    "sbatch-prelude": { type: "string", describe: "slurm: file of shell lines each task runs first (module load …, source a venv)", group: "Engine:" },
    wait: { type: "boolean", default: true, describe: "slurm: wait for the array and import it (--no-wait: submit and return; then `sweep collect DIR`)", group: "Engine:" },
    "poll-ms": { type: "number", default: 250, describe: "slurm: how often to ask squeue while waiting, ms", group: "Engine:" },
    emit: { type: "string", describe: "k8s: directory to write grid.json and job.yaml into", group: "Engine:" },
    image: { type: "string", default: "xxbench:latest", describe: "k8s: container image holding xxbench (with `xxbench` on PATH)", group: "Engine:" },
    "volume-claim": { type: "string", default: "xxbench-results", describe: "k8s: PersistentVolumeClaim mounted at /results in every pod", group: "Engine:" },
    ...simOptionsGivenOnly,
    ...syntheticOptions,
  }));
}

export const sweepCommand = {
  command: "sweep",
  describe: "Run a grid (loads × backends × seeds) on the simulator in parallel worker processes or a SLURM job array, then report it",
  builder: (y: Argv) =>
    sweepOptions(y)
      .command(sweepCellCommand)
      .command(sweepCollectCommand)
      .command(sweepResumeCommand)
      .command(sweepStatusCommand)
      .example("$0 sweep --engine slurm --partition short --results /shared/sweeps/a", "one sbatch --array, waited on and imported")
      .example("$0 sweep --dry-run", "list the default grid: loads 0.5…1.2 × xx, hermod, edf")
      .example("$0 sweep --loads 0.5:1.2:0.1 --seeds 1,2 --duration-s 60", "16 workloads × 3 backends")
      .example("$0 sweep --preset fig4", "the seeds' Figure 4, written to runs/report"),
  handler: (args: SweepCliArgs) => runSweepCommand(args),
};

/** Engine flags that the chosen engine would ignore are refused, as inapplicable cluster flags are. */
function engineFlagErrors(args: SweepCliArgs): string[] {
  const errors: string[] = [];
  const only: Record<SweepEngineName, readonly ("jobs" | "results" | "partition" | "time" | "sbatch-option" | "sbatch-prelude" | "emit")[]> = {
    local: ["jobs"],
    slurm: ["results", "partition", "time", "sbatch-option", "sbatch-prelude"],
    k8s: ["emit"],
  };
  for (const engine of engines) {
    if (engine === args.engine) continue;
    for (const flag of only[engine]) if (args[flag] !== undefined) errors.push(`--${flag} applies to --engine ${engine}, not ${args.engine}`);
  }
  if (!(Number.isInteger(args["cpus-per-task"]) && args["cpus-per-task"] > 0)) errors.push(`--cpus-per-task must be a positive integer (got ${args["cpus-per-task"]})`);
  if (args["max-parallel"] !== undefined && !(Number.isInteger(args["max-parallel"]) && args["max-parallel"] > 0)) {
    errors.push(`--max-parallel must be a positive integer (got ${args["max-parallel"]})`);
  }
  if (!(args["poll-ms"] >= 50 && args["poll-ms"] <= 60_000)) errors.push(`--poll-ms must be from 50 to 60000 ms (got ${args["poll-ms"]})`);
  if (args.engine === "k8s" && args.emit === undefined) errors.push("--engine k8s writes a manifest: give --emit DIR");
  return errors;
}

const cliEntry = fileURLToPath(new URL("../../../bin/xxbench.js", import.meta.url));

function slurmSettings(args: SweepArgs): Extract<SweepEngineSettings, { kind: "slurm" }> {
  let prelude = "";
  if (args["sbatch-prelude"] !== undefined) {
    try {
      prelude = readFileSync(args["sbatch-prelude"], "utf8");
    } catch (e) {
      throw new UsageError(`--sbatch-prelude ${args["sbatch-prelude"]} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return {
    kind: "slurm",
    ...(args.partition !== undefined ? { partition: args.partition } : {}),
    ...(args.time !== undefined ? { time: args.time } : {}),
    cpusPerTask: args["cpus-per-task"],
    ...(args["max-parallel"] !== undefined ? { maxParallel: args["max-parallel"] } : {}),
    sbatchOptions: args["sbatch-option"] ?? [],
    prelude,
    node: process.execPath,
    cli: cliEntry,
  };
}

/** A results directory for a new sweep: one sweep per directory, so a result is never mistaken for another sweep's. */
function freshResultsDir(dir: string): SweepResultsDir {
  const results = new SweepResultsDir(resolve(dir));
  if (existsSync(results.gridFile)) throw new UsageError(`${dir} already holds a sweep (grid.json): give a new directory, or \`xxbench sweep collect|resume ${dir}\``);
  try {
    results.create();
  } catch (e) {
    throw new UsageError(`${dir} cannot be created: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return results;
}

function defaultResultsDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return join("runs", "sweeps", `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}-${stamp}`);
}

/** `--engine slurm`: the grid as one sbatch --array, then (unless --no-wait) wait, import, report. */
async function submitSlurmSweep(args: SweepArgs, plan: SweepPlan, table: string): Promise<void> {
  const settings = slurmSettings(args);
  const results = freshResultsDir(args.results ?? defaultResultsDir(plan.name));
  const spec: SweepSpec = newSweepSpec(plan, (cell) => replayCommandFor(plan, cell), settings, args.preset);
  writeSweepSpec(results.gridFile, spec);
  const engine = new SlurmEngine(spec, settings, results);
  let submission;
  try {
    submission = await engine.submit(spec.cells.map((c) => c.index));
  } catch (e) {
    if (e instanceof SlurmCommandError) throw new UsageError(e.message);
    throw e;
  }
  if (!args.quiet) process.stderr.write(`${table}\n`);
  process.stdout.write(`sweep "${plan.name}": submitted job ${submission.jobId}, ${spec.cells.length} array tasks; results in ${results.dir}\n`);
  if (!args.wait) {
    process.stdout.write(`when it ends: xxbench sweep collect ${results.dir} --db ${args.db}\n`);
    return;
  }
  await waitAndCollect(spec, results, submission, { db: args.db, report: args.report, out: args.out, quiet: args.quiet, pollMs: args["poll-ms"] });
}

/** `--engine k8s --emit DIR`: grid.json and an Indexed Job manifest; nothing is run here. */
function emitK8sSweep(args: SweepArgs, plan: SweepPlan): void {
  const settings: SweepEngineSettings = {
    kind: "k8s",
    image: args.image,
    volumeClaim: args["volume-claim"],
    parallelism: args["max-parallel"] ?? plan.cells.length,
    cpusPerTask: args["cpus-per-task"],
  };
  const results = freshResultsDir(args.emit ?? "");
  const spec = newSweepSpec(plan, (cell) => replayCommandFor(plan, cell), settings, args.preset);
  writeSweepSpec(results.gridFile, spec);
  writeFileSync(join(results.dir, "job.yaml"), k8sIndexedJob(spec, settings));
  process.stdout.write(`sweep "${plan.name}": ${plan.cells.length} cells; wrote ${join(results.dir, "grid.json")} and ${join(results.dir, "job.yaml")} (an Indexed Job; see README, Sweeps)\n`);
}
