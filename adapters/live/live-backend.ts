import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, BackendBilling, OutcomeSink, RunSummary, Surcharge } from "../backend.ts";
import { NetworkBackend } from "../network/network-backend.ts";
import type { NetworkOptions } from "../network/network-options.ts";
import type { NetworkProgressListener } from "../network/open-loop-driver.ts";
import { readClusterState } from "./cluster-state.ts";
import { freshenSurcharges } from "./freshen-charges.ts";
import { harvestFreshenLogs, markFreshenLogs } from "./freshen-log-reader.ts";
import { LiveInvoker } from "./live-invoker.ts";

/**
 * How long the end of a run waits for freshens its last calls started: a freshen is a prefetch
 * (ms to a few s), and one still running after this is left out of the bill and counted.
 */
const freshenSettleMs = 10_000;

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
 * XX's own model (class price × CPU, plus memory used), as sim:xx's are. Freshen runs (seed 003)
 * have no rows: the run reads them from the machine agents' logs when it ends (only those that
 * ended after it started) and bills them to their tenants as surcharges.
 */
export function liveBackend(url: string, options: LiveBackendOptions, prices: readonly number[]): Backend {
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
  const agentUrls = state.components.filter((c) => c.role === "agent").map((c) => c.url);
  return new LiveBackend(
    (billing) =>
      new NetworkBackend({
        id: `live:${url}`,
        config: { url, clusterDir: options.clusterDir, cluster: state.config, ...options.network, prices, billingModel: "xx" },
        billing,
        billingModel: "xx",
        options: options.network,
        invoker: () => new LiveInvoker(parsed, keys, options.network.maxInFlight),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    prices,
    agentUrls,
  );
}

/** The network backend, plus the freshen bill read from the agents around each run. */
class LiveBackend implements Backend {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly billing: BackendBilling;
  readonly pacing = "wall-clock";
  private readonly network: NetworkBackend;
  private charges: readonly Surcharge[] = [];

  constructor(
    network: (billing: BackendBilling) => NetworkBackend,
    private readonly prices: readonly number[],
    private readonly agentUrls: readonly string[],
  ) {
    this.billing = { prices, surcharges: () => this.charges };
    this.network = network(this.billing);
    this.id = this.network.id;
    this.config = this.network.config;
  }

  preflight(signal: AbortSignal): Promise<void> {
    return this.network.preflight(signal);
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    this.charges = [];
    const marks = await markFreshenLogs(this.agentUrls);
    const summary = await this.network.run(invocations, sink, signal);
    const harvest = await harvestFreshenLogs(marks, signal.aborted ? 0 : freshenSettleMs);
    this.charges = freshenSurcharges(harvest.jobs, this.prices);
    const cpuMs = harvest.jobs.reduce((sum, job) => sum + job.cpuMs, 0);
    const xxMicroCents = this.charges.filter((c) => c.model === "xx").reduce((sum, c) => sum + c.microCents, 0);
    const counters: Record<string, number> = { ...summary.counters };
    if (harvest.jobs.length > 0) Object.assign(counters, { "freshen.jobs": harvest.jobs.length, "freshen.cpuMs": cpuMs, "freshen.costMicroCents.xx": xxMicroCents });
    if (harvest.agentsUnread > 0) counters["freshen.agentsUnread"] = harvest.agentsUnread;
    if (harvest.lost > 0) counters["freshen.lostRecords"] = harvest.lost;
    if (harvest.stillRunning > 0) counters["freshen.stillRunningAgents"] = harvest.stillRunning;
    return { ...summary, counters };
  }
}
