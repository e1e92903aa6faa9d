import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

describe("a user function (an ES module exporting handler) on the live plane", () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-fn-"));
  const modulePath = join(dir, "double.mjs");
  let cluster: TestCluster;

  beforeAll(async () => {
    writeFileSync(
      modulePath,
      `export async function handler(payload, context) {
         if (payload && payload.fail) throw new Error("asked to fail");
         return { doubled: payload.n * 2, workMs: context.workMs, pid: process.pid };
       }\n`,
    );
    cluster = await startTestCluster({ machines: 1, cores: 1, functionModule: modulePath });
  });
  afterAll(async () => {
    await cluster?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is called with the invocation's payload in a pooled function process; its return value is the result", async () => {
    const key = cluster.state.keys["tenant-0"]!;
    const answer = await callGateway(cluster.state, { key, body: JSON.stringify({ workMs: 5, payload: { n: 21 } }) });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { result: { doubled: number; workMs: number; pid: number } };
    expect(body.result).toMatchObject({ doubled: 42, workMs: 5 });
    const agent = cluster.state.components.find((c) => c.role === "agent")!;
    expect(body.result.pid).not.toBe(agent.pid);
    expect(answer.headers[liveHeaders.machine]).toBe("0");
  });

  it("a handler that throws fails its invocation with the error, and the next one runs", async () => {
    const key = cluster.state.keys["tenant-0"]!;
    const failed = await callGateway(cluster.state, { key, body: JSON.stringify({ workMs: 0, payload: { fail: true } }) });
    expect([failed.status, failed.body]).toEqual([500, "machine 0: the function failed: asked to fail\n"]);
    const next = await callGateway(cluster.state, { key, body: JSON.stringify({ workMs: 0, payload: { n: 1 } }) });
    expect(JSON.parse(next.body).result.doubled).toBe(2);
  });
});
