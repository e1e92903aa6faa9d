import type { Argv } from "yargs";
import { createBackend, knownBackends, refuseInapplicableOptions } from "../../backends/backend-registry.ts";
import { replay } from "../../replay/replay.ts";
import { stderrProgress } from "../../replay/progress.ts";
import { RunStore } from "../../store/run-store.ts";
import { abortOnInterrupt } from "../interrupt.ts";
import { dbOption, seedOption } from "../options/common-options.ts";
import { givenSimOptions, simConfigFromArgs, simOptionsGivenOnly, withSimDefaults, type SimArgs } from "../options/sim-options.ts";
import { syntheticOptions, type SyntheticArgs } from "../options/synthetic-options.ts";
import { realTraceOptions, traceFromArgs, traceSpecHelp } from "../options/trace-from-args.ts";
import { UsageError } from "../usage-error.ts";
import { printBatchSummary } from "./print-batch-summary.ts";

export const defaultBackends = ["sim:xx", "sim:hermod", "sim:edf"];

export function replayOptions<T>(y: Argv<T>) {
  return y
    .positional("trace", { type: "string", default: "synthetic", describe: traceSpecHelp })
    .options({
      backend: { type: "string", array: true, default: defaultBackends, describe: `Backends, each fed the identical stream (${Object.keys(knownBackends()).join(", ")})` },
      label: { type: "string", describe: "A name stored with the runs" },
      quiet: { type: "boolean", default: false, describe: "No progress line and no summary table" },
      ...dbOption,
      ...seedOption,
      ...simOptionsGivenOnly,
      ...syntheticOptions,
      ...realTraceOptions,
    });
}

type ReplayArgs = Partial<SimArgs> & SyntheticArgs & Record<string, unknown> & { trace: string; backend: string[]; label?: string; quiet: boolean; db: string; seed: number };

export async function runReplay(args: ReplayArgs): Promise<void> {
  if (!Number.isInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed must be a non-negative integer (got ${args.seed})`);
  // Before defaults are filled: a flag given at its default value still counts as given.
  const given = givenSimOptions(args);
  refuseInapplicableOptions(args.backend, given);
  const sim = simConfigFromArgs(withSimDefaults(args), args.seed, given.map((g) => g.flag));
  const trace = await traceFromArgs(args.trace, args, args.seed, sim.machines * sim.cores);
  const backends = args.backend.map((id) => createBackend(id, { sim, prices: trace.prices }));
  const store = await RunStore.open(args.db);
  const interrupt = abortOnInterrupt();
  try {
    const runs = await replay({
      store,
      trace,
      backends,
      seed: args.seed,
      signal: interrupt.signal,
      command: process.argv.slice(2),
      ...(args.label !== undefined ? { label: args.label } : {}),
      ...(args.quiet ? {} : { onProgress: stderrProgress() }),
    });
    if (!args.quiet) await printBatchSummary(store, runs.map((r) => r.runId));
    process.stdout.write(`stored runs ${runs.map((r) => r.runId).join(", ")} in ${args.db}\n`);
  } finally {
    interrupt.dispose();
    store.close();
  }
}

export const replayCommand = {
  command: "replay [trace]",
  describe: "Replay a trace through one or more backends into the store",
  builder: (y: Argv) =>
    replayOptions(y)
      .example("$0 replay", "synthetic trace at ρ=0.9 through sim:xx, sim:hermod and sim:edf")
      .example("$0 replay --backend sim:xx --backend sim:hermod --phases 0:0.7,50:1.3,80:0.7 --duration-s 120", "the seeds' Figure 3 load spike")
      .example("$0 replay --machines 1 --cores 1 --work exponential --load 0.8 --prices 1 --functions 1", "an M/M/1 queue")
      .example("$0 replay azure2019:traces/samples/invitro-sampler-azure2019-500fn --minutes 60 --target-load 0.9", "an hour of the real Azure 2019 sample at ρ=0.9")
      .example("$0 replay --ram-gb 32 --idle-list --load 1.1 --duration-s 60 --backend sim:xx", "the seeds' memory experiment: price-class swapping"),
  handler: (args: ReplayArgs) => runReplay(args),
};
