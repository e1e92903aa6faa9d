// A whole sim:xx replay (generate + simulate + store) or the simulator alone, in this process,
// so its peak RSS is the replay's own, store included.
// Usage: node --import tsx bench/replay-throughput.ts <replay|sim> <invocations>
// Prints one JSON line: invocations/s, the time and replay-thread CPU of each phase, peak RSS
// (VmHWM) and the load average before and after.
//
// Phases of a replay: `open` (RunStore.open), `start` (the run's row, the store lent to the writer
// thread), `stream` (backend.run: the trace generated, simulated, digested and its rows handed to
// the writer thread, which appends them meanwhile), `close` (the writer thread appends what is
// left, bills the run and closes the file; the store reopens it), `finish` (the run marked complete,
// the store closed). `stream` is the rate a long replay settles to; the others are the fixed cost
// of a run, except the rows still queued at the stream's end and the billing query in `close`,
// which grow with the run: bench/run.ts therefore also compares a run 10× as long.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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

/** Wall seconds and replay-thread CPU seconds of each phase, in the order they ran. */
const phases: Record<string, { seconds: number; threadCpuSeconds: number }> = {};
let phaseWall = performance.now();
let phaseCpu = threadCpuSeconds();
function endPhase(name: string): void {
  const wall = performance.now();
  const cpu = threadCpuSeconds();
  phases[name] = { seconds: (wall - phaseWall) / 1000, threadCpuSeconds: cpu - phaseCpu };
  phaseWall = wall;
  phaseCpu = cpu;
}

const loadBefore = loadavg();
const dir = mkdtempSync(join(tmpdir(), "xxbench-replay-bench-"));
try {
  const cpuBefore = process.cpuUsage();
  const threadCpuBefore = threadCpuSeconds();
  const started = performance.now();
  phaseWall = started;
  phaseCpu = threadCpuBefore;
  if (mode === "sim") {
    let outcomes = 0;
    const countingSink: OutcomeSink = { outcome: () => void outcomes++, sample: () => undefined, classSample: () => undefined };
    await new SimBackend("xx", sim, trace.prices).run(trace.open(), countingSink, new AbortController().signal);
    if (outcomes !== invocations) throw new Error(`${outcomes} outcomes for ${invocations} invocations`);
    endPhase("stream");
  } else {
    const store = await RunStore.open(join(dir, "bench.duckdb"));
    endPhase("open");
    // The phases are read off the calls replay() makes, wrapped here so replay.ts stays as it is.
    const backend = new SimBackend("xx", sim, trace.prices);
    const run = backend.run.bind(backend);
    backend.run = async (stream, sink, signal) => {
      endPhase("start");
      const summary = await run(stream, sink, signal);
      endPhase("stream");
      return summary;
    };
    const openRunWriter = store.openRunWriter.bind(store);
    store.openRunWriter = async (runId) => {
      const writer = await openRunWriter(runId);
      const close = writer.close.bind(writer);
      writer.close = async (statements) => {
        await close(statements);
        if (phases.close === undefined) endPhase("close");
      };
      return writer;
    };
    try {
      await replay({ store, trace, backends: [backend], seed: 1, signal: new AbortController().signal });
    } finally {
      store.close();
    }
    endPhase("finish");
  }
  const seconds = (performance.now() - started) / 1000;
  const threadCpu = threadCpuSeconds() - threadCpuBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const stream = phases.stream!;
  process.stdout.write(
    JSON.stringify({
      mode,
      invocations,
      seconds,
      perSecond: invocations / seconds,
      /** The stream phase alone: the rate with the run's fixed start and close left out. */
      streamPerSecond: invocations / stream.seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      replayThreadCpuSeconds: threadCpu,
      phases,
      peakRssMb: peakRssMb(),
      loadBefore,
      loadAfter: loadavg(),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
