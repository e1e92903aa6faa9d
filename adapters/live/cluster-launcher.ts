import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ClusterState, type ComponentRecord, readClusterState, stateFilePath, writeClusterState } from "./cluster-state.ts";
import type { LiveWorkMode } from "./function-runtime-protocol.ts";
import type { GatewayOptions } from "./gateway.ts";
import type { MachineAgentOptions } from "./machine-agent.ts";
import { type ClusterNetwork, createClusterNetwork, deleteClusterNetwork } from "./network-namespaces.ts";
import { isAlive, isOurProcess } from "../process-liveness.ts";
import { swappingNote } from "./swapping-note.ts";
import type { ShardServerOptions } from "./shard-server.ts";
import { TenantKeys } from "./tenant-keys.ts";
import { Upstream } from "./upstream.ts";

const mainPath = fileURLToPath(new URL("./component-main.ts", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
/** Every component's command line contains this: `down` signals only pids that still carry it. */
export const componentMarker = "component-main.ts";
const readyTimeoutMs = 60_000;

export interface ClusterSpec {
  readonly dir: string;
  readonly machines: number;
  readonly cores: number;
  readonly memoryMb: number;
  /** Swap each machine may fill, MB (0: none; needs swap on the box). */
  readonly swapMb: number;
  readonly shards: number;
  readonly prices: readonly number[];
  readonly tenants: readonly string[];
  readonly workMode: LiveWorkMode;
  readonly memScale: number;
  readonly k: number;
  readonly strict: boolean;
  readonly idleList: boolean;
  readonly warm: number;
  readonly seed: number;
  readonly maxWorkMs: number;
  /** A user function module (absolute path) the agents run instead of synthetic work. */
  readonly functionModule?: string;
  /**
   * Each machine agent in its own network namespace, joined to this one by a veth pair (root
   * only; see network-namespaces.ts), so placement crosses a real network stack. Default: loopback.
   */
  readonly netns?: boolean;
}

/** A cluster already runs from this directory. */
export class ClusterRunningError extends Error {
  override readonly name = "ClusterRunningError";
}

/**
 * Starts the live plane as separate processes on loopback: the shards, then one machine agent per
 * machine (each registers with every shard), then the gateway. Each component is its own process
 * group (so `down` stops an agent together with its function processes) and logs to DIR/ROLE-I.log.
 * If any fails to start, the ones started are stopped and the error names the failing one.
 * With `netns`, the namespaces are made and their routes checked first; the shards then listen on
 * the root side of machine 0's veth (every namespace routes to it through its own pair), each
 * agent on its namespace address, the gateway still on loopback.
 */
export async function clusterUp(spec: ClusterSpec): Promise<ClusterState> {
  mkdirSync(spec.dir, { recursive: true });
  const existing = readClusterState(spec.dir);
  if (existing && existing.components.some((c) => isOurProcess(c.pid, componentMarker))) {
    throw new ClusterRunningError(`a cluster is already running from ${spec.dir} (gateway ${existing.gatewayUrl}); stop it with xxbench cluster down first`);
  }
  // A dead cluster's namespaces (its `down` never ran) go before new ones are made.
  if (existing?.network) await removeNetwork(existing.network);
  const started: ComponentRecord[] = [];
  const host = "127.0.0.1";
  let network: ClusterNetwork | undefined;
  try {
    if (spec.netns) {
      network = await createClusterNetwork(spec.machines);
      // Recorded before anything starts, so `cluster down` finds the namespaces whatever happens next.
      writeClusterState(spec.dir, { gatewayUrl: "", keys: {}, components: [], config: {}, startedAt: new Date().toISOString(), network });
    }
    const shardHost = network?.serviceAddress ?? host;
    const machineHosts = network?.machines.map((m) => m.namespaceAddress);
    const shards = await Promise.all(
      Array.from({ length: spec.shards }, (_, s) => {
        const options: ShardServerOptions = { shard: s, machines: spec.machines, prices: spec.prices, k: spec.k, strict: spec.strict, idleList: spec.idleList, seed: spec.seed, host: shardHost, port: 0, ...(machineHosts ? { machineHosts } : {}) };
        return launch(spec.dir, "shard", s, options, started);
      }),
    );
    const shardUrls = shards.map((s) => s.url);
    await Promise.all(
      Array.from({ length: spec.machines }, (_, m) => {
        const options: MachineAgentOptions = {
          machine: m,
          cores: spec.cores,
          memoryMb: spec.memoryMb,
          swapMb: spec.swapMb,
          classes: spec.prices.length,
          workMode: spec.workMode,
          ...(spec.functionModule !== undefined ? { functionModule: spec.functionModule } : {}),
          warm: spec.warm,
          shards: shardUrls,
          idleList: spec.idleList,
          idleFreeShare: 0.25,
          idleStepShare: 0.05,
          k: spec.k,
          seed: spec.seed,
          host: machineHosts?.[m] ?? host,
          port: 0,
        };
        return launch(spec.dir, "agent", m, options, started, false, network?.machines[m]?.namespace);
      }),
    );
    const keys = TenantKeys.fresh(spec.tenants).keys;
    const gatewayOptions: GatewayOptions = {
      shards: shardUrls,
      classes: spec.prices.length,
      keys,
      budgetsUsd: {},
      memScale: spec.memScale,
      maxWorkMs: spec.maxWorkMs,
      maxMemMb: spec.memoryMb,
      tokenTtlMs: 10 * 60_000,
      host,
      port: 0,
    };
    const gateway = await launch(spec.dir, "gateway", 0, gatewayOptions, started);
    const state: ClusterState = {
      gatewayUrl: gateway.url,
      keys,
      components: started,
      config: { ...spec, dir: undefined, swapping: swappingNote(spec.swapMb) },
      startedAt: new Date().toISOString(),
      ...(network ? { network } : {}),
    };
    writeClusterState(spec.dir, state);
    return state;
  } catch (error) {
    await stopComponents(started);
    if (network) {
      try {
        await removeNetwork(network);
        rmSync(stateFilePath(spec.dir), { force: true });
      } catch (cleanup) {
        // The state file stays, so `cluster down` can try again; the start-up error comes first.
        throw new Error(`${error instanceof Error ? error.message : String(error)}; then ${cleanup instanceof Error ? cleanup.message : String(cleanup)}`);
      }
    }
    throw error;
  }
}

/** Deletes a cluster's namespaces (its processes stopped first); throws naming any that remain. */
async function removeNetwork(network: ClusterNetwork): Promise<void> {
  const left = await deleteClusterNetwork(network);
  if (left.length > 0) throw new Error(`could not delete ${left.join(", ")} (a process may still run in it: see ip netns pids NAME)`);
}

async function launch(dir: string, role: ComponentRecord["role"], index: number, options: object, started: ComponentRecord[], append = false, namespace?: string): Promise<ComponentRecord> {
  const name = role === "gateway" ? "gateway" : `${role}-${index}`;
  const readyFile = join(dir, `${name}.ready.json`);
  const log = join(dir, `${name}.log`);
  rmSync(readyFile, { force: true });
  const fd = openSync(log, append ? "a" : "w");
  const command = [process.execPath, "--import", tsxLoader, mainPath, role, JSON.stringify(options), readyFile];
  // `ip netns exec` enters the namespace and execs node in place, so the pid is the component's.
  const [file, ...args] = namespace === undefined ? command : ["ip", "netns", "exec", namespace, ...command];
  const child = spawn(file!, args, { detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} could not be started (see ${log})`);
  const record: ComponentRecord = { role, index, pid, url: "", log, options: options as Record<string, unknown>, ...(namespace !== undefined ? { namespace } : {}) };
  started.push(record);
  const deadline = performance.now() + readyTimeoutMs;
  while (!existsSync(readyFile)) {
    if (!isAlive(pid)) throw new Error(`${name} exited before it was ready: ${lastLine(log)}`);
    if (performance.now() > deadline) throw new Error(`${name} was not ready within ${readyTimeoutMs / 1000} s (see ${log})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ready = JSON.parse(readFileSync(readyFile, "utf8")) as { url: string };
  rmSync(readyFile, { force: true });
  const done = { ...record, url: ready.url };
  started[started.indexOf(record)] = done;
  return done;
}

function lastLine(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return lines[lines.length - 1] || "(empty log)";
  } catch {
    return "(no log)";
  }
}

/**
 * Stops components by their recorded pids: SIGTERM to each one's process group (an agent's
 * function processes are in it), SIGKILL after a grace period. A pid no longer running a
 * component (ended, or reused by another program) is left alone.
 */
export async function stopComponents(components: readonly ComponentRecord[], graceMs = 3_000): Promise<number> {
  const ours = components.filter((c) => isOurProcess(c.pid, componentMarker));
  for (const c of ours) signalGroup(c.pid, "SIGTERM");
  const deadline = performance.now() + graceMs;
  while (ours.some((c) => isAlive(c.pid)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  // Their function processes too: a stopped one ignores SIGTERM until continued.
  for (const c of ours) signalGroup(c.pid, "SIGKILL");
  while (ours.some((c) => isAlive(c.pid)) && performance.now() < deadline + 2_000) await new Promise((r) => setTimeout(r, 25));
  return ours.length;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/**
 * Starts machine agent `machine` of the cluster in `dir` again, with its recorded options, after
 * it died (a fault test, or an operator's restart); it registers with every shard, which then
 * place on it again. Refuses while the recorded agent still runs.
 */
export async function restartAgent(dir: string, machine: number): Promise<ComponentRecord> {
  return restart(dir, "agent", machine, (options) => options);
}

/**
 * Starts shard `shard` of the cluster in `dir` again after it died, with its recorded options on
 * the very host:port it had, so the gateway and the agents reach it at the URL they know. It
 * starts knowing no machine: each agent re-registers (with its function count and idle-list
 * entry) when the shard answers its next report "unknown machine", and a quiet agent's heartbeat
 * is such a report (machine-agent.ts), so the shard relearns every live machine within about a
 * heartbeat. Refuses while the recorded shard still runs.
 */
export async function restartShard(dir: string, shard: number): Promise<ComponentRecord> {
  return restart(dir, "shard", shard, (options, old) => ({ ...options, port: Number(new URL(old.url).port) }));
}

async function restart(dir: string, role: "agent" | "shard", index: number, optionsFor: (options: Readonly<Record<string, unknown>>, old: ComponentRecord) => Record<string, unknown>): Promise<ComponentRecord> {
  const name = role === "agent" ? "machine" : "shard";
  const state = readClusterState(dir);
  if (!state) throw new Error(`no cluster state in ${dir}`);
  const at = state.components.findIndex((c) => c.role === role && c.index === index);
  const old = state.components[at];
  if (!old) throw new Error(`the cluster in ${dir} has no ${name} ${index}`);
  if (isOurProcess(old.pid, componentMarker)) throw new Error(`${name} ${index} still runs (pid ${old.pid})`);
  const started: ComponentRecord[] = [];
  const fresh = await launch(dir, role, index, optionsFor(old.options, old), started, true, old.namespace);
  // The record keeps the options it was first started with (port 0 for a shard: `cluster up`'s choice).
  const record: ComponentRecord = { ...fresh, options: old.options, restarts: (old.restarts ?? 0) + 1 };
  const components = [...state.components];
  components[at] = record;
  writeClusterState(dir, { ...state, components });
  return record;
}

/**
 * Stops the cluster started from `dir`, deletes its network namespaces (if `--netns`) and removes
 * its state file; returns the components stopped. The state file stays if a namespace could not
 * be deleted, so `down` can be run again.
 */
export async function clusterDown(dir: string): Promise<number> {
  const state = readClusterState(dir);
  if (!state) return 0;
  const stopped = await stopComponents(state.components);
  if (state.network) await removeNetwork(state.network);
  rmSync(stateFilePath(dir), { force: true });
  return stopped;
}

export interface ComponentStatus {
  readonly record: ComponentRecord;
  readonly alive: boolean;
  readonly status?: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

/** Each component's liveness and its own /status. */
export async function clusterStatus(state: ClusterState): Promise<ComponentStatus[]> {
  return Promise.all(
    state.components.map(async (record): Promise<ComponentStatus> => {
      const alive = isOurProcess(record.pid, componentMarker);
      if (!alive) return { record, alive };
      const upstream = new Upstream(record.url, { connections: 1 });
      try {
        const answer = await upstream.get("/status");
        return { record, alive, status: JSON.parse(answer.body) as Record<string, unknown> };
      } catch (error) {
        return { record, alive, error: error instanceof Error ? error.message : String(error) };
      } finally {
        await upstream.close();
      }
    }),
  );
}
