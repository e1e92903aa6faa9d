import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outcome, OutcomeStatus, RunSummary } from "../../../adapters/backend.ts";
import { httpBackend, type HttpBackendOptions } from "../../../adapters/http/http-backend.ts";
import type { NetworkProgress } from "../../../adapters/network/open-loop-driver.ts";
import { defaultNetworkOptions, type NetworkOptions } from "../../../adapters/network/network-options.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import { createBackend, knownBackends, refuseInapplicableOptions } from "../../../harness/backends/backend-registry.ts";
import { UsageError } from "../../../harness/cli/usage-error.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { CountingStream, evenlySpaced } from "../../support/paced-stream.ts";
import { RecordingSink } from "../../support/recording-sink.ts";
import { isAlive, startReferenceServer, type RunningReferenceServer } from "../../support/reference-server.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { openTempStore } from "../../support/temp-store.ts";

const tempDir = useTempDirs();

const prices = [1];

function backend(url: string, network: Partial<NetworkOptions> = {}, extra: Omit<HttpBackendOptions, "network"> = {}) {
  return httpBackend(url, { network: { ...defaultNetworkOptions, ...network }, ...extra }, prices);
}

async function runInto(url: string, invocations: readonly Invocation[], network: Partial<NetworkOptions> = {}, signal = new AbortController().signal) {
  const sink = new RecordingSink();
  const summary = await backend(url, network).run(new CountingStream(invocations), sink, signal);
  return { sink, summary };
}

function countsOf(outcomes: readonly { outcome: Outcome }[]): Partial<Record<OutcomeStatus, number>> {
  const counts: Partial<Record<OutcomeStatus, number>> = {};
  for (const { outcome } of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

/** Every invocation exactly one outcome, and the summary says the same. */
function expectConserved(sink: RecordingSink, summary: RunSummary, invocations: number): void {
  expect(sink.outcomes).toHaveLength(invocations);
  expect(new Set(sink.outcomes.map((o) => o.inv.id)).size).toBe(invocations);
  expect(summary.invocations).toBe(invocations);
  expect(Object.values(summary.outcomes).reduce((a, b) => a + b, 0)).toBe(invocations);
}

describe("http: against the reference server (sleep mode, 4 workers)", () => {
  let server: RunningReferenceServer;
  let store: RunStore;
  let dispose: () => void;

  beforeAll(async () => {
    [server, { store, dispose }] = await Promise.all([startReferenceServer({ workers: 4, queue: 1000, workMode: "sleep", memScale: 0 }), openTempStore()]);
  });
  afterAll(async () => {
    await server?.stop();
    dispose?.();
  });

  it("keeps sending on time while 200 ms answers lag (open loop; lateness beyond the machine's own event-loop stalls), into a real store", async () => {
    // 60 requests at 100/s ask for 12 s of work from 4 workers: the last answer comes ~3 s after
    // the last send. A closed loop would send at the answer rate (20/s) and take 3 s to send them.
    const invocations = evenlySpaced(60, 100, { workMs: 200 });
    const runId = await store.beginRun({ backend: `http:${server.url}`, traceKind: "test", seed: 1, config: {}, manifest: {} });
    const writer = await store.openRunWriter(runId);
    // On a shared 2-core machine the process itself is sometimes not scheduled for tens of ms;
    // every timer in it is then late alike. The driver may add no more than a few ms to that.
    const stalls = monitorEventLoopDelay({ resolution: 1 });
    stalls.enable();
    const progress: NetworkProgress[] = [];
    const summary = await backend(server.url, {}, { onProgress: (p) => progress.push(p) }).run(new CountingStream(invocations), writer, new AbortController().signal);
    stalls.disable();
    await writer.close();
    const stallMs = stalls.max / 1e6;
    expect(writer.outcomes).toBe(60);
    expect(summary.outcomes).toMatchObject({ ok: 60, dropped: 0, failed: 0, timeout: 0, throttled: 0 });
    expect(summary.fidelity!.sent).toBe(60);
    expect(summary.fidelity!.latenessP99Ms).toBeLessThan(Math.max(5, stallMs + 5));
    expect(summary.fidelity!.latenessMaxMs).toBeLessThan(stallMs + 5);
    expect(summary.fidelity!.intendedPerS).toBeCloseTo(100, 6);
    expect(summary.fidelity!.achievedPerS).toBeGreaterThan((59 * 1000) / (590 + stallMs + 5));
    const rows = await store.query(
      `SELECT invocation_id, arrival_ms, sent_ms, end_ms, http_status, server_queue_ms, server_exec_ms, cpu_ms, cost_micro_cents
       FROM invocations WHERE run_id = $run ORDER BY invocation_id`,
      { run: runId },
    );
    expect(rows).toHaveLength(60);
    for (const row of rows) {
      const [arrival, sent, end] = [Number(row.arrival_ms), Number(row.sent_ms), Number(row.end_ms)];
      expect(sent).toBeGreaterThanOrEqual(arrival);
      expect(sent - arrival).toBeLessThan(stallMs + 5);
      // Latency from the intended send ≥ response time from the actual send, on every row.
      expect(end - arrival).toBeGreaterThanOrEqual(end - sent);
      expect(end - sent).toBeGreaterThanOrEqual(195);
      expect(Number(row.http_status)).toBe(200);
      expect(Number(row.server_exec_ms)).toBeGreaterThanOrEqual(195);
      expect(row.server_queue_ms).not.toBeNull();
      expect(Number(row.cost_micro_cents)).toBeGreaterThan(0);
    }
    const lastSent = Math.max(...rows.map((r) => Number(r.sent_ms)));
    const lastEnd = Math.max(...rows.map((r) => Number(r.end_ms)));
    expect(lastSent).toBeLessThan(590 + stallMs + 5);
    // Answers lag the sends by seconds: the server queued what the driver never waited for.
    expect(lastEnd - lastSent).toBeGreaterThan(2000);
    expect(Math.max(...rows.map((r) => Number(r.server_queue_ms)))).toBeGreaterThan(1500);
    // Progress: every ~250 ms while sending and waiting, then the final count.
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.map((p) => p.sent)).toEqual([...progress.map((p) => p.sent)].sort((a, b) => a - b));
    expect(progress.some((p) => p.inFlight > 20 && p.sentPerS > 50)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ sent: 60, inFlight: 0, completed: 60, dropped: 0, errors: 0 });
  });

  it("sends what a function map says: its path, headers and body template", async () => {
    const dir = tempDir();
    const mapPath = join(dir, "map.json");
    writeFileSync(
      mapPath,
      JSON.stringify({
        g: { url: "fn/{{fn}}?tenant={{tenant}}", method: "post", headers: { "x-tenant": "{{tenant}}" }, body: '{"workMs": {{workMs}}, "id": {{id}}}' },
        "*": { url: `${server.url}other`, body: "{{workMs}}" },
      }),
    );
    const invocations = [...evenlySpaced(4, 100, { workMs: 5, fn: "g" }), ...evenlySpaced(2, 100, { workMs: 5, fn: "h", startMs: 40 }).map((inv, i) => ({ ...inv, id: 4 + i }))];
    const sink = new RecordingSink();
    const b = backend(server.url, {}, { functionMapPath: mapPath });
    expect(b.config).toMatchObject({ url: server.url, functionMap: mapPath, billingModel: "lambda-x86", maxInFlight: 1000 });
    const summary = await b.run(new CountingStream(invocations), sink, new AbortController().signal);
    expectConserved(sink, summary, 6);
    // g's JSON body is a work request; "*" sends a bare number, which the server refuses with 400.
    expect(sink.outcomes.filter((o) => o.inv.fn === "g").map((o) => o.outcome.status)).toEqual(["ok", "ok", "ok", "ok"]);
    for (const { outcome } of sink.outcomes.filter((o) => o.inv.fn === "h")) {
      expect(outcome).toMatchObject({ status: "failed", httpStatus: 400 });
      expect(outcome.error).toMatch(/^HTTP 400: /);
    }
  });

  it("records a request answered later than --timeout-ms as timeout, and the run still ends", async () => {
    const { sink, summary } = await runInto(server.url, evenlySpaced(6, 50, { workMs: 1000 }), { timeoutMs: 150 });
    expectConserved(sink, summary, 6);
    expect(countsOf(sink.outcomes)).toEqual({ timeout: 6 });
    for (const { outcome } of sink.outcomes) {
      expect(outcome.error).toBe("no answer within --timeout-ms 150");
      expect(outcome.endMs! - outcome.sentMs!).toBeGreaterThanOrEqual(149);
      expect(outcome.endMs! - outcome.sentMs!).toBeLessThan(900); // given up well before the answer
      expect(outcome.httpStatus).toBeUndefined();
    }
  });

  it("drops what finds --max-in-flight requests waiting, never queueing it", async () => {
    // 2 slots, 6 sends 1 ms apart, 300 ms answers: 2 sent, 4 dropped.
    const { sink, summary } = await runInto(server.url, evenlySpaced(6, 1000, { workMs: 300 }), { maxInFlight: 2 });
    expectConserved(sink, summary, 6);
    expect(summary.outcomes).toMatchObject({ ok: 2, dropped: 4 });
    expect(sink.outcomes.filter((o) => o.outcome.status === "dropped").map((o) => o.inv.id)).toEqual([2, 3, 4, 5]);
    for (const { outcome } of sink.outcomes.filter((o) => o.outcome.status === "dropped")) {
      expect(outcome.sentMs).toBeUndefined();
      expect(outcome.costMicroCents).toBe(0);
    }
    expect(summary.fidelity).toMatchObject({ sent: 2, dropped: 4 });
  });

  it("stops and rethrows when the sink fails (the store's writer died), leaving nothing unhandled", async () => {
    class FailingSink extends RecordingSink {
      override outcome(...args: Parameters<RecordingSink["outcome"]>): void {
        if (this.outcomes.length === 3) throw new Error("the store's row writer failed: disk full");
        super.outcome(...args);
      }
    }
    const sink = new FailingSink();
    const stream = new CountingStream(evenlySpaced(200, 200, { workMs: 1 }), 8);
    await expect(backend(server.url).run(stream, sink, new AbortController().signal)).rejects.toThrow("the store's row writer failed: disk full");
    expect(sink.outcomes).toHaveLength(3);
    expect(stream.read).toBeLessThan(200);
  });

  it("on Ctrl-C stops sending, waits --drain-s, gives up the rest as timeout and returns normally", async () => {
    const invocations = evenlySpaced(100, 50, { workMs: 5000 });
    const abort = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      abort.abort();
    }, 300);
    const stream = new CountingStream(invocations, 4);
    const sink = new RecordingSink();
    const summary = await backend(server.url, { drainS: 0.2 }).run(stream, sink, abort.signal);
    const afterAbort = performance.now() - abortedAt;
    // The drain's 200 ms, then the run returns.
    expect(afterAbort).toBeGreaterThanOrEqual(195);
    expect(afterAbort).toBeLessThan(200 + 500);
    // About 15 sent before the abort (50/s for 0.3 s); none after.
    expect(summary.invocations).toBeGreaterThanOrEqual(5);
    expect(summary.invocations).toBeLessThan(100);
    expectConserved(sink, summary, summary.invocations);
    expect(countsOf(sink.outcomes)).toEqual({ timeout: summary.invocations });
    for (const { outcome } of sink.outcomes) expect(outcome.error).toBe("no answer within --drain-s 0.2 after the run was interrupted");
    // Read-ahead stays bounded: at most the current and the next batch past what was sent.
    expect(stream.read - summary.invocations).toBeLessThanOrEqual(8);
  });
});

describe("http: problems found before anything is sent", () => {
  it("an unreachable URL: one line, and the trace is never read", async () => {
    const stream = new CountingStream(evenlySpaced(5, 100, { workMs: 1 }));
    const sink = new RecordingSink();
    await expect(backend("http://127.0.0.1:1/").run(stream, sink, new AbortController().signal)).rejects.toThrow(/^cannot connect to http:\/\/127\.0\.0\.1:1\/: ECONNREFUSED 127\.0\.0\.1:1$/);
    expect(stream.read).toBe(0);
    expect(sink.outcomes).toHaveLength(0);
    await expect(backend("http://127.0.0.1:1/").preflight(new AbortController().signal)).rejects.toThrow("cannot connect to http://127.0.0.1:1/");
  });

  const context = { sim: { ...simDefaults, seed: 1 }, prices };
  it("createBackend builds http:URL with the network options and says what is wrong in one line", () => {
    const built = createBackend("http:http://127.0.0.1:1/", { ...context, network: { options: { maxInFlight: 7, timeoutMs: 100, drainS: 1 } } });
    expect(built.id).toBe("http:http://127.0.0.1:1/");
    expect(built.config).toEqual({ url: "http://127.0.0.1:1/", maxInFlight: 7, timeoutMs: 100, drainS: 1, prices, billingModel: "lambda-x86" });
    expect(built.billing).toEqual({ prices });
    expect(knownBackends()).toHaveProperty("http:URL");
    expect(() => createBackend("http:ftp://127.0.0.1/", context)).toThrow(new UsageError("backend http:ftp://127.0.0.1/: the URL must be http:// or https:// (got ftp:)"));
    expect(() => createBackend("http:127.0.0.1:8080", context)).toThrow(new UsageError('backend http:127.0.0.1:8080: "127.0.0.1:8080" is not a URL (e.g. http:http://127.0.0.1:8080/)'));
    const dir = tempDir();
    const mapPath = join(dir, "bad.json");
    writeFileSync(mapPath, JSON.stringify({ f: { url: "/f", method: "FETCH" } }));
    expect(() => createBackend("http:http://127.0.0.1:1/", { ...context, network: { options: defaultNetworkOptions, functionMapPath: mapPath } })).toThrow(
      new UsageError(`function map ${mapPath}: entry "f": "method" must be one of GET, POST, PUT, PATCH, DELETE (got "FETCH")`),
    );
  });

  it("a simulator option with only http backends is refused as unused", () => {
    expect(() => refuseInapplicableOptions(["http:http://127.0.0.1:1/"], [{ flag: "ram-gb", key: "ramMb" }])).toThrow(/--ram-gb has no effect on http:http:\/\/127\.0\.0\.1:1\//);
    expect(() => refuseInapplicableOptions(["http:http://127.0.0.1:1/", "sim:xx"], [{ flag: "ram-gb", key: "ramMb" }])).not.toThrow();
  });
});

describe("http: refusals and failures from the reference server", () => {
  it("gets throttled (429) when every worker is busy and the queue is full", async () => {
    const server = await startReferenceServer({ workers: 1, queue: 0, workMode: "sleep", memScale: 0 });
    try {
      const { sink, summary } = await runInto(server.url, evenlySpaced(5, 1000, { workMs: 400 }));
      expectConserved(sink, summary, 5);
      expect(summary.outcomes).toMatchObject({ ok: 1, throttled: 4 });
      for (const { outcome } of sink.outcomes.filter((o) => o.outcome.status === "throttled")) {
        expect(outcome.httpStatus).toBe(429);
        expect(outcome.error).toMatch(/^HTTP 429: queue full/);
        expect(outcome.costMicroCents).toBe(0);
      }
    } finally {
      await server.stop();
    }
  });

  it("records failed rows with reasons, and loses none, when the server is killed mid-run", async () => {
    const server = await startReferenceServer({ workers: 1, queue: 100, workMode: "sleep", memScale: 0 });
    const workers = server.workerPids();
    try {
      const invocations = evenlySpaced(40, 40, { workMs: 30 });
      // The whole server dies at once, primary and workers, when the 10th answer is in (~0.3 s).
      class KillingSink extends RecordingSink {
        override outcome(...args: Parameters<RecordingSink["outcome"]>): void {
          super.outcome(...args);
          if (this.outcomes.length === 10) for (const pid of [server.pid, ...workers]) process.kill(pid, "SIGKILL");
        }
      }
      const sink = new KillingSink();
      const summary = await backend(server.url).run(new CountingStream(invocations), sink, new AbortController().signal);
      expectConserved(sink, summary, 40);
      const counts = countsOf(sink.outcomes);
      expect((counts.ok ?? 0) + (counts.failed ?? 0)).toBe(40);
      expect(counts.ok).toBeGreaterThanOrEqual(10);
      expect(counts.failed).toBeGreaterThanOrEqual(20);
      const failed = sink.outcomes.filter((o) => o.outcome.status === "failed");
      for (const { outcome } of failed) {
        expect(outcome.error).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+|the server closed the connection without answering|ECONNRESET/);
        expect(outcome.sentMs).toBeDefined();
      }
      expect(failed.some((o) => /ECONNREFUSED/.test(o.outcome.error!))).toBe(true);
    } finally {
      await server.stop();
      for (let i = 0; i < 100 && workers.some(isAlive); i++) await new Promise((r) => setTimeout(r, 20));
    }
  });
});
