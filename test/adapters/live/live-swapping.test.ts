import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

/**
 * Real price-class swapping needs swap, which this machine does not have: as root, the test makes
 * a 1 GB swapfile for itself and removes it afterwards (swapoff, rm). Swap is global state, so it
 * stays small and lives only for this file; without root the test is skipped, and says so.
 */
const root = process.getuid?.() === 0;

describe.skipIf(!root)("price-class swapping for real: a stopped low-class function's pages go to swap (root: makes its own swapfile)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-swap-"));
  const swapfile = join(dir, "swapfile");
  let swapOn = false;
  let cluster: TestCluster | undefined;

  beforeAll(async () => {
    execFileSync("fallocate", ["-l", "1G", swapfile]);
    execFileSync("chmod", ["600", swapfile]);
    execFileSync("mkswap", [swapfile], { stdio: "ignore" });
    execFileSync("swapon", [swapfile]);
    swapOn = true;
    // 1000 MB of RAM and 900 MB of swap per machine; function memory at full scale.
    cluster = await startTestCluster({ machines: 1, cores: 1, memoryMb: 1000, swapMb: 900, memScale: 1 });
  });
  afterAll(async () => {
    try {
      await cluster?.down();
    } finally {
      if (swapOn) execFileSync("swapoff", [swapfile]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function agentStatus(): Promise<Record<string, unknown>> {
    const agent = cluster!.state.components.find((c) => c.role === "agent")!;
    const answer = await callGateway(cluster!.state, { method: "GET", body: "", path: new URL("status", agent.url).href });
    return JSON.parse(answer.body) as Record<string, unknown>;
  }

  it("RAM full: the preempted class-0 function is swapped out instead of killed, and swapped back in before it resumes", async () => {
    const key = cluster!.state.keys["tenant-0"]!;
    const low = callGateway(cluster!.state, { key, body: JSON.stringify({ priceClass: 0, workMs: 2000, memPeakMb: 600 }) });
    const deadline = performance.now() + 10_000;
    while (!(Number((await agentStatus()).residentMb) > 600)) {
      if (performance.now() > deadline) throw new Error("the low-class function never held its 600 MB");
      await new Promise((r) => setTimeout(r, 20));
    }
    const high = callGateway(cluster!.state, { key, body: JSON.stringify({ priceClass: 3, workMs: 1000, memPeakMb: 600 }) });
    const [lowAnswer, highAnswer] = await Promise.all([low, high]);
    expect([lowAnswer.status, highAnswer.status]).toEqual([200, 200]);
    expect(lowAnswer.headers[liveHeaders.preemptions]).toBe("1");
    expect(lowAnswer.headers[liveHeaders.swapOuts]).toBe("1");
    // What the kernel reported in swap for its process: most of its 600 MB.
    expect(Number(lowAnswer.headers[liveHeaders.swappedOut])).toBeGreaterThan(300);
    expect(Number(lowAnswer.headers[liveHeaders.swapIn])).toBeGreaterThan(0);
    expect(highAnswer.headers[liveHeaders.swapOuts]).toBe("0");
    expect(await agentStatus()).toMatchObject({ killed: 0, swapOuts: 1 });
  });
});
