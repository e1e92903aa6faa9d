// Outcome rows appended to a DuckDB file per second, through the same RunWriter replays use
// (typed blocks filled here, appended by the writer thread), timed until the rows are in the file.
// Usage: node --import tsx bench/store-throughput.ts <rows>
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunStore } from "../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../traces/synthetic/synthetic-trace.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "xxbench-bench-"));
const trace = syntheticTrace({ ...syntheticDefaults, invocations: rows, classWeights: bimodalWeights(4) });
const batches = [];
for await (const batch of trace.open()) batches.push(batch);

const store = await RunStore.open(join(dir, "bench.duckdb"));
const runId = await store.beginRun({ backend: "bench", traceKind: "synthetic", seed: 1, config: {}, manifest: {} });
const started = performance.now();
const writer = await store.openRunWriter(runId);
for (const batch of batches) {
  for (const inv of batch) {
    writer.outcome(inv, {
      status: "ok",
      placedMs: inv.arrivalMs,
      startMs: inv.arrivalMs,
      endMs: inv.arrivalMs + inv.workMs,
      machine: inv.id % 100,
      preemptions: 0,
      swappedOutMb: 0,
      costMicroCents: inv.workMs,
      ranClass: inv.priceClass,
    });
  }
}
await writer.close();
const seconds = (performance.now() - started) / 1000;
store.close();
rmSync(dir, { recursive: true, force: true });
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ rows, seconds, perSecond: rows / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
