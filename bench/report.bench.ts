// Report build time for one run of N invocations (default 10 M): `xxbench report` from the store
// to the files, timed in phases. The run is a real sim:xx replay at ρ = 0.9 (100 × 8 cores) into
// a temporary store, so the report reads realistic latency tails and machine samples.
// Usage: node --import tsx bench/report.bench.ts [invocations]
// Prints one JSON line on stdout (for bench/run.ts) and a readable line on stderr.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimBackend } from "../adapters/sim/sim-backend.ts";
import { simDefaults } from "../adapters/sim/sim-config.ts";
import { replay } from "../harness/replay/replay.ts";
import { RunStore } from "../harness/store/run-store.ts";
import { reportFromStore } from "../reports/report-from-store.ts";
import { bimodalWeights, syntheticDefaults } from "../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../traces/synthetic/synthetic-trace.ts";

const invocations = Number(process.argv[2] ?? process.env.XXBENCH_BENCH_INVOCATIONS ?? 10_000_000);
const dir = mkdtempSync(join(tmpdir(), "xxbench-report-bench-"));
try {
  const db = join(dir, "bench.duckdb");
  const sim = { ...simDefaults, seed: 1 };
  const trace = syntheticTrace({ ...syntheticDefaults, invocations, classWeights: bimodalWeights(4), cores: sim.machines * sim.cores });
  const store = await RunStore.open(db);
  const replayStarted = performance.now();
  try {
    await replay({ store, trace, backends: [new SimBackend("xx", sim, trace.prices)], seed: 1, signal: new AbortController().signal });
  } finally {
    store.close();
  }
  const replayMs = performance.now() - replayStarted;
  const result = await reportFromStore({ db, choice: { latest: true }, outDir: join(dir, "report") });
  const t = result.timings;
  const line = { invocations, replayMs, reportMs: t.totalMs, queryMs: t.queryMs, svgMs: t.svgMs, pngMs: t.pngMs, htmlMs: t.htmlMs, charts: result.report.charts.length, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stderr.write(
    `report of a ${(invocations / 1e6).toFixed(1)} M-invocation run: ${(t.totalMs! / 1000).toFixed(2)} s ` +
      `(queries ${(t.queryMs! / 1000).toFixed(2)} s, SVG ${(t.svgMs! / 1000).toFixed(2)} s, PNG ${(t.pngMs! / 1000).toFixed(2)} s, ${result.report.charts.length} charts)\n`,
  );
  process.stdout.write(`${JSON.stringify(line)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
