import { describe, expect, it } from "vitest";
import { MuCoordinator } from "../../../../adapters/scheduling/mu/mu-coordinator.ts";
import { paperAdmission } from "../../../../adapters/scheduling/mu/mu-worker-admission.ts";

const coordinator = (): MuCoordinator => new MuCoordinator({ limits: { timeoutMs: 10_000, ...paperAdmission }, leaseMs: 1000, maxAttempts: 3 });
const report = (running: number, vcpus = 6) => ({ cpuShare: running / vcpus, memShare: 0, runningTasks: running });

describe("MuCoordinator: a request pool, Algorithm 1 and leases", () => {
  it("hands tasks out in arrival order, one per poll, up to vCPUs − 1 per worker", () => {
    const c = coordinator();
    for (const t of [10, 11, 12, 13]) c.submit(t);
    c.register(1, 0, 3);
    expect(c.poll(1, 0, report(0, 3), [])).toEqual({ kind: "assign", task: 10 });
    expect(c.poll(1, 0, report(1, 3), [10])).toEqual({ kind: "assign", task: 11 });
    expect(c.poll(1, 0, report(2, 3), [10, 11])).toEqual({ kind: "continue" });
    expect(c.pooledTasks).toBe(2);
    expect(c.leasedTasks).toBe(2);
  });

  it("shuts down an idle worker when the pool is empty and forgets it", () => {
    const c = coordinator();
    c.register(1, 0, 2);
    expect(c.poll(1, 5, report(0, 2), [])).toEqual({ kind: "shutdown" });
    expect(c.registeredWorkers).toBe(0);
    // A poll from a worker it no longer knows is told to stop.
    expect(c.poll(1, 6, report(0, 2), [])).toEqual({ kind: "shutdown" });
  });

  it("stops giving a worker tasks past 80 % of the timeout", () => {
    const c = coordinator();
    c.submit(1);
    c.submit(2);
    c.register(7, 1000, 6);
    expect(c.poll(7, 9000, report(0), [])).toEqual({ kind: "assign", task: 1 });
    expect(c.poll(7, 9001, report(1), [1])).toEqual({ kind: "continue" });
    expect(c.complete(7, 1)).toBe(true);
    expect(c.poll(7, 9002, report(0), [])).toEqual({ kind: "shutdown" });
    expect(c.pooledTasks).toBe(1);
  });

  it("completes a task once: a second completion is refused", () => {
    const c = coordinator();
    c.submit(5);
    c.register(1, 0, 2);
    c.poll(1, 0, report(0, 2), []);
    expect(c.complete(1, 5)).toBe(true);
    expect(c.complete(1, 5)).toBe(false);
    expect(c.complete(2, 99)).toBe(false);
    expect(c.duplicateCompletions).toBe(2);
  });

  it("a poll renews the leases of the tasks the worker reports, so a live worker keeps them", () => {
    const c = coordinator();
    c.submit(1);
    c.register(1, 0, 2);
    c.poll(1, 0, report(0, 2), []);
    c.poll(1, 900, report(1, 2), [1]);
    expect(c.nextLeaseExpiry()).toBe(1900);
    expect(c.expireLeases(1899).reclaimed).toEqual([]);
    expect(c.leasedTasks).toBe(1);
  });

  it("a lease that runs out sends its task back to the front of the pool, for another worker", () => {
    const c = coordinator();
    for (const t of [1, 2, 3]) c.submit(t);
    c.register(1, 0, 2);
    expect(c.poll(1, 0, report(0, 2), [])).toEqual({ kind: "assign", task: 1 });
    // Worker 1 dies: it never polls again.
    expect(c.expireLeases(999)).toEqual({ reclaimed: [], abandoned: [] });
    expect(c.expireLeases(1000)).toEqual({ reclaimed: [1], abandoned: [] });
    expect(c.reassignments).toBe(1);
    expect(c.registeredWorkers).toBe(0);
    c.register(2, 1000, 2);
    expect(c.poll(2, 1000, report(0, 2), [])).toEqual({ kind: "assign", task: 1 });
    expect(c.complete(2, 1)).toBe(true);
    expect(c.poll(2, 1001, report(0, 2), [])).toEqual({ kind: "assign", task: 2 });
  });

  it("a slow worker that finishes after its lease ran out wins, and the pooled copy is withdrawn", () => {
    const c = coordinator();
    c.submit(1);
    c.submit(2);
    c.register(1, 0, 2);
    c.poll(1, 0, report(0, 2), []);
    c.expireLeases(1000);
    expect(c.complete(1, 1)).toBe(true);
    c.register(2, 1000, 2);
    expect(c.poll(2, 1000, report(0, 2), [])).toEqual({ kind: "assign", task: 2 });
    expect(c.pooledTasks).toBe(0);
  });

  it("a reassigned task's late completion from the dead worker's copy is refused after the new one completes", () => {
    const c = coordinator();
    c.submit(1);
    c.register(1, 0, 2);
    c.poll(1, 0, report(0, 2), []);
    c.expireLeases(1000);
    c.register(2, 1000, 2);
    c.poll(2, 1000, report(0, 2), []);
    expect(c.complete(2, 1)).toBe(true);
    expect(c.complete(1, 1)).toBe(false);
  });

  it("gives a task up when its lease runs out on its last attempt", () => {
    const c = coordinator();
    c.submit(1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const t = attempt * 2000;
      c.register(attempt, t, 2);
      expect(c.poll(attempt, t, report(0, 2), [])).toEqual({ kind: "assign", task: 1 });
      expect(c.expireLeases(t + 1000)).toEqual(attempt < 3 ? { reclaimed: [1], abandoned: [] } : { reclaimed: [], abandoned: [1] });
    }
    expect(c.pooledTasks + c.leasedTasks).toBe(0);
    expect(c.reassignments).toBe(2);
  });

  it("refuses a task submitted while it is still pooled or leased", () => {
    const c = coordinator();
    c.submit(1);
    expect(() => c.submit(1)).toThrow(/twice/);
  });
});
