import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Outcome, OutcomeStatus } from "../../../adapters/backend.ts";
import { LambdaBackend } from "../../../adapters/lambda/lambda-backend.ts";
import { billedMicroCents, lambdaPrice } from "../../../adapters/lambda/lambda-prices.ts";
import { defaultNetworkOptions, type NetworkOptions } from "../../../adapters/network/network-options.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import { createBackend } from "../../../harness/backends/backend-registry.ts";
import { UsageError } from "../../../harness/cli/usage-error.ts";
import { networkBackendIds } from "../../../harness/cli/options/network-flags.ts";
import { replay, ReplayInterruptedError } from "../../../harness/replay/replay.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { startInvokeApiStandIn, type InvokeApiStandIn, type StandInOptions } from "../../support/invoke-api-stand-in.ts";
import { CountingStream, evenlySpaced } from "../../support/paced-stream.ts";
import { RecordingSink } from "../../support/recording-sink.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";

const prices = [1];

/** Fake keys: the SDK signs requests, and without them it would ask the instance-metadata service. */
function fakeCredentials(): void {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDSTANDIN");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "stand-in-secret");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
}

function lambda(spec: string, endpoint: string, network: Partial<NetworkOptions> = {}): LambdaBackend {
  return new LambdaBackend(spec, { network: { ...defaultNetworkOptions, ...network }, endpoint }, prices);
}

async function run(backend: LambdaBackend, invocations: readonly Invocation[]) {
  const sink = new RecordingSink();
  const summary = await backend.run(new CountingStream(invocations), sink, new AbortController().signal);
  return { sink, summary, byId: new Map(sink.outcomes.map((o) => [o.inv.id, o.outcome])) };
}

function countsOf(outcomes: readonly { outcome: Outcome }[]): Partial<Record<OutcomeStatus, number>> {
  const counts: Partial<Record<OutcomeStatus, number>> = {};
  for (const { outcome } of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

describe("lambda: through the official SDK against the Invoke-API stand-in on loopback", () => {
  const servers: InvokeApiStandIn[] = [];
  const standIn = async (options: StandInOptions = {}): Promise<InvokeApiStandIn> => {
    const server = await startInvokeApiStandIn(options);
    servers.push(server);
    return server;
  };
  beforeEach(fakeCredentials);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    vi.unstubAllEnvs();
  });

  it("stand-in: one cold start then warm ones; REPORT figures, setup = total − init − execution, billed cost, into a real store", async () => {
    const server = await standIn({ initMs: 40, memorySizeMb: 256 });
    const { store, dispose } = await openTempStore();
    try {
      // 8 sends 250 ms apart, each 20 ms of work: every one finds the instance the first left warm
      // (the first SDK call alone can take 100+ ms on a loaded machine).
      const invocations = evenlySpaced(8, 4, { workMs: 20 });
      const backend = lambda("us-east-1?mode=sleep", server.url);
      const runId = await store.beginRun({ backend: backend.id, traceKind: "test", seed: 1, config: backend.config, manifest: {} });
      const writer = await store.openRunWriter(runId);
      const summary = await backend.run(new CountingStream(invocations), writer, new AbortController().signal);
      await writer.close();
      expect(summary.outcomes).toMatchObject({ ok: 8, failed: 0, throttled: 0, timeout: 0, dropped: 0 });
      // A send that overlaps the first one's cold start (a loaded machine) meets a second cold instance.
      expect(server.counts).toMatchObject({ received: 8, ok: 8, throttled: 0 });
      const cold = server.counts.cold;
      expect(cold).toBeGreaterThanOrEqual(1);
      const rows = await store.query(
        `SELECT invocation_id::INTEGER AS id, http_status, init_ms, billed_ms, memory_size_mb, max_memory_used_mb, retries, server_exec_ms, response_ms, setup_ms, cost_micro_cents
         FROM outcomes WHERE run_id = ${runId} ORDER BY invocation_id`,
      );
      // Init Duration is on the cold starts' REPORT lines only: the first, and any that overlapped it.
      expect(rows[0]!.init_ms).toBe(40);
      expect(rows.filter((r) => r.init_ms !== null).length).toBe(cold);
      expect(rows.filter((r) => r.init_ms !== null).every((r) => r.init_ms === 40)).toBe(true);
      const price = lambdaPrice("us-east-1");
      for (const r of rows) {
        expect(r).toMatchObject({ http_status: 200, memory_size_mb: 256, max_memory_used_mb: 40, retries: 0 });
        expect(Number(r.server_exec_ms)).toBeGreaterThanOrEqual(20);
        // Billed: whole ms of execution plus, on the cold start, init (AWS's billing since Aug 2025).
        expect(r.billed_ms).toBe(Math.ceil(Number(r.server_exec_ms) + Number(r.init_ms ?? 0)));
        expect(Number(r.setup_ms)).toBeCloseTo(Number(r.response_ms) - Number(r.init_ms ?? 0) - Number(r.server_exec_ms), 6);
        expect(Number(r.setup_ms)).toBeGreaterThanOrEqual(0);
        expect(Number(r.cost_micro_cents)).toBeCloseTo(billedMicroCents(price, "x86_64", Number(r.billed_ms), 256), 9);
      }
    } finally {
      dispose();
    }
  });

  it("stand-in: 429 TooManyRequestsException is throttled (never retried by the SDK), FunctionError is failed with its type, Lambda's timeout is timeout, a missing function fails 404", async () => {
    const server = await standIn({ maxInFlight: 2 });
    // Six 300 ms invocations at once against an in-flight limit of 2: exactly 2 run, 4 are refused.
    const burst = Array.from({ length: 6 }, (_, id) => invocation({ id, arrivalMs: 0, workMs: 300 }));
    const { sink, summary } = await run(lambda("eu-west-3?mode=sleep", server.url), burst);
    expect(summary.outcomes).toMatchObject({ ok: 2, throttled: 4 });
    expect(server.counts.received).toBe(6);
    for (const { outcome } of sink.outcomes.filter((o) => o.outcome.status === "throttled")) {
      expect(outcome).toMatchObject({ httpStatus: 429, retries: 0, costMicroCents: 0 });
      expect(outcome.error).toBe("429 TooManyRequestsException: Rate Exceeded. (ConcurrentInvocationLimitExceeded)");
    }

    const errorServer = await standIn();
    const mapped = (fn: string, id: number): Invocation => invocation({ id, arrivalMs: id * 50, workMs: 5, fn });
    const functionFor = { boom: "boom", hang: "hang", missing: "missing" } as const;
    const results = new Map<string, Outcome>();
    for (const [fn, name] of Object.entries(functionFor)) {
      const { byId } = await run(lambda(`eu-west-3?function=${name}`, errorServer.url), [mapped(fn, 0)]);
      results.set(fn, byId.get(0)!);
    }
    expect(results.get("boom")).toMatchObject({ status: "failed", httpStatus: 200, error: "FunctionError Unhandled: Error: boom", memorySizeMb: 128 });
    expect(results.get("hang")).toMatchObject({ status: "timeout", httpStatus: 200, billedMs: expect.any(Number) });
    expect(results.get("hang")!.error).toMatch(/^the function timed out after 10\d\d(\.\d+)? ms \(Lambda's log says so\)$/);
    expect(results.get("missing")).toMatchObject({ status: "failed", httpStatus: 404, costMicroCents: 0 });
    expect(results.get("missing")!.error).toMatch(/^404 ResourceNotFoundException: Function not found/);
  });

  it("stand-in: bounded retries with backoff are counted per invocation, never hidden", async () => {
    const server = await standIn({ throttleFirst: 3 });
    // retries=2: the first invocation is refused three times (1 + 2 retries) and stays throttled;
    // the second, a second later, goes through at once.
    const { byId } = await run(lambda("us-east-1?retries=2", server.url), [invocation({ id: 0, arrivalMs: 0, workMs: 1 }), invocation({ id: 1, arrivalMs: 1000, workMs: 1 })]);
    expect(byId.get(0)).toMatchObject({ status: "throttled", retries: 2 });
    expect(byId.get(1)).toMatchObject({ status: "ok", retries: 0 });
    expect(server.counts).toMatchObject({ received: 4, throttled: 3, ok: 1 });
    // Waits of 100 then 200 ms: the first outcome ends at least 300 ms after it was sent.
    const first = byId.get(0)!;
    expect(first.endMs! - first.sentMs!).toBeGreaterThanOrEqual(300);
  });

  it("stand-in: the driver's --timeout-ms gives a slow invocation up as timeout and aborts it", async () => {
    const server = await standIn();
    const { byId, summary } = await run(lambda("us-east-1?mode=sleep", server.url, { timeoutMs: 200 }), [invocation({ id: 0, arrivalMs: 0, workMs: 2000 })]);
    expect(summary.outcomes).toMatchObject({ timeout: 1 });
    expect(byId.get(0)).toMatchObject({ status: "timeout", error: "no answer within --timeout-ms 200" });
    expect(byId.get(0)!.billedMs).toBeUndefined();
  });

  it("stand-in: Ctrl-C stops sending at once and stores the run interrupted with every sent invocation accounted for", async () => {
    const server = await standIn();
    const { store, dispose } = await openTempStore();
    try {
      // 40 sends at 20/s of 300 ms sleeps, interrupted after 0.5 s: about 10 sent, 5 or so in flight.
      const invocations = evenlySpaced(40, 20, { workMs: 300 });
      const trace = { kind: "test", spec: {}, prices, open: () => new CountingStream(invocations) };
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const replaying = replay({ store, trace, backends: [lambda("us-east-1?mode=sleep", server.url, { drainS: 2 })], seed: 1, signal: controller.signal });
      await expect(replaying).rejects.toThrow(ReplayInterruptedError);
      const [run] = await store.query(`SELECT status, invocations::INTEGER AS invocations FROM runs`);
      const [rows] = await store.query(`SELECT count(*)::INTEGER AS n, count(sent_ms)::INTEGER AS sent, count(*) FILTER (WHERE status = 'ok')::INTEGER AS ok FROM invocation_rows`);
      expect(run!.status).toBe("interrupted");
      expect(Number(rows!.n)).toBeGreaterThan(3);
      expect(Number(rows!.n)).toBeLessThan(40);
      // Every row a sent invocation, every sent invocation one row, and each reached the function;
      // the 2 s drain outlasts the 300 ms sleeps, so every answer came back ok.
      expect(rows).toEqual({ n: rows!.n, sent: rows!.n, ok: rows!.n });
      expect(server.counts.received).toBe(Number(rows!.n));
    } finally {
      dispose();
    }
  });

  it("pre-flight against an endpoint that is not listening is one line naming it", async () => {
    const backend = lambda("us-east-1", "http://127.0.0.1:9");
    await expect(backend.preflight(new AbortController().signal)).rejects.toThrow(/^cannot connect to http:\/\/127\.0\.0\.1:9\/: .*ECONNREFUSED/);
  });
});

describe("lambda: backend ids", () => {
  const context = { sim: { ...simDefaults, seed: 1 }, prices };
  it.each([
    ["lambda:eu-west-3", { region: "eu-west-3", arch: "x86_64", retries: 0, workMode: "cpu", billingModel: "lambda-x86", functions: ["xxbench-synthetic-work"], memoryMb: 128 }],
    ["lambda:us-east-1?arch=arm64&retries=3&mode=sleep&function=probe&memory=1769", { region: "us-east-1", arch: "arm64", retries: 3, workMode: "sleep", billingModel: "lambda-arm", functions: ["probe"], memoryMb: 1769 }],
  ])("%s", (id, config) => {
    const backend = createBackend(id, context);
    expect(backend.id).toBe(id);
    expect(backend.pacing).toBe("wall-clock");
    expect(backend.config).toMatchObject(config);
    expect(JSON.stringify(backend.config)).not.toMatch(/secret|AKID/i);
  });

  it.each([
    ["lambda:mars", /backend lambda:mars: "mars" is not an AWS region/],
    ["lambda:eu-west-3?arch=sparc", /arch must be x86_64 or arm64 \(got sparc\)/],
    ["lambda:eu-west-3?retries=-1", /retries must be a whole number from 0 to 10 \(got -1\)/],
    ["lambda:eu-west-3?colour=red", /unknown option "colour"/],
    ["lambda:eu-west-3?memory=64", /memory must be whole MB from 128 to 10240 \(got 64\)/],
    ["lambda:me-south-1", /no Lambda price for region "me-south-1"/],
    ["lambda:eu-west-3?function=a/b", /"a\/b" is not a Lambda function name or ARN/],
  ])("refuses %s in one line", (id, message) => {
    expect(() => createBackend(id, context)).toThrow(UsageError);
    expect(() => createBackend(id, context)).toThrow(message);
  });

  it("is a network backend: the network flags apply to it", () => {
    expect(networkBackendIds(["sim:xx", "lambda:eu-west-3", "http:http://127.0.0.1:1/"])).toEqual(["lambda:eu-west-3", "http:http://127.0.0.1:1/"]);
  });
});
