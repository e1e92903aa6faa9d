import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { clusterDown, clusterUp, type ClusterSpec } from "../../../adapters/live/cluster-launcher.ts";
import type { ClusterState } from "../../../adapters/live/cluster-state.ts";

export interface TestCluster {
  readonly state: ClusterState;
  readonly dir: string;
  /** Stops every component by pid and removes the directory. */
  down(): Promise<void>;
}

/** A real live plane on loopback (separate processes), in a fresh temporary directory. */
export async function startTestCluster(spec: Partial<Omit<ClusterSpec, "dir">> = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-"));
  const clusterDir = join(dir, "cluster");
  try {
    const state = await clusterUp({
      dir: clusterDir,
      machines: 2,
      cores: 2,
      memoryMb: 2048,
      swapMb: 0,
      shards: 1,
      prices: [0.5, 1, 1.5, 2],
      tenants: ["tenant-0", "tenant-1"],
      workMode: "timed",
      memScale: 0,
      k: 2,
      strict: false,
      idleList: false,
      warm: 2,
      seed: 1,
      maxWorkMs: 10_000,
      ...spec,
    });
    return {
      state,
      dir: clusterDir,
      down: async () => {
        await clusterDown(clusterDir);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await clusterDown(clusterDir);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One raw request to the gateway. */
export async function callGateway(state: ClusterState, options: { key?: string; body: string; headers?: Record<string, string>; path?: string; method?: "GET" | "POST" }): Promise<GatewayAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const response = await request(new URL(options.path ?? "invoke", state.gatewayUrl), {
    method: options.method ?? "POST",
    headers,
    ...(options.method === "GET" ? {} : { body: options.body }),
  });
  const body = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(",") : v;
  return { status: response.statusCode, headers: flat, body };
}
