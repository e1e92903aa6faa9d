import { availableParallelism } from "node:os";
import type { Backend } from "../../../adapters/backend.ts";
import type { TraceSource } from "../../../traces/invocation.ts";
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
import { networkBackendIds, networkFlags, networkSettingsFromArgs, type NetworkArgs } from "../options/network-flags.ts";
import { formatSendPlan, planSends, type SendPlan } from "../../replay/send-plan.ts";
import { v8PoolAdvice } from "../../replay/v8-pool-advice.ts";
import { stderrNetworkProgress } from "../../replay/network-progress.ts";
import { guardLambdaCost } from "../../lambda/cost-guard.ts";
import { maxCostFlags, type MaxCostArgs } from "../options/max-cost-flags.ts";

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
      ...networkFlags,
      ...maxCostFlags,
      ...syntheticOptions,
      ...realTraceOptions,
    });
}

type ReplayArgs = Partial<SimArgs> & SyntheticArgs & NetworkArgs & MaxCostArgs & Record<string, unknown> & { trace: string; backend: string[]; label?: string; quiet: boolean; db: string; seed: number };

export async function runReplay(args: ReplayArgs): Promise<void> {
  if (!Number.isInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed must be a non-negative integer (got ${args.seed})`);
  // Before defaults are filled: a flag given at its default value still counts as given.
  const given = givenSimOptions(args);
  refuseInapplicableOptions(args.backend, given);
  const sim = simConfigFromArgs(withSimDefaults(args), args.seed, given.map((g) => g.flag));
  const network = networkSettingsFromArgs(args, args.backend);
  const trace = await traceFromArgs(args.trace, args, args.seed, sim.machines * sim.cores);
  const networkIds = networkBackendIds(args.backend);
  let plan: SendPlan | undefined;
  const finishers: (() => void)[] = [];
  const backends = args.backend.map((id) => {
    const progress = args.quiet || !networkIds.includes(id) ? undefined : stderrNetworkProgress(id, () => plan);
    if (progress) finishers.push(progress.finish);
    return createBackend(id, {
      sim,
      prices: trace.prices,
      network: {
        options: network.options,
        ...(network.functionMapPath !== undefined ? { functionMapPath: network.functionMapPath } : {}),
        ...(network.clusterDir !== undefined ? { clusterDir: network.clusterDir } : {}),
        ...(progress ? { onProgress: progress.listener } : {}),
      },
    });
  });
  // Before any request: a Lambda replay estimated past --max-cost stops here, with how to fit.
  const costLine = await guardLambdaCost(backends, trace, { ...(args["max-cost"] !== undefined ? { maxCostUsd: args["max-cost"] } : {}), accept: args["accept-cost"] === true });
  if (costLine !== undefined && !args.quiet) process.stderr.write(`xxbench: ${costLine}\n`);
  const interrupt = abortOnInterrupt();
  try {
    // An unreachable target is one line before any run is stored.
    for (const backend of backends) {
      await backend.preflight?.(interrupt.signal).catch((error: unknown) => {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      });
    }
    // Known before anything is sent or stored: what a wall-clock replay will do, and for how long.
    if (networkIds.length > 0) {
      plan = await planSends(trace);
      if (!args.quiet) {
        process.stderr.write(`xxbench: ${formatSendPlan(plan, networkIds)}\n`);
        const advice = v8PoolAdvice(plan.peakPerS, availableParallelism(), process.execArgv, process.env.NODE_OPTIONS);
        if (advice !== undefined) process.stderr.write(`xxbench: ${advice}\n`);
      }
    }
    await replayInto(args, trace, backends, network.maxLatenessMs, interrupt.signal, finishers);
  } finally {
    interrupt.dispose();
  }
}

async function replayInto(
  args: ReplayArgs,
  trace: TraceSource,
  backends: readonly Backend[],
  maxLatenessMs: number,
  signal: AbortSignal,
  finishers: readonly (() => void)[],
): Promise<void> {
  const store = await RunStore.open(args.db);
  try {
    const runs = await replay({
      store,
      trace,
      backends,
      seed: args.seed,
      signal,
      command: process.argv.slice(2),
      maxLatenessMs,
      ...(args.label !== undefined ? { label: args.label } : {}),
      ...(args.quiet ? {} : { onProgress: stderrProgress() }),
    }).finally(() => finishers.forEach((finish) => finish()));
    for (const run of runs) if (run.degraded !== undefined) process.stderr.write(`xxbench: run ${run.runId} ${run.backend} is DEGRADED: ${run.degraded}\n`);
    if (!args.quiet) await printBatchSummary(store, runs.map((r) => r.runId));
    process.stdout.write(`stored runs ${runs.map((r) => r.runId).join(", ")} in ${args.db}\n`);
  } finally {
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
