import { describe, expect, it } from "vitest";
import { lambdaSize } from "../../../adapters/scheduling/mu/lambda-size-table.ts";
import { invocation } from "../../support/run-invocations.ts";
import { lambdaRun } from "../../support/lambda-run.ts";

const fee = 0.2e-6 * 1e8;
/** µ¢ per billed ms at a size. */
const perMs = (mb: number): number => lambdaSize(mb).usdPerMs * 1e8;

describe("sim:faas: each task its own Lambda invocation", () => {
  it("runs at most the concurrency cap at once; the rest wait and reuse a warm instance", async () => {
    const tasks = [0, 1, 2].map((id) => invocation({ id, arrivalMs: 0, workMs: 100 }));
    const { byId, summary } = await lambdaRun("faas", tasks, { concurrencyCap: 2, coldStartMs: 50 });
    expect(byId.get(0)).toMatchObject({ status: "ok", placedMs: 0, startMs: 50, endMs: 150 });
    expect(byId.get(1)).toMatchObject({ status: "ok", placedMs: 0, startMs: 50, endMs: 150 });
    // The third waits for a slot, then takes a sandbox the first two left warm: no cold start.
    expect(byId.get(2)).toMatchObject({ status: "ok", placedMs: 150, startMs: 150, endMs: 250 });
    expect(summary.counters).toMatchObject({ instanceInvocations: 3, coldStarts: 2 });
    // Billed: init + duration, rounded up to a ms, × the price per ms, + the request fee.
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(150 * perMs(2048) + fee, 9);
    expect(byId.get(2)!.costMicroCents).toBeCloseTo(100 * perMs(2048) + fee, 9);
  });

  it("starts cold again once an idle instance outlived the keep-alive", async () => {
    const tasks = [
      invocation({ id: 0, arrivalMs: 0, workMs: 100 }),
      invocation({ id: 1, arrivalMs: 1100, workMs: 100 }),
      invocation({ id: 2, arrivalMs: 2300, workMs: 100 }),
    ];
    const { byId, summary } = await lambdaRun("faas", tasks, { coldStartMs: 50, keepAliveMs: 1000 });
    expect(byId.get(1)).toMatchObject({ startMs: 1100, endMs: 1200 });
    expect(byId.get(2)).toMatchObject({ startMs: 2350, endMs: 2450 });
    expect(summary.counters).toMatchObject({ instanceInvocations: 3, coldStarts: 2 });
  });

  it("cuts a handler off at the timeout and bills it up to then", async () => {
    const { byId, summary } = await lambdaRun("faas", [invocation({ id: 0, arrivalMs: 0, workMs: 1500 })], { coldStartMs: 250, timeoutMs: 1000 });
    expect(byId.get(0)).toMatchObject({ status: "timeout", startMs: 250, endMs: 1250, cpuMs: 1000 });
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(1250 * perMs(2048) + fee, 9);
    expect(summary.outcomes.timeout).toBe(1);
  });

  it("runs a thread at MB / 1769 of a vCPU below 1,769 MB, and bills the longer duration", async () => {
    const { byId } = await lambdaRun("faas", [invocation({ id: 0, arrivalMs: 0, workMs: 100 })], { coldStartMs: 0, memoryMb: 1024 });
    const runMs = 100 / (1024 / 1769);
    expect(byId.get(0)!.endMs).toBeCloseTo(runMs, 9);
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(Math.ceil(runMs) * perMs(1024) + fee, 9);
  });

  it("runs as fast at 10,240 MB as at 2,048 MB but pays five times the price per ms", async () => {
    const task = [invocation({ id: 0, arrivalMs: 0, workMs: 1000 })];
    const small = await lambdaRun("faas", task, { memoryMb: 2048, coldStartMs: 0 });
    const large = await lambdaRun("faas", task, { memoryMb: 10240, coldStartMs: 0 });
    expect(large.byId.get(0)!.endMs).toBe(small.byId.get(0)!.endMs);
    expect((large.byId.get(0)!.costMicroCents - fee) / (small.byId.get(0)!.costMicroCents - fee)).toBeCloseTo(0.0000001667 / 0.0000000333, 9);
  });
});
