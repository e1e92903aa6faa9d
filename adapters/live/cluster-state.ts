import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterNetwork } from "./network-namespaces.ts";

export interface ComponentRecord {
  readonly role: "gateway" | "shard" | "agent";
  /** Shard or machine index; 0 for the gateway. */
  readonly index: number;
  readonly pid: number;
  readonly url: string;
  readonly log: string;
  /** The options it was started with, so it can be started again the same way (`restartAgent`, `restartShard`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The network namespace it runs in (`cluster up --netns` agents); absent: the root namespace. */
  readonly namespace?: string;
  /** Times it was started again after it died (`restartAgent`, `restartShard`); absent: never. */
  readonly restarts?: number;
}

/** What `cluster up` leaves for `cluster down`, `cluster status` and `replay --backend live:`. */
export interface ClusterState {
  readonly gatewayUrl: string;
  /** Tenant → API key. */
  readonly keys: Readonly<Record<string, string>>;
  readonly components: readonly ComponentRecord[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly startedAt: string;
  /** The namespaces and veth pairs `cluster up --netns` made, which `cluster down` deletes. */
  readonly network?: ClusterNetwork;
}

export const stateFileName = "state.json";

/** Where `cluster up` keeps its state file and logs unless told otherwise. */
export const defaultClusterDir = ".xxbench-cluster";

export function stateFilePath(dir: string): string {
  return join(dir, stateFileName);
}

export function writeClusterState(dir: string, state: ClusterState): void {
  const path = stateFilePath(dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The state in `dir`, or undefined when no cluster was started there. Throws on a damaged file. */
export function readClusterState(dir: string): ClusterState | undefined {
  const path = stateFilePath(dir);
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as ClusterState;
  if (typeof parsed.gatewayUrl !== "string" || !Array.isArray(parsed.components)) throw new Error(`${path} is not a cluster state file`);
  return parsed;
}
