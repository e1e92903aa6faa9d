import type { Argv } from "yargs";
import { reportPresets } from "../../../reports/report-presets.ts";
import { knownBackends, refuseInapplicableOptions } from "../../backends/backend-registry.ts";
import { RunStore } from "../../store/run-store.ts";
import { runSweep } from "../../sweep/run-sweep.ts";
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
  // A report folder that cannot be written is refused now, not after every cell has run.
  checkReportFolder(args.out);
  if (!args.quiet) process.stderr.write(`sweep "${plan.name}": ${plan.cells.length} runs into ${args.db}\n${table}\n`);
  const store = await RunStore.open(args.db);
  const interrupt = abortOnInterrupt();
  let result: Awaited<ReturnType<typeof runSweep>>;
  try {
    result = await runSweep({
      name: plan.name,
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
  throwIfErrors(errors);
  const given = givenSimOptions(args).map((g) => g.flag);
  const filled = withSimDefaults(args);
  const sim = simConfigFromArgs(filled, 1, given);
  return { ...filled, k: sim.k };
}

export function sweepOptions<T>(y: Argv<T>) {
  return y.options({
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
    ...simOptionsGivenOnly,
    ...syntheticOptions,
  });
}

export const sweepCommand = {
  command: "sweep",
  describe: "Run a grid (loads × backends × seeds) on the simulator in parallel worker processes, then report it",
  builder: (y: Argv) =>
    sweepOptions(y)
      .example("$0 sweep --dry-run", "list the default grid: loads 0.5…1.2 × xx, hermod, edf")
      .example("$0 sweep --loads 0.5:1.2:0.1 --seeds 1,2 --duration-s 60", "16 workloads × 3 backends")
      .example("$0 sweep --preset fig4", "the seeds' Figure 4, written to runs/report"),
  handler: (args: SweepCliArgs) => runSweepCommand(args),
};
