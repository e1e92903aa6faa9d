import type { Argv } from "yargs";
import { formatTraceInspection } from "../../../traces/inspect/format-trace-inspection.ts";
import { inspectTrace } from "../../../traces/inspect/trace-inspection.ts";
import { seedOption } from "../options/common-options.ts";
import { simOptions } from "../options/sim-options.ts";
import { syntheticOptions, type SyntheticArgs } from "../options/synthetic-options.ts";
import { realTraceOptions, traceFromArgs, traceSpecHelp } from "../options/trace-from-args.ts";
import { throwIfErrors } from "../usage-error.ts";

type InspectArgs = SyntheticArgs & Record<string, unknown> & { spec: string; seed: number; machines: number; cores: number; json: boolean };

export const traceInspectCommand = {
  command: "trace inspect <spec>",
  describe: "Functions, invocations, rate over time, work and memory percentiles, trigger mix, offered load",
  builder: (y: Argv) =>
    y
      .positional("spec", { type: "string", demandOption: true, describe: traceSpecHelp })
      .options({
        json: { type: "boolean", default: false, describe: "Print JSON for machines" },
        ...seedOption,
        machines: simOptions.machines,
        cores: simOptions.cores,
        ...syntheticOptions,
        ...realTraceOptions,
      })
      .example("$0 trace inspect azure2019:traces/samples/invitro-sampler-azure2019-500fn", "the 500-function Azure 2019 sample")
      .example("$0 trace inspect azure2021:traces/samples/invitro-azure2021-head --json", "the 2021 excerpt as JSON")
      .example("$0 trace inspect synthetic --phases 0:0.7,50:1.3,80:0.7 --duration-s 120", "the Figure 3 workload"),
  handler: async (args: InspectArgs) => {
    // Only the cluster's size matters here (offered load); say so in the flags' own names.
    throwIfErrors(
      (["machines", "cores"] as const).filter((f) => !(Number.isInteger(args[f]) && args[f] > 0)).map((f) => `--${f} must be a positive integer (got ${args[f]})`),
    );
    const cores = args.machines * args.cores;
    const source = await traceFromArgs(args.spec, args, args.seed, cores);
    const report = await inspectTrace(source, { cores });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTraceInspection(report)}\n`);
  },
};
