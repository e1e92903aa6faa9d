import type { TraceSource } from "../../../traces/invocation.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { openTraceSpec, parseRealTraceOptions, realTraceOptionDefinitions, realTracePrefixes } from "../../../traces/trace-spec.ts";
import { traceReadNotes } from "../../../traces/trace-read-notes.ts";
import { UsageError } from "../usage-error.ts";
import { pricesFromFlag, syntheticConfigFromArgs, type SyntheticArgs } from "./synthetic-options.ts";

export const realTraceOptions = Object.fromEntries(
  Object.entries(realTraceOptionDefinitions).map(([name, def]) => [name, { ...def, group: "Real trace (azure2019:DIR, azure2021:FILE):" }]),
) as { [K in keyof typeof realTraceOptionDefinitions]: (typeof realTraceOptionDefinitions)[K] & { group: string } };

export const traceSpecHelp = `Trace: synthetic, ${realTracePrefixes.map((p) => `${p}:<path>`).join(", ")}`;

/** Flags that only shape the synthetic generator; with a real trace they would be silently ignored. */
const syntheticOnly = ["load", "phases", "invocations", "duration-s"] as const;

export async function traceFromArgs(spec: string, args: SyntheticArgs & Record<string, unknown>, seed: number, cores: number): Promise<TraceSource> {
  if (spec === "synthetic") return syntheticTrace(syntheticConfigFromArgs(args, seed, cores));
  const stray = syntheticOnly.filter((flag) => args[flag] !== undefined);
  if (stray.length > 0) {
    throw new UsageError(
      `${stray.map((f) => `--${f}`).join(", ")} shape the synthetic trace only; for ${spec} use --target-load, --from/--minutes or --compress`,
    );
  }
  const prices = pricesFromFlag(args.prices);
  const source = await openTraceSpec(spec, parseRealTraceOptions(args, { seed, cores, prices }));
  for (const note of traceReadNotes(source)) process.stderr.write(`xxbench: ${note}\n`);
  return source;
}
