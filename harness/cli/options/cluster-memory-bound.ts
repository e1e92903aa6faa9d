import { getHeapStatistics } from "node:v8";
import type { SimConfig } from "../../../adapters/sim/sim-config.ts";

/**
 * What one unit of simulated cluster costs in memory, measured on the `sim:xx` model (the
 * largest) with 4 price classes at 100 000 machines: 1.5 kB of heap and 0.25 kB of typed arrays
 * per machine, rounded up. A busy core holds a job-table slot (≈ 90 B, doubled by growth) and
 * the invocation it runs (≈ 200 B). XX's idle lists keep one 4-byte entry per machine per shard;
 * a shard's multi-queue is about 1 kB.
 */
export const clusterMemoryCost = {
  bytesPerMachine: 2048,
  bytesPerCore: 384,
  bytesPerMachinePerShard: 4,
  bytesPerShard: 1024,
} as const;

/** Bytes the simulator state of a cluster needs before the first arrival, at full occupancy. */
export function clusterBytes(c: Pick<SimConfig, "machines" | "cores" | "shards">): number {
  const m = clusterMemoryCost;
  return c.machines * (m.bytesPerMachine + m.bytesPerCore * c.cores + m.bytesPerMachinePerShard * c.shards) + c.shards * m.bytesPerShard;
}

/** Half of this process's V8 heap limit: the other half is for the trace reader, the queues and the store's buffers. */
export function processMemoryBudget(): number {
  return getHeapStatistics().heap_size_limit / 2;
}

/**
 * Refuses a cluster that cannot fit in `budgetBytes` (a `--machines 1e9` otherwise runs until V8
 * dies), saying the largest size that fits in the flags' own units.
 */
export function clusterMemoryErrors(c: Pick<SimConfig, "machines" | "cores" | "shards">, budgetBytes: number): string[] {
  if (!(clusterBytes(c) > budgetBytes)) return [];
  const m = clusterMemoryCost;
  const perMachine = m.bytesPerMachine + m.bytesPerCore * c.cores + m.bytesPerMachinePerShard * c.shards;
  const maxMachines = Math.floor((budgetBytes - c.shards * m.bytesPerShard) / perMachine);
  const limit =
    maxMachines >= 1
      ? `at most ${maxMachines.toLocaleString("en-US")} machines fit at --cores ${c.cores} and --shards ${c.shards}`
      : `even one machine does not fit: lower --cores (at most ${Math.max(0, Math.floor((budgetBytes - m.bytesPerMachine) / m.bytesPerCore)).toLocaleString("en-US")}) or --shards`;
  return [
    `--machines ${c.machines} × --cores ${c.cores} (--shards ${c.shards}) needs about ${formatBytes(clusterBytes(c))} of simulator memory, ` +
      `more than the ${formatBytes(budgetBytes)} this process allows (half its V8 heap limit; raise it with NODE_OPTIONS=--max-old-space-size=MB): ${limit}`,
  ];
}

function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
