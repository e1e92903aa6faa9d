/**
 * What the `lambda:` backend costs the client: the official SDK's CPU per InvokeCommand, and the
 * rate the shared open-loop driver sustains through it from one core, against the Invoke-API
 * stand-in on loopback (bench/lambda-stand-in-server.ts, its own process, answers at once with a
 * REPORT line). For scale, the same request sent raw with undici.
 *
 *   npx tsx bench/lambda-sdk.bench.ts                       # 2,000 sequential calls; 250 … 2,000 req/s, 2 s each
 *   XXBENCH_BENCH_SECONDS=1 XXBENCH_BENCH_RATES=250,500 npx tsx bench/lambda-sdk.bench.ts
 */
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import type { ClassSample, MachineSample, Outcome, OutcomeSink } from "../adapters/backend.ts";
import { LambdaBackend } from "../adapters/lambda/lambda-backend.ts";
import { LambdaFunctionMap } from "../adapters/lambda/lambda-function-map.ts";
import { lambdaPayload, LambdaInvoker } from "../adapters/lambda/lambda-invoker.ts";
import { noRetries } from "../adapters/lambda/retry-policy.ts";
import { defaultNetworkOptions } from "../adapters/network/network-options.ts";
import { textTable } from "../harness/cli/text-table.ts";
import { startChildServer, type ChildServer } from "./child-server.ts";
import type { Invocation, InvocationBatch } from "../traces/invocation.ts";

const seconds = Number(process.env.XXBENCH_BENCH_SECONDS ?? 2);
const rates = (process.env.XXBENCH_BENCH_RATES ?? "250,500,1000,2000").split(",").map(Number);
const sequentialCalls = Number(process.env.XXBENCH_BENCH_CALLS ?? 2000);
const serverScript = fileURLToPath(new URL("./lambda-stand-in-server.ts", import.meta.url));
process.env["AWS_ACCESS_KEY_ID"] ??= "AKIDBENCH";
process.env["AWS_SECRET_ACCESS_KEY"] ??= "bench-secret";

const startServer = (): Promise<ChildServer> => startChildServer(serverScript, "the stand-in");

const inv = (id: number, arrivalMs = 0): Invocation => ({ id, arrivalMs, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 0, memStartMb: 128, memPeakMb: 128 });
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Sequential calls, one at a time: CPU ms per call in this process and the round trip's median. */
async function sequential(label: string, call: (i: number) => Promise<unknown>): Promise<(string | number)[]> {
  for (let i = 0; i < 200; i++) await call(i); // warm-up: JIT, sockets, credentials
  const times: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < sequentialCalls; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  const wallS = (performance.now() - started) / 1000;
  return [label, sequentialCalls, (cpuMs(cpu) / sequentialCalls).toFixed(3), median(times).toFixed(3), Math.round(sequentialCalls / wallS)];
}

async function* evenStream(count: number, ratePerS: number): AsyncGenerator<InvocationBatch> {
  const batch: Invocation[] = [];
  for (let id = 0; id < count; id++) batch.push(inv(id, 200 + (id * 1000) / ratePerS));
  yield batch;
}

class CountingSink implements OutcomeSink {
  ok = 0;
  other = 0;
  outcome(_inv: Invocation, outcome: Outcome): void {
    if (outcome.status === "ok" && outcome.billedMs !== undefined) this.ok++;
    else this.other++;
  }
  sample(_s: MachineSample): void {}
  classSample(_s: ClassSample): void {}
}

const server = await startServer();
try {
  const invoker = new LambdaInvoker({ region: "us-east-1", endpoint: server.url, functions: LambdaFunctionMap.single(), retry: noRetries, workMode: "cpu", maxInFlight: 64, requestTimeoutMs: 10_000 });
  await invoker.check(new AbortController().signal);
  const signal = new AbortController().signal;
  const pool = new Pool(server.url, { connections: 1 });
  const raw = async (i: number): Promise<void> => {
    const res = await pool.request({ path: "/2015-03-31/functions/xxbench-synthetic-work/invocations", method: "POST", headers: { "x-amz-log-type": "Tail" }, body: Buffer.from(lambdaPayload(inv(i), "cpu")) });
    await res.body.text();
  };
  const seqRows = [await sequential("undici POST (no SDK: no signing, no parsing)", raw), await sequential("SDK InvokeCommand (LambdaInvoker: sign, send, parse, REPORT line)", (i) => invoker.invoke(inv(i), signal))];
  await pool.close();
  await invoker.close();
  const sdkCpu = Number(seqRows[1]![2]) - Number(seqRows[0]![2]);
  process.stdout.write(`${textTable(["sequential calls", "calls", "client CPU ms/call", "round trip p50 ms", "calls/s"], seqRows)}\n`);
  process.stdout.write(`the SDK's own CPU per call beyond a raw request: ${sdkCpu.toFixed(3)} ms (ceiling from one core ≈ ${Math.round(1000 / Number(seqRows[1]![2]))} calls/s)\n\n`);

  const rows: (string | number)[][] = [];
  let best = 0;
  const step = async (rate: number): Promise<void> => {
    const backend = new LambdaBackend("us-east-1", { network: { ...defaultNetworkOptions, timeoutMs: 10_000 }, endpoint: server.url }, [1]);
    const sink = new CountingSink();
    const count = Math.round(rate * seconds);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await backend.run(evenStream(count, rate), sink, new AbortController().signal);
    const wallS = (performance.now() - started) / 1000;
    const used = cpuMs(cpu);
    const f = summary.fidelity!;
    if (f.latenessP99Ms < 1 && f.dropped === 0 && sink.ok === count) best = Math.max(best, rate);
    rows.push([rate, Math.round(f.achievedPerS), f.latenessP50Ms.toFixed(3), f.latenessP99Ms.toFixed(3), f.latenessMaxMs.toFixed(1), sink.ok === count ? "all" : `${sink.ok} (${sink.other} not)`, summary.counters.inFlightPeak!, (used / count).toFixed(3), `${Math.round((used / 1000 / wallS) * 100)} %`, loadavg()[0]!.toFixed(2)]);
  };
  await step(rates[0]!); // warm-up, repeated below
  rows.length = 0;
  for (const rate of rates) await step(rate);
  process.stdout.write(
    `${textTable(["target req/s", "sent req/s", "lateness p50 ms", "p99 ms", "max ms", "ok with REPORT", "peak in flight", "CPU ms/invocation", "client CPU", "load 1m"], rows)}\n`,
  );
  process.stdout.write(`highest paced rate with p99 lateness < 1 ms, all answered ok: ${best > 0 ? `${best} req/s` : `none of ${rates.join(", ")}`}; ${seconds} s per step, ${process.version}\n`);
} finally {
  await server.stop();
}
