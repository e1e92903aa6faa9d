import type { Backend } from "../../adapters/backend.ts";
import { FunctionMapError } from "../../adapters/http/function-map.ts";
import { httpBackend, HttpTargetError } from "../../adapters/http/http-backend.ts";
import { LambdaBackend } from "../../adapters/lambda/lambda-backend.ts";
import { LambdaFunctionMapError } from "../../adapters/lambda/lambda-function-map.ts";
import { LambdaPriceError } from "../../adapters/lambda/lambda-prices.ts";
import { LambdaTargetError } from "../../adapters/lambda/lambda-target.ts";
import { defaultNetworkOptions, type NetworkOptions } from "../../adapters/network/network-options.ts";
import type { NetworkProgressListener } from "../../adapters/network/open-loop-driver.ts";
import { liveBackend, LiveTargetError } from "../../adapters/live/live-backend.ts";
import { isSimPolicyName, simPolicies, type SimPolicy, type SimPolicyName } from "../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import type { SimConfig } from "../../adapters/sim/sim-config.ts";
import { flagText } from "../cli/options/sim-options.ts";
import { UsageError } from "../cli/usage-error.ts";
import { defaultClusterDir } from "../../adapters/live/cluster-state.ts";
import { appliedSimConfig, appliesSimConfigKey } from "./sim-config-applicability.ts";

export interface BackendContext {
  readonly sim: SimConfig;
  readonly prices: readonly number[];
  /** For network backends (`http:`): the driver's options, a function map, a progress listener. */
  readonly network?: NetworkContext;
}

export interface NetworkContext {
  readonly options: NetworkOptions;
  readonly functionMapPath?: string;
  readonly onProgress?: NetworkProgressListener;
  /** `live:`: the directory of the cluster's state file (tenant keys). */
  readonly clusterDir?: string;
}

/** Every backend id the harness can build, with what it is. */
export function knownBackends(): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(simPolicies).map(([name, p]) => [`sim:${name}`, p.describe])),
    "live:URL": "the live XX control plane's gateway (xxbench cluster up), paced open-loop with each tenant's key from --cluster-dir",
    "http:URL": "any HTTP function endpoint, paced open-loop: a POST of each invocation as JSON to URL (or what --function-map says)",
    "lambda:REGION": "AWS Lambda through the official SDK, paced open-loop; options ?arch=arm64&retries=N&mode=sleep&function=NAME (README: The lambda: backend)",
  };
}

/** Backends that send on the wall clock through the open-loop driver, by id prefix. */
const networkBackendPrefixes = ["http:", "lambda:", "live:"] as const;

export function isNetworkBackendId(id: string): boolean {
  return networkBackendPrefixes.some((prefix) => id.startsWith(prefix));
}

export function createBackend(id: string, context: BackendContext): Backend {
  if (id.startsWith("http:")) return createHttpBackend(id.slice("http:".length), context);
  if (id.startsWith("lambda:")) return createLambdaBackend(id.slice("lambda:".length), context);
  if (id.startsWith("live:")) return createLiveBackend(id.slice("live:".length), context);
  const policy = simPolicyOf(id);
  const problem = (simPolicies[policy] as SimPolicy).refuse?.(context.sim);
  if (problem !== undefined) throw new UsageError(problem);
  const backend = new SimBackend(policy, context.sim, context.prices);
  // The stored config says only what this policy applied; the run itself is unchanged.
  const config = { policy, ...appliedSimConfig(policy, context.sim), prices: context.prices };
  return { id: backend.id, config, billing: backend.billing, run: (invocations, sink, signal) => backend.run(invocations, sink, signal) };
}

function createHttpBackend(url: string, context: BackendContext): Backend {
  const network = context.network ?? { options: defaultNetworkOptions };
  try {
    return httpBackend(
      url,
      {
        network: network.options,
        ...(network.functionMapPath !== undefined ? { functionMapPath: network.functionMapPath } : {}),
        ...(network.onProgress ? { onProgress: network.onProgress } : {}),
      },
      context.prices,
    );
  } catch (error) {
    if (error instanceof FunctionMapError || error instanceof HttpTargetError) throw new UsageError(error.message);
    throw error;
  }
}

function createLambdaBackend(spec: string, context: BackendContext): Backend {
  const network = context.network ?? { options: defaultNetworkOptions };
  try {
    return new LambdaBackend(
      spec,
      {
        network: network.options,
        ...(network.functionMapPath !== undefined ? { functionMapPath: network.functionMapPath } : {}),
        ...(network.onProgress ? { onProgress: network.onProgress } : {}),
      },
      context.prices,
    );
  } catch (error) {
    if (error instanceof LambdaTargetError || error instanceof LambdaPriceError || error instanceof LambdaFunctionMapError) throw new UsageError(error.message);
    throw error;
  }
}

function createLiveBackend(url: string, context: BackendContext): Backend {
  const network = context.network ?? { options: defaultNetworkOptions };
  try {
    return liveBackend(
      url,
      { network: network.options, clusterDir: network.clusterDir ?? defaultClusterDir, ...(network.onProgress ? { onProgress: network.onProgress } : {}) },
      context.prices,
    );
  } catch (error) {
    if (error instanceof LiveTargetError) throw new UsageError(error.message);
    throw error;
  }
}

/** An option the user gave (its name without dashes), with the SimConfig key it sets. */
export interface GivenSimOption {
  readonly flag: string;
  readonly key: keyof SimConfig;
}

/**
 * Refuses every given option that none of `backendIds` applies (`--ram-gb` with only
 * `sim:edf`), so no run is stored as if it had applied. One backend using it is enough:
 * `--ram-gb 32 --backend sim:xx --backend sim:edf` is legal, and only the sim:xx run stores it.
 */
export function refuseInapplicableOptions(backendIds: readonly string[], given: readonly GivenSimOption[]): void {
  const policies = backendIds.filter((id) => !isNetworkBackendId(id)).map(simPolicyOf);
  const unused = given.filter(({ key }) => !policies.some((p) => appliesSimConfigKey(p, key)));
  if (unused.length === 0) return;
  const users = (key: keyof SimConfig): string =>
    (Object.keys(simPolicies) as SimPolicyName[])
      .filter((p) => appliesSimConfigKey(p, key))
      .map((p) => `sim:${p}`)
      .join(", ");
  throw new UsageError(
    unused.map(({ flag, key }) => `${flagText(flag)} has no effect on ${backendIds.join(", ")} (only ${users(key)} use${users(key).includes(",") ? "" : "s"} it)`).join("; "),
  );
}

function simPolicyOf(id: string): SimPolicyName {
  const [kind, rest] = splitOnce(id, ":");
  if (kind === "sim" && isSimPolicyName(rest)) return rest;
  throw new UsageError(`unknown backend "${id}"; known: ${Object.keys(knownBackends()).join(", ")}`);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}
