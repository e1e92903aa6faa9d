import { describe, expect, it } from "vitest";
import { runSyntheticWork } from "../../../../adapters/http/reference-server/synthetic-work.ts";

// In this test's own process: the same function a worker process runs per request.
describe("runSyntheticWork", () => {
  it("cpu mode stops once the process CPU clock advanced workMs, not much later", async () => {
    const before = process.cpuUsage();
    const done = await runSyntheticWork({ workMs: 120, memMb: 0, mode: "cpu" });
    const used = process.cpuUsage(before);
    expect(done.cpuMs).toBeGreaterThanOrEqual(120);
    expect(done.cpuMs).toBeLessThan(120 + 40);
    expect((used.user + used.system) / 1000).toBeGreaterThanOrEqual(120);
    expect(done.memMb).toBe(0);
  });

  it("cpu mode grows the memory to memMb by the end of the work", async () => {
    const done = await runSyntheticWork({ workMs: 30, memMb: 12.5, mode: "cpu" });
    expect(done.memMb).toBe(12.5);
  });

  it("workMs 0 still allocates the memory, and does no work", async () => {
    const done = await runSyntheticWork({ workMs: 0, memMb: 3, mode: "cpu" });
    expect(done.memMb).toBe(3);
    expect(done.cpuMs).toBeLessThan(30);
  });

  it("sleep mode holds wall time and barely uses CPU", async () => {
    const done = await runSyntheticWork({ workMs: 100, memMb: 4, mode: "sleep" });
    expect(done.execMs).toBeGreaterThanOrEqual(100);
    expect(done.execMs).toBeLessThan(180);
    expect(done.cpuMs).toBeLessThan(40);
    expect(done.memMb).toBe(4);
  });

  it("cpu mode yields to the event loop while it works (a worker notices its primary is gone)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await runSyntheticWork({ workMs: 100, memMb: 0, mode: "cpu" });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});
