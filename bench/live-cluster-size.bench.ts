/**
 * The largest emulated cluster one box drives (issue 10 point 8): live planes of growing size
 * (machines × cores, `timed` work, so an emulated core burns no CPU) replayed at load ρ = 0.9
 * through the real `live:` backend (the open-loop driver, undici keep-alive, the gateway, a shard,
 * the agents, a function process per running invocation); the largest whose driver sends with p99
 * lateness (actual − intended send time) under 1 ms.
 *
 *   npx tsx bench/live-cluster-size.bench.ts                 # 1×2, 4×4, 8×4, 16×4 (about 80 s)
 *   XXBENCH_LIVE_SIZES=16x4,32x4 npx tsx bench/live-cluster-size.bench.ts   # further (32×4: 160 processes to start)
 *   XXBENCH_LIVE_SIZES=2x2,8x4 XXBENCH_LIVE_SECONDS=3 XXBENCH_LIVE_PIN=0 npx tsx bench/live-cluster-size.bench.ts
 *
 * What makes it fair on a small shared box:
 * - The request rate is the same at every size (XXBENCH_LIVE_RATE, 50/s): each size's work per
 *   invocation is chosen so that rate is ρ = 0.9 of its cores (W = 0.9 · cores / rate), so a
 *   larger cluster means more machines, processes and concurrent functions, not more requests.
 *   Arrivals are Poisson (seeded), one price class (no preemption: the pool never runs dry). The
 *   driver's work is the same at every size; what grows is the plane: agents, function processes,
 *   functions in flight (up to 0.9 × cores), on one CPU.
 * - Cold starts are a separate figure: every agent starts `cores` function processes (with one class a machine runs at most `cores`, and the pool starts a spare whenever its last idle one is taken) before
 *   anything is measured, and a warm-up second of the same load runs first; the cold starts
 *   during the measured part are counted (they should be 0).
 * - The load generator normally runs on its own host. Here it gets its own CPU: the plane (every
 *   component and function process) is pinned to CPU 0 with taskset, this process to CPU 1
 *   (XXBENCH_LIVE_PIN=0 turns that off, to see what sharing costs).
 * - The driver's thread runs at real-time priority while it measures (XXBENCH_LIVE_REALTIME=0:
 *   not), and its GC on that thread alone with a larger young generation (XXBENCH_LIVE_GC_FLAGS=0: not).
 * Per size it prints where lateness could come from: how long the driver's thread sat runnable
 * waiting for a CPU (schedstat: other processes on its CPU), its event loop's longest stall, its
 * GC pauses, its CPU, and the plane's CPU.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { request } from "undici";
import type { ClassSample, MachineSample, Outcome, OutcomeSink } from "../adapters/backend.ts";
import { clusterDown, clusterUp } from "../adapters/live/cluster-launcher.ts";
import type { ClusterState } from "../adapters/live/cluster-state.ts";
import { liveBackend } from "../adapters/live/live-backend.ts";
import { defaultNetworkOptions } from "../adapters/network/network-options.ts";
import { textTable } from "../harness/cli/text-table.ts";
import type { Invocation, InvocationBatch } from "../traces/invocation.ts";
import { SeededRandom } from "../traces/seeded-random.ts";

/**
 * The driver's own GC pauses are lateness too: every send found late by more than 0.5 ms here
 * fell inside a scavenge (the driver's pacing allocates some 30 MB/s at 50 sends/s). So V8 runs
 * GC on this (real-time) thread alone, rather than waiting on helper threads the box's other work
 * may hold off the CPU, with a fixed 128 MB semi-space (a scavenge every few seconds, none that
 * grows the heap; settleHeap). Re-executes itself with those flags when started without.
 */
const gcFlags = ["--single-threaded-gc", "--min-semi-space-size=128", "--max-semi-space-size=128", "--expose-gc"];
if (process.env.XXBENCH_LIVE_GC_FLAGS !== "0" && !gcFlags.every((f) => process.execArgv.includes(f))) {
  const child = spawnSync(process.execPath, [...gcFlags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const sizes = (process.env.XXBENCH_LIVE_SIZES ?? "1x2,4x4,8x4,16x4").split(",").map((s) => {
  const [machines, cores] = s.split("x").map(Number);
  if (!(Number.isInteger(machines) && Number.isInteger(cores) && machines! > 0 && cores! > 0)) throw new Error(`XXBENCH_LIVE_SIZES: ${s} is not MACHINESxCORES`);
  return { machines: machines!, cores: cores! };
});
const seconds = Number(process.env.XXBENCH_LIVE_SECONDS ?? 6);
const ratePerS = Number(process.env.XXBENCH_LIVE_RATE ?? 50);
const pin = process.env.XXBENCH_LIVE_PIN !== "0" && availableParallelism() >= 2;
/** The driver's thread at real-time priority (SCHED_FIFO) while it measures, so the box's other work cannot hold it off its CPU. */
const realtime = pin && process.env.XXBENCH_LIVE_REALTIME !== "0";
const rho = 0.9;
const prices = [1];

/** Poisson arrivals at `ratePerS` from `startMs`, each `workMs` of timed work. */
function* poisson(count: number, workMs: number, startMs: number, seed: number): Generator<Invocation> {
  const rng = SeededRandom.forPurpose(seed, "live-cluster-size-arrivals");
  let at = startMs;
  for (let id = 0; id < count; id++) {
    at += rng.exponential(1000 / ratePerS);
    yield { id, arrivalMs: at, tenant: "tenant-0", app: "a", fn: "f", priceClass: 0, workMs, memStartMb: 0, memPeakMb: 0 };
  }
}

async function* batches(invocations: Iterable<Invocation>): AsyncGenerator<InvocationBatch> {
  yield [...invocations];
}

class LatencySink implements OutcomeSink {
  readonly lateness: number[] = [];
  readonly overhead: number[] = [];
  readonly machineQueue: number[] = [];
  /** Latency less work less the machine queue: what the gateway, shard, hops and agent add. */
  readonly plane: number[] = [];
  notOk = 0;
  outcome(inv: Invocation, outcome: Outcome): void {
    if (outcome.status !== "ok" || outcome.sentMs === undefined || outcome.endMs === undefined) {
      this.notOk++;
      return;
    }
    this.lateness.push(outcome.sentMs - inv.arrivalMs);
    this.overhead.push(outcome.endMs - outcome.sentMs - inv.workMs);
    this.machineQueue.push(outcome.machineQueueMs ?? 0);
    this.plane.push(outcome.endMs - outcome.sentMs - inv.workMs - (outcome.machineQueueMs ?? 0));
  }
  sample(_s: MachineSample): void {}
  classSample(_s: ClassSample): void {}
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** ms this thread has sat runnable waiting for a CPU (Linux schedstat run delay). */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** A process and all its descendants (the plane's function processes are the agents' children). */
function withDescendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8").trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // It ended meanwhile.
    }
  }
  return out;
}

function planePids(state: ClusterState): number[] {
  return state.components.flatMap((c) => withDescendants(c.pid));
}

/** CPU ms (user + system) the processes have used. */
function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Ended.
    }
  }
  return ticks * 10;
}

/**
 * SCHED_FIFO priority 10 for this process's main thread (the driver's event loop), reset on fork
 * so nothing it starts inherits it; or back to the normal policy. A stand-in for the load
 * generator having a host of its own: another program on its CPU then waits for it, not it for
 * them. The driver sleeps between sends (it spins only the last 1.5 ms before each), and the
 * kernel's real-time throttling leaves others 5 % of every second in any case.
 */
function setRealtime(on: boolean): boolean {
  try {
    execFileSync("chrt", on ? ["-f", "-R", "-p", "10", String(process.pid)] : ["-o", "-p", "0", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function pinTo(cpu: number, pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    } catch {
      // Ended meanwhile.
    }
  }
}

async function coldStarts(state: ClusterState): Promise<number> {
  let sum = 0;
  for (const agent of state.components.filter((c) => c.role === "agent")) {
    const r = await request(new URL("status", agent.url));
    sum += ((await r.body.json()) as { coldStarts: number }).coldStarts;
  }
  return sum;
}

/**
 * Before a measurement: the young generation's pages touched (junk allocated through it twice),
 * then emptied, so the measured seconds see as few scavenges as its size allows and none that
 * grows the heap (a growing scavenge took 13–26 ms here; a steady one about 1 ms).
 */
function settleHeap(): void {
  // Stored in a ring, so the compiler cannot optimise the allocation away: 10 M small objects, about 3 × the semi-space.
  const ring: { i: number }[] = new Array<{ i: number }>(1024);
  for (let i = 0; i < 10_000_000; i++) ring[i & 1023] = { i };
  (globalThis as { gc?: (options: { type: "minor" | "major" }) => void }).gc?.({ type: "major" });
  (globalThis as { gc?: (options: { type: "minor" | "major" }) => void }).gc?.({ type: "minor" });
}

const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push(entry.duration);
}).observe({ entryTypes: ["gc"] });

const rows: (string | number)[][] = [];
let realtimeUsed = false;
let largest: string | undefined;
let lastFits = false;
let notStarted: string | undefined;
const loadAtStart = loadavg()[0]!.toFixed(2);
for (const { machines, cores } of sizes) {
  const workMs = Math.round((rho * machines * cores * 1000) / ratePerS);
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-size-"));
  try {
    // Both CPUs while it starts (a Node process each), pinned once it serves; processes the
    // agents start later inherit their CPU.
    let state: ClusterState;
    try {
      state = await clusterUp({ dir, machines, cores, memoryMb: 1024, swapMb: 0, shards: 1, prices, tenants: ["tenant-0"], workMode: "timed", memScale: 0, k: 2, strict: false, idleList: false, warm: cores, seed: 1, maxWorkMs: 600_000 });
    } catch (error) {
      // A box too busy to start every function process in time: that size is not driven, said in its row.
      notStarted = `${machines}×${cores} was not measured: the plane did not start (${error instanceof Error ? error.message : String(error)})`;
      break;
    }
    if (pin) {
      pinTo(0, planePids(state));
      pinTo(1, [process.pid]);
    }
    const backend = liveBackend(state.gatewayUrl, { network: { ...defaultNetworkOptions, timeoutMs: 30_000, maxInFlight: 10_000 }, clusterDir: dir }, prices);
    // Warm-up, not measured: JIT in every process, keep-alive connections, the pools' prestarts.
    await backend.run(batches(poisson(ratePerS, workMs, 100, 2)), new LatencySink(), new AbortController().signal);
    settleHeap();
    const coldBefore = await coldStarts(state);
    const pids = planePids(state);
    const planeCpuBefore = cpuMsOf(pids);
    const ownCpu = process.cpuUsage();
    const waitedBefore = runQueueWaitMs();
    gcPauses.length = 0;
    const rt = realtime && setRealtime(true);
    realtimeUsed ||= rt;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const sink = new LatencySink();
    const started = performance.now();
    const summary = await backend.run(batches(poisson(Math.round(ratePerS * seconds), workMs, 200, 1)), sink, new AbortController().signal);
    const wallMs = performance.now() - started;
    loop.disable();
    if (rt) setRealtime(false);
    const waited = runQueueWaitMs() - waitedBefore;
    const used = process.cpuUsage(ownCpu);
    const planeCpu = cpuMsOf(pids) - planeCpuBefore;
    const cold = (await coldStarts(state)) - coldBefore;
    const f = summary.fidelity!;
    const name = `${machines}×${cores}`;
    const fits = f.latenessP99Ms < 1 && sink.notOk === 0 && f.dropped === 0;
    if (fits) largest = `${name} (${machines * cores} cores)`;
    lastFits = fits && machines === sizes[sizes.length - 1]!.machines && cores === sizes[sizes.length - 1]!.cores;
    rows.push([
      name,
      workMs,
      f.sent,
      sink.notOk,
      f.latenessP50Ms.toFixed(3),
      f.latenessP99Ms.toFixed(3),
      f.latenessMaxMs.toFixed(1),
      quantile(sink.overhead, 0.5).toFixed(1),
      quantile(sink.overhead, 0.99).toFixed(1),
      quantile(sink.machineQueue, 0.5).toFixed(1),
      quantile(sink.machineQueue, 0.99).toFixed(1),
      quantile(sink.plane, 0.5).toFixed(1),
      quantile(sink.plane, 0.99).toFixed(1),
      cold,
      `${Math.round(waited)}`,
      (loop.max / 1e6).toFixed(1),
      `${gcPauses.length}, ${gcPauses.reduce((a, b) => Math.max(a, b), 0).toFixed(1)}`,
      `${Math.round(((used.user + used.system) / 1000 / wallMs) * 100)} %`,
      `${Math.round((planeCpu / wallMs) * 100)} %`,
      loadavg()[0]!.toFixed(2),
    ]);
    if (!fits) break;
  } finally {
    if (pin) execFileSync("taskset", ["-a", "-p", "-c", "0-1", String(process.pid)], { stdio: "ignore" });
    await clusterDown(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(
  `${textTable(
    ["machines×cores", "work ms", "sent", "not ok", "lateness p50 ms", "p99 ms", "max ms", "latency − work p50 ms", "p99 ms", "machine queue p50 ms", "p99 ms", "plane overhead p50 ms", "p99 ms", "cold starts", "driver waited for a CPU ms", "driver loop stall max ms", "driver GCs, longest ms", "driver CPU", "plane CPU", "load 1m"],
    rows,
  )}\n`,
);
if (notStarted !== undefined) process.stdout.write(`${notStarted}\n`);
process.stdout.write(
  `largest emulated cluster with p99 lateness < 1 ms at ρ = ${rho}: ${largest === undefined ? "none" : lastFits ? `at least ${largest}, the largest tried (XXBENCH_LIVE_SIZES for more)` : largest}; ${ratePerS} req/s Poisson (work per invocation = ${rho} × cores / rate), ${seconds} s per size after a 1 s warm-up, one price class, timed work (emulation: a core costs no CPU); ` +
    `${pin ? `load generator pinned to CPU 1${realtimeUsed ? " at real-time priority (SCHED_FIFO)" : ""}, the plane to CPU 0 (taskset; the load generator normally runs on its own host)` : "load generator and plane share the CPUs (not pinned)"}; driver GC ${gcFlags.every((f) => process.execArgv.includes(f)) ? gcFlags.join(" ") : "as V8's defaults"}; stepping stops at the first size over 1 ms; load average ${loadAtStart} at start, ${process.version}\n`,
);
