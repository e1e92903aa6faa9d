import { describe, expect, it } from "vitest";
import { attributeWorkerBills, workerBill, type WorkerBill } from "../../../../adapters/lambda/mu/mu-worker-bills.ts";
import { lambdaInstanceMicroCents } from "../../../../adapters/scheduling/mu/lambda-instance-bill.ts";
import { lambdaSize } from "../../../../adapters/scheduling/mu/lambda-size-table.ts";

const bill = (worker: number, microCents: number): WorkerBill => ({ worker, billedMs: 0, microCents, source: "handler" });

describe("μ worker bills", () => {
  it.each([
    ["two runs on one worker, pro rata to their ms", [bill(0, 90)], [{ worker: 0, task: 1, runMs: 10 }, { worker: 0, task: 2, runMs: 20 }], { 1: 30, 2: 60 }, 0],
    ["an idle worker's bill goes to the next worker's runs", [bill(0, 40), bill(1, 60)], [{ worker: 1, task: 5, runMs: 3 }], { 5: 100 }, 0],
    ["trailing idle workers' bills go to the last worker with runs", [bill(0, 10), bill(1, 7), bill(2, 5)], [{ worker: 0, task: 1, runMs: 1 }], { 1: 22 }, 0],
    ["a task run twice carries both shares", [bill(0, 8), bill(1, 12)], [{ worker: 0, task: 3, runMs: 5 }, { worker: 1, task: 3, runMs: 5 }], { 3: 20 }, 0],
    ["no runs at all: nothing attributed, the bills counted", [bill(0, 8), bill(1, 12)], [], {}, 20],
  ])("%s", (_name, bills, runs, perTask, unattributed) => {
    const out = attributeWorkerBills(bills, runs);
    expect(Object.fromEntries(out.perTask)).toEqual(perTask);
    expect(out.unattributedMicroCents).toBe(unattributed);
    // Conservation: the rows and the unattributed rest add up to the bills.
    const rows = [...out.perTask.values()].reduce((a, b) => a + b, 0);
    expect(rows + out.unattributedMicroCents).toBeCloseTo(bills.reduce((a, b) => a + b.microCents, 0), 9);
  });

  it("bills a worker from the REPORT line, else the handler's own time, else the round trip", () => {
    const size = lambdaSize(4096);
    const summary = { worker: 0, vcpus: 3, slots: 2, tasksStarted: 0, tasksCompleted: 0, tasksDeclined: 0, peakRunning: 0, latestStartMs: 0, latestStartShare: 0, elapsedMs: 120.2, ended: "shutdown" as const };
    const report = { durationMs: 100.5, billedMs: 101, memorySizeMb: 4096, maxMemoryUsedMb: 80, initMs: 200.1 };
    expect(workerBill(size, 0, { summary, report, throttled: false, roundTripMs: 400 })).toEqual({ worker: 0, billedMs: 301, microCents: lambdaInstanceMicroCents(size, 301), source: "report" });
    expect(workerBill(size, 1, { summary, throttled: false, roundTripMs: 400 })).toMatchObject({ billedMs: 121, source: "handler" });
    expect(workerBill(size, 2, { error: "crashed", throttled: false, roundTripMs: 399.5 })).toMatchObject({ billedMs: 400, source: "round-trip" });
  });
});
