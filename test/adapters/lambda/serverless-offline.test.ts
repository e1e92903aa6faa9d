import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildHandlerBundle } from "../../../adapters/lambda/handler-bundle.ts";
import { LambdaBackend } from "../../../adapters/lambda/lambda-backend.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { CountingStream } from "../../support/paced-stream.ts";
import { invocation } from "../../support/run-invocations.ts";
import { startServerlessOffline, type RunningServerlessOffline } from "../../support/serverless-offline.ts";
import { openTempStore } from "../../support/temp-store.ts";

/**
 * End to end with a real Invoke API: serverless-offline (under osls) runs the deployment zip's
 * own handler, the one `xxbench lambda deploy` uploads, and the official SDK sends to it. It
 * sends no LogResult and never answers 429, so those paths are tested on the stand-in.
 */
describe("lambda: through the official SDK to serverless-offline running the synthetic-work handler", () => {
  let offline: RunningServerlessOffline;
  let serviceDir: string;
  let store: RunStore;
  let dispose: () => void;

  beforeAll(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDOFFLINE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "offline-secret");
    serviceDir = mkdtempSync(join(tmpdir(), "xxbench-test-osls-"));
    writeFileSync(join(serviceDir, "work.mjs"), (await buildHandlerBundle()).code);
    writeFileSync(join(serviceDir, "boom.mjs"), `export const handler = async () => { throw new Error("boom"); };\n`);
    [offline, { store, dispose }] = await Promise.all([startServerlessOffline(serviceDir, { work: "work.handler", boom: "boom.handler" }), openTempStore()]);
  }, 300_000);
  afterAll(async () => {
    await offline?.stop();
    dispose?.();
    if (serviceDir) rmSync(serviceDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it("replays a small trace open-loop: the handler's sleeps come back ok, a throwing handler is failed with its type, every invocation one row", async () => {
    const map = join(serviceDir, "map.json");
    writeFileSync(map, JSON.stringify({ boom: offline.functionName("boom"), "*": offline.functionName("work") }));
    const invocations: Invocation[] = [
      ...Array.from({ length: 12 }, (_, id) => invocation({ id, arrivalMs: id * 50, workMs: 30, fn: "work", memPeakMb: 2 })),
      invocation({ id: 12, arrivalMs: 600, workMs: 1, fn: "boom" }),
    ];
    const backend = new LambdaBackend("us-east-1?mode=sleep", { network: defaultNetworkOptions, functionMapPath: map, endpoint: offline.lambdaUrl }, [1]);
    await backend.preflight(new AbortController().signal);
    const runId = await store.beginRun({ backend: backend.id, traceKind: "test", seed: 1, config: backend.config, manifest: {} });
    const writer = await store.openRunWriter(runId);
    const summary = await backend.run(new CountingStream(invocations), writer, new AbortController().signal);
    await writer.close();
    expect(summary.outcomes).toMatchObject({ ok: 12, failed: 1, throttled: 0, timeout: 0, dropped: 0 });
    const rows = await store.query(
      `SELECT invocation_id::INTEGER AS id, status::VARCHAR AS status, http_status, error, billed_ms, init_ms, retries, response_ms, cost_micro_cents
       FROM outcomes WHERE run_id = ${runId} ORDER BY invocation_id`,
    );
    expect(rows).toHaveLength(13);
    for (const r of rows.slice(0, 12)) {
      // No LogResult from serverless-offline: no REPORT figures, so only the request fee is billed.
      expect(r).toMatchObject({ status: "ok", http_status: 200, error: null, billed_ms: null, init_ms: null, retries: 0, cost_micro_cents: 20 });
      // The handler really slept its 30 ms inside the round trip.
      expect(Number(r.response_ms)).toBeGreaterThanOrEqual(30);
    }
    expect(rows[12]).toMatchObject({ status: "failed", http_status: 200, error: "FunctionError Unhandled: Error: boom", retries: 0 });
  });
});
