import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { freshenHoldMs } from "../../../adapters/live/machine-agent.ts";
import { freshenChainModule } from "./freshen-chain-module.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

/** What g's data fetch takes, and how long a fetched copy stays fresh. */
const fetchMs = 200;
const ttlMs = 500;

const moduleText = freshenChainModule(fetchMs, ttlMs);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("freshen on the live plane (seed 003): a chain's next function prefetched in the process that runs it", () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-freshen-"));
  const modulePath = join(dir, "chain.mjs");
  let cluster: TestCluster;
  let key: string;

  const invoke = async (payload: Record<string, unknown>, as = key): Promise<{ status: number; execMs: number; result: unknown }> => {
    const answer = await callGateway(cluster.state, { key: as, body: JSON.stringify({ workMs: 0, payload }) });
    return { status: answer.status, execMs: Number(answer.headers[liveHeaders.exec]), result: answer.status === 200 ? (JSON.parse(answer.body) as { result: unknown }).result : answer.body };
  };
  const agentStatus = async (): Promise<Record<string, number>> => {
    const agent = cluster.state.components.find((c) => c.role === "agent")!;
    const response = await request(new URL("status", agent.url));
    return (await response.body.json()) as Record<string, number>;
  };

  beforeAll(async () => {
    writeFileSync(modulePath, moduleText);
    cluster = await startTestCluster({ machines: 1, cores: 2, functionModule: modulePath });
    key = cluster.state.keys["tenant-0"]!;
  });
  afterAll(async () => {
    await cluster?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it("without freshen, g fetches its data itself: its execution takes at least the fetch", async () => {
    const g = await invoke({ fn: "g", n: 2 });
    expect(g).toMatchObject({ status: 200, result: { sum: 42 } });
    expect(g.execMs).toBeGreaterThanOrEqual(fetchMs);
    expect(await agentStatus()).toMatchObject({ freshens: 0, reusePrediction: 0, reuseDoNow: 1 });
  });

  it("f's start freshens g in the process g is handed: g's execution drops by the prefetch, which is billed", async () => {
    await sleep(ttlMs + 100); // g's own copy from the test before has expired
    const f = await invoke({ fn: "f" });
    expect(f).toMatchObject({ status: 200, result: { f: "done" } });
    const g = await invoke({ fn: "g", n: 2 });
    expect(g).toMatchObject({ status: 200, result: { sum: 42 } });
    expect(g.execMs).toBeLessThan(100);
    const status = await agentStatus();
    expect(status).toMatchObject({ freshens: 1, freshenUsed: 1, freshenUnused: 0, freshenFailed: 0, reusePrediction: 1, reuseDoNow: 1 });
    expect(status.freshenWallMs).toBeGreaterThanOrEqual(fetchMs);
  });

  it("a misprediction (f without g) is billed as unused, and a later g without freshen still runs correctly, fetching again", async () => {
    await sleep(ttlMs + 100);
    const f = await invoke({ fn: "f" });
    expect(f.status).toBe(200);
    // Bounded: the freshened process is given back after freshenHoldMs with no g.
    let status = await agentStatus();
    for (const deadline = performance.now() + freshenHoldMs + 3000; status.freshenUnused === 0 && performance.now() < deadline; status = await agentStatus()) await sleep(100);
    expect(status).toMatchObject({ freshens: 2, freshenUsed: 1, freshenUnused: 1, freshenFailed: 0 });
    expect(status.freshenWallMs).toBeGreaterThanOrEqual(2 * fetchMs);
    const g = await invoke({ fn: "g", n: 5 });
    expect(g).toMatchObject({ status: 200, result: { sum: 45 } });
    expect(g.execMs).toBeGreaterThanOrEqual(fetchMs);
    expect(await agentStatus()).toMatchObject({ reusePrediction: 1, reuseCache: 0, reuseDoNow: 2 });
  });

  it("what a process fetched for one tenant is never another tenant's: the same pooled process, a cache per tenant", async () => {
    // The last test's g left its fresh copy in the process it gave back, which the pool hands out
    // next (last in, first out). tenant-1's g gets that process and still fetches for itself.
    const other = await invoke({ fn: "g", n: 1 }, cluster.state.keys["tenant-1"]!);
    expect(other).toMatchObject({ status: 200, result: { sum: 41 } });
    expect(other.execMs).toBeGreaterThanOrEqual(fetchMs - 1);
    // tenant-0's copy in that process is still fresh and still its own.
    const own = await invoke({ fn: "g", n: 3 });
    expect(own).toMatchObject({ status: 200, result: { sum: 43 } });
    expect(own.execMs).toBeLessThan(100);
    expect(await agentStatus()).toMatchObject({ reusePrediction: 1, reuseCache: 1, reuseDoNow: 3 });
  });
});
