import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FreshenLogPage } from "../../../adapters/live/freshen-log.ts";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { freshenChainModule } from "./freshen-chain-module.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

const fetchMs = 200;
const ttlMs = 500;
const machines = 3;
/** f → g pairs: placed at random, g would land on f's machine every time with probability (1/3)^8 ≈ 0.02 %. */
const pairs = 8;

const moduleText = freshenChainModule(fetchMs, ttlMs);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(`freshen with ${machines} machines: the predicted call is placed where its freshened process waits`, () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-freshen-place-"));
  const modulePath = join(dir, "chain.mjs");
  let cluster: TestCluster;

  const invoke = async (tenant: string, payload: Record<string, unknown>): Promise<{ status: number; machine: number; execMs: number; result: unknown }> => {
    const answer = await callGateway(cluster.state, { key: cluster.state.keys[tenant]!, body: JSON.stringify({ workMs: 0, payload }) });
    return {
      status: answer.status,
      machine: Number(answer.headers[liveHeaders.machine]),
      execMs: Number(answer.headers[liveHeaders.exec]),
      result: answer.status === 200 ? (JSON.parse(answer.body) as { result: unknown }).result : answer.body,
    };
  };
  const getJson = async <T>(url: string, path: string): Promise<T> => (await (await request(new URL(path, url))).body.json()) as T;
  const agents = () => cluster.state.components.filter((c) => c.role === "agent");
  const agentTotals = async (): Promise<{ freshens: number; freshenUsed: number; reusePrediction: number }> => {
    const all = await Promise.all(agents().map((a) => getJson<Record<string, number>>(a.url, "status")));
    const sum = (name: string): number => all.reduce((s, a) => s + (a[name] ?? 0), 0);
    return { freshens: sum("freshens"), freshenUsed: sum("freshenUsed"), reusePrediction: sum("reusePrediction") };
  };

  beforeAll(async () => {
    writeFileSync(modulePath, moduleText);
    cluster = await startTestCluster({ machines, cores: 2, functionModule: modulePath });
  });
  afterAll(async () => {
    await cluster?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${pairs} times in a row, g runs on the machine that freshened it and saves the prefetch`, async () => {
    const placements: [number, number][] = [];
    for (let i = 0; i < pairs; i++) {
      await sleep(ttlMs + 100); // no process holds a fresh copy from the pair before
      const f = await invoke("tenant-0", { fn: "f" });
      expect(f).toMatchObject({ status: 200, result: { f: "done" } });
      const g = await invoke("tenant-0", { fn: "g", n: i });
      expect(g).toMatchObject({ status: 200, result: { sum: 40 + i } });
      expect(g.execMs).toBeLessThan(fetchMs / 2);
      placements.push([f.machine, g.machine]);
    }
    expect(placements.every(([f, g]) => f === g)).toBe(true);
    // f ran on more than one machine: the preference follows the hold, not one favourite machine.
    expect(new Set(placements.map(([f]) => f)).size).toBeGreaterThan(1);
    expect(await agentTotals()).toEqual({ freshens: pairs, freshenUsed: pairs, reusePrediction: pairs });
    const shard = cluster.state.components.find((c) => c.role === "shard")!;
    expect(await getJson<Record<string, number>>(shard.url, "status")).toMatchObject({ heldPlacements: pairs, holds: 0 });
  });

  it("another tenant's call of the same function is neither handed the process nor placed by the hold, and pays its own fetch", async () => {
    await sleep(ttlMs + 100);
    const before = await agentTotals();
    const f = await invoke("tenant-0", { fn: "f" });
    expect(f.status).toBe(200);
    // tenant-0's hold for g is valid now; tenant-1 calls g.
    const other = await invoke("tenant-1", { fn: "g", n: 1 });
    expect(other).toMatchObject({ status: 200, result: { sum: 41 } });
    expect(other.execMs).toBeGreaterThanOrEqual(fetchMs - 1);
    // The hold is still there for tenant-0's own g.
    const g = await invoke("tenant-0", { fn: "g", n: 2 });
    expect(g).toMatchObject({ status: 200, machine: f.machine, result: { sum: 42 } });
    expect(g.execMs).toBeLessThan(fetchMs / 2);
    const after = await agentTotals();
    expect(after.freshens - before.freshens).toBe(1);
    expect(after.freshenUsed - before.freshenUsed).toBe(1);
    // Every freshen this plane ran was tenant-0's: tenant-1 never predicted g.
    const logs = await Promise.all(agents().map((a) => getJson<FreshenLogPage>(a.url, "freshen-jobs?after=0")));
    const tenants = new Set(logs.flatMap((page) => page.jobs.map((j) => j.tenant)));
    expect([...tenants]).toEqual(["tenant-0"]);
  });
});
