import { NetworkBackend } from "../network/network-backend.ts";
import type { NetworkOptions } from "../network/network-options.ts";
import type { NetworkProgressListener } from "../network/open-loop-driver.ts";
import { readClusterState } from "./cluster-state.ts";
import { LiveInvoker } from "./live-invoker.ts";

/** A bad `live:` backend id or missing keys: one line naming it. */
export class LiveTargetError extends Error {
  override readonly name = "LiveTargetError";
}

export interface LiveBackendOptions {
  readonly network: NetworkOptions;
  /** The directory `xxbench cluster up` wrote its state file (tenant keys) to. */
  readonly clusterDir: string;
  readonly onProgress?: NetworkProgressListener;
}

/**
 * `live:URL`: the trace replayed open-loop against the live plane's gateway at URL (loopback only),
 * each invocation sent with its tenant's key from the cluster's state file. Rows are billed under
 * XX's own model (class price × CPU, plus memory used), as sim:xx's are.
 */
export function liveBackend(url: string, options: LiveBackendOptions, prices: readonly number[]): NetworkBackend {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LiveTargetError(`backend live:${url}: "${url}" is not a URL (e.g. live:http://127.0.0.1:8080/)`);
  }
  if (parsed.protocol !== "http:") throw new LiveTargetError(`backend live:${url}: the gateway URL must be http:// (got ${parsed.protocol})`);
  if (!["127.0.0.1", "[::1]", "localhost"].includes(parsed.hostname)) throw new LiveTargetError(`backend live:${url}: the live plane runs on loopback only (got host ${parsed.hostname})`);
  let state;
  try {
    state = readClusterState(options.clusterDir);
  } catch (error) {
    throw new LiveTargetError(`backend live:${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!state) throw new LiveTargetError(`backend live:${url}: no cluster state in ${options.clusterDir} to read tenant keys from (start the plane with xxbench cluster up, or pass --cluster-dir)`);
  const keys = state.keys;
  return new NetworkBackend({
    id: `live:${url}`,
    config: { url, clusterDir: options.clusterDir, cluster: state.config, ...options.network, prices, billingModel: "xx" },
    billing: { prices },
    billingModel: "xx",
    options: options.network,
    invoker: () => new LiveInvoker(parsed, keys, options.network.maxInFlight),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
