import { isNetworkBackendId } from "../../backends/backend-registry.ts";
import { defaultNetworkOptions, resolveNetworkOptions, type NetworkOptions } from "../../../adapters/network/network-options.ts";
import { UsageError } from "../usage-error.ts";

const group = "Network backends (http:URL, live:URL):";

/**
 * Lateness the driver may show at p99 before a run is flagged degraded. 5 ms keeps the latency
 * of a function that answers in tens of ms trustworthy to about a tenth, and a loaded 2-core box
 * that runs target and driver together reaches it (its sends are sub-ms when quiet).
 */
export const defaultMaxLatenessMs = 5;

/** No defaults in yargs: a flag given can be told from one left out, and refused without a network backend. */
export const networkFlags = {
  "max-in-flight": { type: "number", describe: `Requests awaiting an answer at once; one more is recorded dropped, never queued [default: ${defaultNetworkOptions.maxInFlight}]`, group },
  "timeout-ms": { type: "number", describe: `Give a request up as timeout after this many ms [default: ${defaultNetworkOptions.timeoutMs}]`, group },
  "drain-s": { type: "number", describe: `After Ctrl-C, wait this many s for answers in flight [default: ${defaultNetworkOptions.drainS}]`, group },
  "max-lateness-ms": { type: "number", describe: `Flag a run degraded when its p99 send lateness exceeds this, in ms [default: ${defaultMaxLatenessMs}]`, group },
  "function-map": { type: "string", describe: "JSON file mapping each function to its URL, method, headers and body template (README: The http: backend)", group },
  "cluster-dir": { type: "string", describe: "live:URL: the directory of the cluster's state file, whose tenant keys are sent [default: .xxbench-cluster]", group },
} as const;

export interface NetworkArgs {
  readonly "max-in-flight"?: number;
  readonly "timeout-ms"?: number;
  readonly "drain-s"?: number;
  readonly "max-lateness-ms"?: number;
  readonly "function-map"?: string;
  readonly "cluster-dir"?: string;
}

export interface NetworkSettings {
  readonly options: NetworkOptions;
  readonly maxLatenessMs: number;
  readonly functionMapPath?: string;
  readonly clusterDir?: string;
}

/** The network backends among `backendIds`: those that send on the wall clock. */
export function networkBackendIds(backendIds: readonly string[]): string[] {
  return backendIds.filter(isNetworkBackendId);
}

/**
 * The network flags resolved, or one line naming every bad one in its own units. Given without
 * a network backend they would do nothing, so they are refused like inapplicable sim options.
 */
export function networkSettingsFromArgs(args: NetworkArgs, backendIds: readonly string[]): NetworkSettings {
  const given = (Object.keys(networkFlags) as (keyof NetworkArgs)[]).filter((flag) => args[flag] !== undefined);
  if (given.length > 0 && networkBackendIds(backendIds).length === 0) {
    throw new UsageError(`${given.map((f) => `--${f}`).join(", ")} ${given.length === 1 ? "has" : "have"} no effect on ${backendIds.join(", ")} (only network backends, http:URL and live:URL, use ${given.length === 1 ? "it" : "them"})`);
  }
  const { options, errors } = resolveNetworkOptions({
    ...(args["max-in-flight"] !== undefined ? { maxInFlight: args["max-in-flight"] } : {}),
    ...(args["timeout-ms"] !== undefined ? { timeoutMs: args["timeout-ms"] } : {}),
    ...(args["drain-s"] !== undefined ? { drainS: args["drain-s"] } : {}),
  });
  const maxLatenessMs = args["max-lateness-ms"] ?? defaultMaxLatenessMs;
  if (!(Number.isFinite(maxLatenessMs) && maxLatenessMs > 0)) errors.push(`--max-lateness-ms must be > 0 ms (got ${maxLatenessMs})`);
  if (errors.length > 0) throw new UsageError(errors.join("; "));
  return {
    options,
    maxLatenessMs,
    ...(args["function-map"] !== undefined ? { functionMapPath: args["function-map"] } : {}),
    ...(args["cluster-dir"] !== undefined ? { clusterDir: args["cluster-dir"] } : {}),
  };
}
