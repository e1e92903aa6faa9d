// `node --import tsx bench/live-plane.bench.ts [ROUNDS]`: the live XX plane's own costs on loopback
// (issue 10 point 8): placements/s one shard sustains, latency added per hop, and preemption
// latency. Starts its own plane (real processes), prints one table, stops it by pid.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool, request } from "undici";
import { clusterDown, clusterUp } from "../adapters/live/cluster-launcher.ts";
import type { ClusterState } from "../adapters/live/cluster-state.ts";
import { liveHeaders } from "../adapters/live/live-headers.ts";
import { textTable } from "../harness/cli/text-table.ts";

const rounds = Number(process.argv[2] ?? 300);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function invoke(state: ClusterState, body: object): Promise<{ ms: number; headers: Record<string, string> }> {
  const t0 = performance.now();
  const r = await request(new URL("invoke", state.gatewayUrl), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${state.keys["tenant-0"]}` },
    body: JSON.stringify(body),
  });
  await r.body.text();
  const ms = performance.now() - t0;
  if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`);
  return { ms, headers: r.headers as Record<string, string> };
}

async function withCluster<T>(spec: { machines: number; cores: number }, body: (state: ClusterState) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-bench-"));
  try {
    const state = await clusterUp({ dir, ...spec, memoryMb: 2048, swapMb: 0, shards: 1, prices: [0.5, 2], tenants: ["tenant-0"], workMode: "timed", memScale: 0, k: 2, strict: false, idleList: false, warm: 2, seed: 1, maxWorkMs: 60_000 });
    return await body(state);
  } finally {
    await clusterDown(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: (string | number)[][] = [];
const load = loadavg()[0]!.toFixed(1);

await withCluster({ machines: 2, cores: 2 }, async (state) => {
  // Per hop, sequential zero-work invocations: client ↔ gateway ↔ shard ↔ gateway ↔ agent.
  for (let i = 0; i < 20; i++) await invoke(state, { workMs: 0 });
  const total: number[] = [];
  const placement: number[] = [];
  const machineLeg: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const { ms, headers } = await invoke(state, { workMs: 0 });
    total.push(ms);
    const placed = Number(headers[liveHeaders.placedAfter]);
    placement.push(placed);
    machineLeg.push(Number(headers[liveHeaders.startedAfter]) - placed + Number(headers[liveHeaders.exec]));
  }
  rows.push(["client → gateway → answer, 0 ms work (whole plane)", rounds, quantile(total, 0.5), quantile(total, 0.99)]);
  rows.push(["gateway → shard → placement answer (hop + pick)", rounds, quantile(placement, 0.5), quantile(placement, 0.99)]);
  rows.push(["gateway → agent → start → answer (hop, 0 ms work)", rounds, quantile(machineLeg, 0.5), quantile(machineLeg, 0.99)]);

  // Placements/s of one shard: 64 concurrent placement requests at a time, straight to the shard.
  const shard = state.components.find((c) => c.role === "shard")!;
  const pool = new Pool(shard.url, { connections: 64, pipelining: 1 });
  const n = rounds * 20;
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (sent < n) {
        sent++;
        const r = await pool.request({ path: "/place", method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cls: sent % 2, uid: sent }) });
        await r.body.text();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await pool.destroy();
  rows.push([`one shard, placements/s (64 concurrent callers, ${n} placements)`, n, n / seconds, "–"]);
});

await withCluster({ machines: 1, cores: 1 }, async (state) => {
  // Preemption: a class-0 function runs; a class-1 arrival SIGSTOPs it and starts on its core.
  const latency: number[] = [];
  const preemptRounds = Math.max(10, Math.floor(rounds / 10));
  for (let i = 0; i < preemptRounds; i++) {
    const low = invoke(state, { priceClass: 0, workMs: 150 });
    await new Promise((r) => setTimeout(r, 40));
    const high = await invoke(state, { priceClass: 1, workMs: 1 });
    latency.push(Number(high.headers[liveHeaders.machineQueue]));
    const lowDone = await low;
    if (lowDone.headers[liveHeaders.preemptions] !== "1") throw new Error("the low-class function was not preempted");
  }
  rows.push(["preemption: arrival at agent → victim SIGSTOPped → newcomer's work sent", preemptRounds, quantile(latency, 0.5), quantile(latency, 0.99)]);
});

process.stdout.write(`live plane on loopback, ${process.version}, load average ${load} at start (2 vCPU shared)\n`);
process.stdout.write(`${textTable(["what", "n", "p50 ms (or /s)", "p99 ms"], rows)}\n`);
