import { beforeAll, describe, expect, it } from "vitest";
import type { Outcome, RunSummary } from "../../../adapters/backend.ts";
import { lambdaSize } from "../../../adapters/scheduling/mu/lambda-size-table.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { invocation } from "../../support/run-invocations.ts";
import { lambdaRun } from "../../support/lambda-run.ts";

const fee = 0.2e-6 * 1e8;
const perMs = (mb: number): number => lambdaSize(mb).usdPerMs * 1e8;

describe("sim:mu, exact scenarios", () => {
  it("a 3-vCPU worker runs 2 tasks at once, takes the third when one slot frees, and shuts down idle", async () => {
    // Cap 1: one worker. It registers after its 100 ms cold start and takes two tasks on its first
    // polls; both end at 1100, where its poll (every 20 ms from 100) takes the third.
    const tasks = [0, 1, 2].map((id) => invocation({ id, arrivalMs: 0, workMs: 1000 }));
    const { byId, summary } = await lambdaRun("mu", tasks, { memoryMb: 4096, concurrencyCap: 1, coldStartMs: 100 });
    expect(byId.get(0)).toMatchObject({ status: "ok", placedMs: 100, startMs: 100, endMs: 1100, machine: 0, cpuMs: 1000 });
    expect(byId.get(1)).toMatchObject({ status: "ok", placedMs: 100, startMs: 100, endMs: 1100, machine: 0 });
    expect(byId.get(2)).toMatchObject({ status: "ok", placedMs: 1100, startMs: 1100, endMs: 2100, machine: 0 });
    expect(summary.counters).toMatchObject({ instanceInvocations: 1, coldStarts: 1, peakTasksOnAWorker: 2, billedMs: 2100 });
    // One worker billed 100 ms of init + 2000 ms of duration; each task ran a third of its task-ms.
    const bill = 2100 * perMs(4096) + fee;
    for (const id of [0, 1, 2]) expect(byId.get(id)!.costMicroCents).toBeCloseTo(bill / 3, 9);
  });

  it("takes no task past 80 % of the timeout: the worker shuts down and a new one takes the rest", async () => {
    // 2048 MB: one task slot. Timeout 1 s: tasks start at 0, 300 and 600; at 900 (90 %) the
    // worker may take nothing, so it is idle and shut down, and a second worker (the first one's
    // warm sandbox) runs the fourth task.
    const tasks = [0, 1, 2, 3].map((id) => invocation({ id, arrivalMs: 0, workMs: 300 }));
    const { byId, summary } = await lambdaRun("mu", tasks, { concurrencyCap: 1, coldStartMs: 0, timeoutMs: 1000 });
    expect([0, 1, 2, 3].map((id) => [byId.get(id)!.startMs, byId.get(id)!.machine])).toEqual([
      [0, 0],
      [300, 0],
      [600, 0],
      [900, 1],
    ]);
    expect(summary.counters).toMatchObject({ instanceInvocations: 2, coldStarts: 1, latestTaskStartShare: 0.6, workersTimedOut: 0 });
  });

  it("a task cut off by its worker's timeout goes back to the pool when its lease runs out and completes once elsewhere", async () => {
    // Timeout 1 s, tasks of 700 ms: the worker takes the second at 700 (70 %) and is killed at
    // 1000 with it 300 ms in. Its lease (last renewed by the poll at 980) runs out at 1980; the
    // lease check at 2000 puts it back, and a new worker runs it 2000–2700.
    const tasks = [0, 1].map((id) => invocation({ id, arrivalMs: 0, workMs: 700 }));
    const { byId, summary, rows } = await lambdaRun("mu", tasks, { concurrencyCap: 1, coldStartMs: 0, timeoutMs: 1000 });
    expect(rows.length).toBe(2);
    expect(byId.get(0)).toMatchObject({ status: "ok", startMs: 0, endMs: 700, machine: 0, cpuMs: 700 });
    expect(byId.get(1)).toMatchObject({ status: "ok", startMs: 700, placedMs: 2000, endMs: 2700, machine: 1, cpuMs: 1000 });
    expect(summary.counters).toMatchObject({ workersTimedOut: 1, tasksCutByTimeout: 1, reassignments: 1, instanceInvocations: 2, billedMs: 1700 });
    // Worker 0 billed 1000 ms, shared 700 : 300 between the tasks; worker 1 billed 700 ms, all task 1's.
    const bill0 = 1000 * perMs(2048) + fee;
    const bill1 = 700 * perMs(2048) + fee;
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(0.7 * bill0, 9);
    expect(byId.get(1)!.costMicroCents).toBeCloseTo(0.3 * bill0 + bill1, 9);
  });

  it("passes an idle worker's bill on to the tasks of the next worker that ends", async () => {
    // One slot per worker, cold starts of 100 ms. Task 0 arrives at 0: worker 0 starts at 100 and
    // runs it to 200. Task 1 arrives at 150 with no free slot, so worker 1 is spawned (cold, up at
    // 250); but worker 0's poll at 200 takes task 1 first, and worker 1 finds nothing: idle, shut
    // down, billed its 100 ms of init. Its bill goes to the tasks of worker 0 (billed 300 ms).
    const tasks = [invocation({ id: 0, arrivalMs: 0, workMs: 100 }), invocation({ id: 1, arrivalMs: 150, workMs: 100 })];
    const { byId, rows, summary } = await lambdaRun("mu", tasks, { concurrencyCap: 2, coldStartMs: 100 });
    expect(byId.get(1)).toMatchObject({ placedMs: 200, endMs: 300, machine: 0 });
    expect(summary.counters).toMatchObject({ instanceInvocations: 2, idleWorkers: 1, coldStarts: 2, billedMs: 400 });
    const bills = 400 * perMs(2048) + 2 * fee;
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(bills / 2, 9);
    expect(byId.get(1)!.costMicroCents).toBeCloseTo(bills / 2, 9);
    expect(rows.reduce((s, r) => s + r.outcome.costMicroCents, 0)).toBeCloseTo(summary.counters.billedMicroCents!, 9);
  });

  it("gives a task up after its third run is cut off by the timeout, billing all three workers to it", async () => {
    // A 2 s task under a 1 s timeout can never finish: three workers (at 0, 2000, 4000) each run it
    // 1 s and die, each lease check 1 s after a death hands it out again; after
    // the third lease runs out it is given up. Sampling is on, so a row never emitted would hang the run.
    const { byId, summary } = await lambdaRun("mu", [invocation({ id: 0, arrivalMs: 0, workMs: 2000 })], { concurrencyCap: 1, coldStartMs: 0, timeoutMs: 1000, sampleIntervalMs: 100 });
    expect(byId.get(0)).toMatchObject({ status: "timeout", startMs: 0, cpuMs: 3000, endMs: 6000 });
    expect(summary.counters).toMatchObject({ instanceInvocations: 3, workersTimedOut: 3, reassignments: 2, tasksGivenUp: 1, billedMs: 3000 });
    expect(summary.outcomes.timeout).toBe(1);
    expect(byId.get(0)!.costMicroCents).toBeCloseTo(3 * (1000 * perMs(2048) + fee), 9);
  });

  it("refuses a size with one vCPU: every vCPU of it would monitor", async () => {
    await expect(lambdaRun("mu", [invocation({ id: 0, arrivalMs: 0, workMs: 1 })], { memoryMb: 1769 })).rejects.toThrow(
      "sim:mu needs at least 2 vCPUs (--memory-mb 1770 or more): at 1769 MB a worker has 1, all kept for monitoring",
    );
  });
});

/** 300 tasks at once, 1–3 s each, on 4-vCPU workers (3 task slots) with a 10 s timeout: some workers die mid-task. */
function burst(seed: number): Invocation[] {
  const rng = SeededRandom.forPurpose(seed, "mu test work");
  return Array.from({ length: 300 }, (_, id) => invocation({ id, arrivalMs: 0, workMs: 1000 + Math.floor(2000 * rng.next()), memPeakMb: 50 }));
}

describe("sim:mu invariants under worker deaths", () => {
  const config = { memoryMb: 6144, concurrencyCap: 6, timeoutMs: 10_000, coldStartMs: 250 };
  let run: { rows: { inv: Invocation; outcome: Outcome }[]; summary: RunSummary };
  beforeAll(async () => {
    run = await lambdaRun("mu", burst(3), config);
  });

  it("workers did die mid-task, and the coordinator handed every cut task out again", () => {
    expect(run.summary.counters.workersTimedOut).toBeGreaterThan(2);
    expect(run.summary.counters.tasksCutByTimeout).toBeGreaterThan(2);
    expect(run.summary.counters.reassignments).toBe(run.summary.counters.tasksCutByTimeout);
  });

  it("completes every task exactly once, all of its work in its final run", () => {
    const seen = new Map<number, number>();
    for (const { inv, outcome } of run.rows) {
      seen.set(inv.id, (seen.get(inv.id) ?? 0) + 1);
      expect(outcome.status).toBe("ok");
      expect(outcome.endMs! - outcome.placedMs!).toBe(inv.workMs);
    }
    expect(seen.size).toBe(300);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // A cut task's row counts the CPU of the run it lost too.
    const rerun = run.rows.filter((r) => r.outcome.cpuMs! > r.inv.workMs);
    expect(rerun.length).toBe(run.summary.counters.tasksCutByTimeout);
    const cpu = run.rows.reduce((s, r) => s + r.outcome.cpuMs!, 0);
    expect(cpu).toBeCloseTo(run.summary.counters.busyCoreMs!, 6);
  });

  it("never runs more than vCPUs − 1 tasks on a worker", () => {
    expect(run.summary.counters.peakTasksOnAWorker).toBe(3);
    // From the rows: each completed run's interval on its worker.
    const byWorker = new Map<number, [number, number][]>();
    for (const { outcome } of run.rows) {
      const list = byWorker.get(outcome.machine!) ?? [];
      list.push([outcome.placedMs!, outcome.endMs!]);
      byWorker.set(outcome.machine!, list);
    }
    let peak = 0;
    for (const runs of byWorker.values()) {
      const edges = runs.flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let now = 0;
      for (const [, d] of edges) peak = Math.max(peak, (now += d));
    }
    expect(peak).toBe(3);
  });

  it("starts no task past 80 % of the timeout, and does reach near it", () => {
    expect(run.summary.counters.latestTaskStartShare).toBeLessThanOrEqual(0.8);
    expect(run.summary.counters.latestTaskStartShare).toBeGreaterThan(0.75);
  });

  it("never has more workers than the cap: instance ids in flight", () => {
    expect(run.summary.counters.instanceInvocations).toBeGreaterThan(6);
    const byWorker = new Map<number, [number, number]>();
    for (const { outcome } of run.rows) {
      const [s, e] = byWorker.get(outcome.machine!) ?? [Infinity, -Infinity];
      byWorker.set(outcome.machine!, [Math.min(s, outcome.placedMs!), Math.max(e, outcome.endMs!)]);
    }
    const edges = [...byWorker.values()].flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let peak = 0;
    for (const [, d] of edges) peak = Math.max(peak, (live += d));
    expect(peak).toBeLessThanOrEqual(6);
  });

  it("the rows' costs add up to the workers' bills, which are the billed ms × the table's price + a fee per worker", () => {
    const c = run.summary.counters;
    const rows = run.rows.reduce((s, r) => s + r.outcome.costMicroCents, 0);
    expect(Math.abs(rows - c.billedMicroCents!)).toBeLessThanOrEqual(1e-12 * c.billedMicroCents!);
    expect(c.billedMicroCents!).toBeCloseTo(c.billedMs! * 0.0000001 * 1e8 + c.instanceInvocations! * fee, 6);
    expect(run.rows.every((r) => r.outcome.costMicroCents > 0)).toBe(true);
  });
});
