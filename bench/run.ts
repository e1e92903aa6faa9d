// `npm run bench`: the figures closing notes quote. Each measurement runs in its own process.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { textTable } from "../harness/cli/text-table.ts";

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

function measure(script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["--import", "tsx", here(script), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as Record<string, unknown>;
}

const n = Number(process.env.XXBENCH_BENCH_INVOCATIONS ?? 1_000_000);
// `npm run bench -- replay`: only the store and whole-replay figures (issue 8's), for a quick look.
const replayOnly = process.argv[2] === "replay";
process.stdout.write(`xxbench benchmarks on ${process.version}, one core per measurement, 100 machines × 8 cores, ρ = 0.9, Pareto work\n\n`);

if (!replayOnly) {
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
}

const store = measure("store-throughput.ts", [String(n)]);
process.stdout.write(`${textTable(["what", "rows", "rows/s", "peak RSS MB"], [["DuckDB outcome rows (RunWriter, writer thread; the rows are held in memory first)", n, store.perSecond as number, store.maxRssMb as number]])}\n\n`);

// The whole replay against the simulator alone, back to back so that both see the same machine
// load, three pairs in turn: on a shared machine one pair's ratio moves with the load, so the
// median and the range are printed. The replay thread's CPU time is what load distorts least.
// The steady state comes two ways: the stream phase alone (the run's start and close left out),
// and the marginal rate between a run of n and one of 10n (what the 9n more invocations cost,
// whatever phase they land in: rows still queued at the stream's end and billing included).
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(", ");
const loadBefore = load();
const pairs = [0, 1, 2].map(() => ({ simAlone: measure("replay-throughput.ts", ["sim", String(n)]), wholeReplay: measure("replay-throughput.ts", ["replay", String(n)]) }));
const simLarge = measure("replay-throughput.ts", ["sim", String(n * 10)]);
const wholeReplayLarge = measure("replay-throughput.ts", ["replay", String(n * 10)]);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]): string => `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
const num = (r: Record<string, unknown>, key: string): number => r[key] as number;
const wallRatios = pairs.map((p) => num(p.wholeReplay, "perSecond") / num(p.simAlone, "perSecond"));
const streamRatios = pairs.map((p) => num(p.wholeReplay, "streamPerSecond") / num(p.simAlone, "streamPerSecond"));
const threadRatios = pairs.map((p) => num(p.simAlone, "replayThreadCpuSeconds") / num(p.wholeReplay, "replayThreadCpuSeconds"));
const marginalSimSeconds = num(simLarge, "seconds") - median(pairs.map((p) => num(p.simAlone, "seconds")));
const marginalReplaySeconds = num(wholeReplayLarge, "seconds") - median(pairs.map((p) => num(p.wholeReplay, "seconds")));
const load1 = (r: Record<string, unknown>): number => (r.loadBefore as number[])[0]!;
const row = (what: string, count: number, r: Record<string, unknown>): (string | number)[] => [
  what,
  count,
  num(r, "perSecond"),
  num(r, "streamPerSecond"),
  num(r, "cpuSeconds"),
  num(r, "replayThreadCpuSeconds"),
  num(r, "peakRssMb"),
  load1(r),
];
process.stdout.write(
  `Whole sim:xx replay (generate + simulate + store + billing) vs the simulator alone, peak RSS of the whole process (VmHWM, store included; must stay flat and under 400 MB):\n${textTable(
    ["what", "invocations", "invocations/s", "stream phase inv/s", "CPU s", "replay thread CPU s", "peak RSS MB", "load (1 min)"],
    [
      ...pairs.flatMap((p) => [row("simulator alone (counting sink)", n, p.simAlone), row("whole replay into a store", n, p.wholeReplay)]),
      row("simulator alone (counting sink)", n * 10, simLarge),
      row("whole replay into a store", n * 10, wholeReplayLarge),
    ],
  )}\n`,
);
type Phases = Record<string, { seconds: number; threadCpuSeconds: number }>;
const phaseNames = Object.keys(pairs[0]!.wholeReplay.phases as Phases);
const phaseOf = (r: Record<string, unknown>, name: string): { seconds: number; threadCpuSeconds: number } => (r.phases as Phases)[name]!;
process.stdout.write(
  `Where a whole replay's time goes, median of the ${pairs.length} runs of ${n} and the run of ${n * 10} (wall s; replay thread CPU s):\n${textTable(
    ["phase", `${n}: wall s`, `${n}: thread CPU s`, `${n * 10}: wall s`, `${n * 10}: thread CPU s`],
    phaseNames.map((name) => [
      name,
      median(pairs.map((p) => phaseOf(p.wholeReplay, name).seconds)),
      median(pairs.map((p) => phaseOf(p.wholeReplay, name).threadCpuSeconds)),
      phaseOf(wholeReplayLarge, name).seconds,
      phaseOf(wholeReplayLarge, name).threadCpuSeconds,
    ]),
  )}\n` +
    `end-to-end / simulator-alone rate at ${n} invocations, median (range) of ${pairs.length} pairs: ${spread(wallRatios)}; ` +
    `the stream phase alone (steady state, the run's start and close left out): ${spread(streamRatios)}; ` +
    `the replay thread's CPU time (simulator alone / whole replay): ${spread(threadRatios)}\n` +
    `steady state from the marginal rate, ${n} → ${n * 10} invocations: simulator alone ${((9 * n) / marginalSimSeconds).toFixed(0)}/s, ` +
    `whole replay ${((9 * n) / marginalReplaySeconds).toFixed(0)}/s, ratio ${(marginalSimSeconds / marginalReplaySeconds).toFixed(2)}; ` +
    `fixed cost of a whole replay (its time at ${n} less ${n} at the marginal rate): ${(median(pairs.map((p) => num(p.wholeReplay, "seconds"))) - marginalReplaySeconds / 9).toFixed(2)} s\n` +
    `load average ${loadBefore} before, ${load()} after (on a shared machine the ratios, not the rates, are the figures to compare)\n`,
);

if (replayOnly) process.exit(0);

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
