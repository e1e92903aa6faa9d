// `npm run bench`: the figures closing notes quote. Each measurement runs in its own process.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { textTable } from "../harness/cli/text-table.ts";

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

function measure(script: string, args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ["--import", "tsx", here(script), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as Record<string, number | string>;
}

const n = Number(process.env.XXBENCH_BENCH_INVOCATIONS ?? 1_000_000);
process.stdout.write(`xxbench benchmarks on ${process.version}, one core per measurement, 100 machines × 8 cores, ρ = 0.9, Pareto work\n\n`);

const simRows = ["generator", "xx", "hermod", "edf", "openwhisk", "knative"].map((policy) => {
  const r = measure("sim-throughput.ts", [policy, String(n)]);
  return [policy === "generator" ? "synthetic generator alone" : `sim:${policy} (generate + simulate)`, n, r.perSecond as number, r.eventsPerSecond as number, r.maxRssMb as number];
});
process.stdout.write(`${textTable(["what", "invocations", "invocations/s", "events/s", "peak RSS MB"], simRows)}\n\n`);

const memoryRows = ["xx", "hermod"].flatMap((policy) =>
  ["", "memory"].map((memory) => {
    const r = measure("sim-throughput.ts", [policy, String(n), memory]);
    return [`sim:${policy}`, memory === "memory" ? "32 GB RAM, swap / OOM" : "not modelled", r.perSecond as number, r.maxRssMb as number];
  }),
);
process.stdout.write(`Memory model on vs off (it may cost at most 2×):\n${textTable(["what", "memory", "invocations/s", "peak RSS MB"], memoryRows)}\n\n`);

const flatRows = [n / 10, n, n * 10].map((count) => {
  const r = measure("sim-throughput.ts", ["xx", String(count)]);
  return [`sim:xx`, count, r.perSecond as number, r.maxRssMb as number];
});
process.stdout.write(`Memory as the trace grows 10× (it must stay flat):\n${textTable(["what", "invocations", "invocations/s", "peak RSS MB"], flatRows)}\n\n`);

const store = measure("store-throughput.ts", [String(n)]);
process.stdout.write(`${textTable(["what", "rows", "rows/s", "peak RSS MB"], [["DuckDB outcome rows (RunWriter, writer thread)", n, store.perSecond as number, store.maxRssMb as number]])}\n\n`);

// The whole replay against the simulator alone, back to back so that both see the same machine
// load, three pairs in turn: on a shared machine one pair's ratio moves with the load, so the
// median and the range are printed. The replay thread's CPU time is what load distorts least.
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(", ");
const loadBefore = load();
const pairs = [0, 1, 2].map(() => ({ simAlone: measure("replay-throughput.ts", ["sim", String(n)]), wholeReplay: measure("replay-throughput.ts", ["replay", String(n)]) }));
const wholeReplayLarge = measure("replay-throughput.ts", ["replay", String(n * 10)]);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]): string => `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
const wallRatios = pairs.map((p) => (p.wholeReplay.perSecond as number) / (p.simAlone.perSecond as number));
const threadRatios = pairs.map((p) => (p.simAlone.replayThreadCpuSeconds as number) / (p.wholeReplay.replayThreadCpuSeconds as number));
const row = (what: string, count: number, r: Record<string, number | string>): (string | number)[] => [
  what,
  count,
  r.perSecond as number,
  r.cpuSeconds as number,
  r.replayThreadCpuSeconds as number,
  r.peakRssMb as number,
];
process.stdout.write(
  `Whole sim:xx replay (generate + simulate + store + billing) vs the simulator alone, peak RSS of the whole process (VmHWM, store included; must stay flat and under 400 MB):\n${textTable(
    ["what", "invocations", "invocations/s", "CPU s", "replay thread CPU s", "peak RSS MB"],
    [
      ...pairs.flatMap((p) => [row("simulator alone (counting sink)", n, p.simAlone), row("whole replay into a store", n, p.wholeReplay)]),
      row("whole replay into a store", n * 10, wholeReplayLarge),
    ],
  )}\n` +
    `end-to-end / simulator-alone rate at ${n} invocations, median (range) of ${pairs.length} pairs: ${spread(wallRatios)}; ` +
    `the same for the replay thread's CPU time (simulator alone / whole replay): ${spread(threadRatios)}; ` +
    `load average ${loadBefore} before, ${load()} after (on a shared machine the ratios, not the rates, are the figures to compare)\n`,
);

process.stdout.write("\nTrace readers (arrivals generated per second, peak RSS; each case in its own process):\n");
execFileSync(process.execPath, ["--import", "tsx", here("traces.bench.ts")], { stdio: "inherit" });

process.stdout.write("\nReport build from the store (a 10 M-invocation sim:xx run; the replay that fills the store is not timed):\n");
execFileSync(process.execPath, ["--import", "tsx", here("report.bench.ts")], { stdio: ["ignore", "ignore", "inherit"] });

process.stdout.write("\nReference function server (xxbench functions serve; requests with workMs 0, client in this machine's other process):\n");
execFileSync(process.execPath, ["--import", "tsx", here("function-server.bench.ts")], { stdio: "inherit" });

process.stdout.write("\nOpen-loop network driver (http: backend, one core, loopback server answering at once in its own process):\n");
execFileSync(process.execPath, ["--import", "tsx", here("network-driver.bench.ts")], { stdio: "inherit" });

process.stdout.write("\nlambda: backend through the official SDK (one core, the Invoke-API stand-in answering at once in its own process):\n");
execFileSync(process.execPath, ["--import", "tsx", here("lambda-sdk.bench.ts")], { stdio: "inherit" });

process.stdout.write("\nLive XX plane: the largest emulated cluster (machines × cores, timed work) one box drives at ρ = 0.9 with p99 send lateness < 1 ms (the plane on CPU 0, the load generator on CPU 1):\n");
// It starts itself again with the V8 flags it measures under (its GC settings).
execFileSync(process.execPath, ["--import", "tsx", here("live-cluster-size.bench.ts")], { stdio: "inherit" });

process.stdout.write("\nSweep engines: a 16-cell grid through local workers and a private one-node SLURM cluster (needs root and slurm-wlm):\n");
execFileSync(process.execPath, ["--import", "tsx", here("sweep-engines.bench.ts")], { stdio: "inherit" });
