// A whole sim:xx replay (generate + simulate + store) or the simulator alone, in this process,
// so its peak RSS is the replay's own, store included.
// Usage: node --import tsx bench/replay-throughput.ts <replay|sim> <invocations>
// Prints one JSON line: invocations/s, store rows/s for the replay, and peak RSS (VmHWM).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutcomeSink } from "../adapters/backend.ts";
import { SimBackend } from "../adapters/sim/sim-backend.ts";
import { simDefaults } from "../adapters/sim/sim-config.ts";
import { replay } from "../harness/replay/replay.ts";
import { RunStore } from "../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../traces/synthetic/synthetic-trace.ts";

const [mode = "replay", count = "1000000"] = process.argv.slice(2);
const invocations = Number(count);
const sim = { ...simDefaults, seed: 1 };
const trace = syntheticTrace({ ...syntheticDefaults, invocations, classWeights: bimodalWeights(4), cores: sim.machines * sim.cores });

/** Peak resident set of this process in MB, from the kernel's high-water mark. */
function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/**
 * CPU time of the calling thread in seconds (Linux; clock ticks of 10 ms). On a shared machine
 * the wall rate follows the load; the replay thread's CPU time is what load distorts least.
 */
function threadCpuSeconds(): number {
  const stat = readFileSync("/proc/thread-self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const dir = mkdtempSync(join(tmpdir(), "xxbench-replay-bench-"));
try {
  const cpuBefore = process.cpuUsage();
  const threadCpuBefore = threadCpuSeconds();
  const started = performance.now();
  if (mode === "sim") {
    let outcomes = 0;
    const countingSink: OutcomeSink = { outcome: () => void outcomes++, sample: () => undefined, classSample: () => undefined };
    await new SimBackend("xx", sim, trace.prices).run(trace.open(), countingSink, new AbortController().signal);
    if (outcomes !== invocations) throw new Error(`${outcomes} outcomes for ${invocations} invocations`);
  } else {
    const store = await RunStore.open(join(dir, "bench.duckdb"));
    try {
      await replay({ store, trace, backends: [new SimBackend("xx", sim, trace.prices)], seed: 1, signal: new AbortController().signal });
    } finally {
      store.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const threadCpu = threadCpuSeconds() - threadCpuBefore;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    JSON.stringify({
      mode,
      invocations,
      seconds,
      perSecond: invocations / seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      replayThreadCpuSeconds: threadCpu,
      peakRssMb: peakRssMb(),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
