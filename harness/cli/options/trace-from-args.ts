import type { TraceSource } from "../../../traces/invocation.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { openTraceSpec, parseRealTraceOptions, realTraceOptionDefinitions, realTracePrefixes } from "../../../traces/trace-spec.ts";
import type { TraceOptionDefinition } from "../../../traces/real-trace-options.ts";
import { traceReadNotes } from "../../../traces/trace-read-notes.ts";
import { UsageError } from "../usage-error.ts";
import { pricesFromFlag, syntheticConfigFromArgs, type SyntheticArgs } from "./synthetic-options.ts";
import { limitedTrace } from "../../../traces/transforms/stream-limit.ts";

/**
 * The real-trace flags as yargs options, their defaults stated in the help rather than filled in
 * (`parseRealTraceOptions` fills them): so a flag the user gave can be told from one left out, and
 * refused where it would do nothing (`--compress` on the synthetic trace).
 */
export const realTraceOptions = Object.fromEntries(
  Object.entries(realTraceOptionDefinitions).map(([name, def]) => {
    const { default: fallback, ...rest } = def as TraceOptionDefinition;
    const describe = fallback === undefined ? rest.describe : `${rest.describe} [default: ${String(fallback)}]`;
    return [name, { ...rest, describe, group: "Real trace (azure2019:DIR, azure2021:FILE):" }];
  }),
) as { [K in keyof typeof realTraceOptionDefinitions]: Omit<(typeof realTraceOptionDefinitions)[K], "default"> & { group: string } };

export const traceSpecHelp = `Trace: synthetic, ${realTracePrefixes.map((p) => `${p}:<path>`).join(", ")}`;

/** Flags that only shape the synthetic generator; with a real trace they would be silently ignored. */
const syntheticOnly = ["load", "phases", "rate"] as const;

export async function traceFromArgs(spec: string, args: SyntheticArgs & Record<string, unknown>, seed: number, cores: number): Promise<TraceSource> {
  if (spec === "synthetic") {
    const strayReal = Object.keys(realTraceOptionDefinitions).filter((flag) => args[flag] !== undefined);
    if (strayReal.length > 0) {
      throw new UsageError(
        `${strayReal.map((f) => `--${f}`).join(", ")} shape${strayReal.length === 1 ? "s" : ""} real traces only; the synthetic trace takes its rate from --load, --phases or --rate`,
      );
    }
    return syntheticTrace(syntheticConfigFromArgs(args, seed, cores));
  }
  const stray = syntheticOnly.filter((flag) => args[flag] !== undefined);
  if (stray.length > 0) {
    throw new UsageError(
      `${stray.map((f) => `--${f}`).join(", ")} shape the synthetic trace only; for ${spec} use --target-load, --from/--minutes or --compress`,
    );
  }
  const prices = pricesFromFlag(args.prices);
  const source = await openTraceSpec(spec, parseRealTraceOptions(args, { seed, cores, prices }));
  for (const note of traceReadNotes(source)) process.stderr.write(`xxbench: ${note}\n`);
  const { invocations, "duration-s": durationS } = args;
  if (invocations !== undefined && !(Number.isInteger(invocations) && invocations > 0)) throw new UsageError(`--invocations must be a positive integer (got ${invocations})`);
  if (durationS !== undefined && !(durationS > 0)) throw new UsageError(`--duration-s must be > 0 s (got ${durationS})`);
  if (args.invocations === undefined && args["duration-s"] === undefined) return source;
  return limitedTrace(source, {
    ...(args.invocations !== undefined ? { invocations: args.invocations } : {}),
    ...(args["duration-s"] !== undefined ? { durationMs: args["duration-s"] * 1000 } : {}),
  });
}
