import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpBackend } from "../../../adapters/http/http-backend.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { replay, ReplayInterruptedError } from "../../../harness/replay/replay.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { CountingStream, evenlySpaced } from "../../support/paced-stream.ts";
import { startReferenceServer, type RunningReferenceServer } from "../../support/reference-server.ts";
import { openTempStore } from "../../support/temp-store.ts";

const prices = [1];

function traceOf(invocations: readonly Invocation[]): TraceSource {
  return { kind: "test", spec: { invocations: invocations.length }, prices, expectedInvocations: invocations.length, open: () => new CountingStream(invocations, 8) };
}

describe("an http: run through the whole replay, against the reference server", () => {
  let server: RunningReferenceServer;
  let store: RunStore;
  let dispose: () => void;

  beforeAll(async () => {
    [server, { store, dispose }] = await Promise.all([startReferenceServer({ workers: 2, queue: 1000, workMode: "sleep", memScale: 0 }), openTempStore()]);
  });
  afterAll(async () => {
    await server?.stop();
    dispose?.();
  });

  it("is stored complete, billed, with every row's send times, and its fidelity in the manifest", async () => {
    const backend = httpBackend(server.url, { network: defaultNetworkOptions }, prices);
    const [run] = await replay({ store, trace: traceOf(evenlySpaced(80, 200, { workMs: 5 })), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
    expect(run!.summary.outcomes).toMatchObject({ ok: 80, dropped: 0 });
    const [stored] = await store.query(
      `SELECT status, degraded, backend, (SELECT count(*)::INTEGER FROM invocations WHERE run_id = $run AND status = 'ok' AND sent_ms >= arrival_ms AND end_ms > sent_ms AND http_status = 200) AS rows,
              (SELECT count(*)::INTEGER FROM costs WHERE run_id = $run) > 0 AS billed
       FROM runs WHERE run_id = $run`,
      { run: run!.runId },
    );
    expect(stored).toEqual({ status: "complete", degraded: null, backend: `http:${server.url}`, rows: 80, billed: true });
    const [{ manifest, config }] = (await store.query(`SELECT manifest::VARCHAR AS manifest, config::VARCHAR AS config FROM runs WHERE run_id = $run`, { run: run!.runId })) as [
      { manifest: string; config: string },
    ];
    expect(JSON.parse(manifest).summary.fidelity).toMatchObject({ sent: 80, dropped: 0, intendedPerS: 200 });
    expect(JSON.parse(config)).toEqual({ url: server.url, maxInFlight: 1000, timeoutMs: 30_000, drainS: 5, prices, billingModel: "lambda-x86" });
  });

  it("Ctrl-C mid-run: stored interrupted, every invocation it sent or dropped has its row", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 250);
    const backend = httpBackend(server.url, { network: { ...defaultNetworkOptions, drainS: 0.1 } }, prices);
    const run = replay({ store, trace: traceOf(evenlySpaced(200, 100, { workMs: 2000 })), backends: [backend], seed: 1, signal: controller.signal });
    await expect(run).rejects.toThrow(ReplayInterruptedError);
    const [stored] = await store.query(
      `SELECT status, error, (SELECT count(*)::INTEGER FROM invocations i WHERE i.run_id = runs.run_id) AS rows,
              (SELECT count(*)::INTEGER FROM invocations i WHERE i.run_id = runs.run_id AND status = 'timeout' AND error LIKE 'no answer within --drain-s 0.1 %') AS drained
       FROM runs ORDER BY run_id DESC LIMIT 1`,
    );
    expect(stored!.status).toBe("interrupted");
    const rows = Number(stored!.rows);
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(200);
    expect(stored!.error).toBe(`interrupted by the user after ${rows} invocations, every one accounted for`);
    expect(stored!.drained).toBe(rows);
  });
});
