import { describe, expect, it } from "vitest";
import { runsOnFreeCore, waits, XxMachine } from "../../../adapters/scheduling/xx-machine.ts";
import { functionTable } from "./xx-function-table.ts";

/** Which functions run, class by class from the highest, and which wait, in order. */
function state(machine: XxMachine): { running: number[]; waiting: number[] } {
  const running: number[] = [];
  const waiting: number[] = [];
  const s = machine.scheduler;
  for (let c = machine.classes - 1; c >= 0; c--) {
    for (let i = 0; i < s.functionsInClass(c); i++) (i < s.runningInClass(c) ? running : waiting).push(s.functionAt(c, i));
  }
  return { running, waiting };
}

describe("XxMachine.admit: preemptive priority, FIFO within a class", () => {
  // Two cores, three classes. Functions 0..5 have classes [0, 0, 1, 1, 2, 0].
  const classes = [0, 0, 1, 1, 2, 0];
  it.each([
    { name: "a free core: it runs", before: [0], admit: 1, decision: runsOnFreeCore, running: [0, 1], waiting: [] },
    { name: "busy with equal classes: it waits", before: [0, 1], admit: 5, decision: waits, running: [0, 1], waiting: [5] },
    { name: "busy with a higher class: it waits", before: [2, 3], admit: 0, decision: waits, running: [2, 3], waiting: [0] },
    { name: "class 1 over two class 0s: the later-started class 0 stops", before: [0, 1], admit: 2, decision: 1, running: [2, 0], waiting: [1] },
    { name: "class 2 over classes 1 and 0: the class 0 stops", before: [2, 0], admit: 4, decision: 0, running: [4, 2], waiting: [0] },
    { name: "class 2 over two class 1s: the later class 1 stops", before: [2, 3], admit: 4, decision: 3, running: [4, 2], waiting: [3] },
  ])("$name", ({ before, admit, decision, running, waiting }) => {
    const machine = new XxMachine(2, 3, functionTable(classes));
    for (const fn of before) {
      const d = machine.admit(fn);
      if (d === runsOnFreeCore) machine.start(fn);
    }
    expect(machine.admit(admit)).toBe(decision);
    expect(state(machine)).toEqual({ running, waiting });
  });

  it("puts a preempted function back at the head of its class, ahead of later arrivals (SCHED_FIFO)", () => {
    // One core: 0 (class 0) runs, 1 (class 0) waits, 2 (class 1) preempts 0; 2 finishes: 0 resumes before 1.
    const machine = new XxMachine(1, 2, functionTable([0, 0, 1]));
    expect(machine.admit(0)).toBe(runsOnFreeCore);
    machine.start(0);
    expect(machine.admit(1)).toBe(waits);
    expect(machine.admit(2)).toBe(0);
    machine.preempted(0);
    machine.start(2);
    expect(machine.finish(2)).toBe(0);
    machine.start(0);
    expect(machine.finish(0)).toBe(1);
    machine.start(1);
    expect(machine.finish(1)).toBe(-1);
    expect([machine.functions, machine.running, machine.waitingMb]).toEqual([0, 0, 0]);
  });
});

describe("XxMachine's memory bookkeeping for its dispatcher", () => {
  // One core; functions 0, 1, 2 of class 0 with 100, 200 and 400 MB.
  const setUp = (): { machine: XxMachine; table: ReturnType<typeof functionTable> } => {
    const table = functionTable([0, 0, 0], [100, 200, 400]);
    const machine = new XxMachine(1, 1, table);
    for (const fn of [0, 1, 2]) if (machine.admit(fn) === runsOnFreeCore) machine.start(fn);
    return { machine, table };
  };

  it("counts waiting functions' memory, not the running one's", () => {
    const { machine } = setUp();
    expect([machine.waitingMb, machine.swappedMb]).toEqual([600, 0]);
  });

  it("moves a swapped-out function's memory from waiting to swapped, and back in when it starts", () => {
    const { machine, table } = setUp();
    expect(machine.swapOut(2)).toBe(400);
    expect([machine.waitingMb, machine.swappedMb, table.swapped[2], machine.isSwapped(2)]).toEqual([200, 400, 1, true]);
    expect(machine.finish(0)).toBe(1);
    expect(machine.start(1)).toBe(false);
    expect(machine.finish(1)).toBe(2);
    expect(machine.start(2)).toBe(true);
    expect([machine.waitingMb, machine.swappedMb, table.swapped[2]]).toEqual([0, 0, 0]);
  });

  it("counts a preempted function's memory as of when it stopped", () => {
    const table = functionTable([0, 1], [100, 50]);
    const machine = new XxMachine(1, 2, table);
    machine.admit(0);
    machine.start(0);
    expect(machine.admit(1)).toBe(0);
    table.mem[0] = 170; // it grew while it ran; the caller records that when it stops it
    machine.preempted(0);
    machine.start(1);
    expect(machine.waitingMb).toBe(170);
  });

  it.each([
    { name: "a running one frees its core for the next in line", kill: 0, next: 1, waitingMb: 0, swappedMb: 400 },
    { name: "a waiting one leaves the waiting memory", kill: 1, next: -1, waitingMb: 0, swappedMb: 400 },
    { name: "a swapped-out one leaves the swapped memory", kill: 2, next: -1, waitingMb: 200, swappedMb: 0 },
  ])("kills $name", ({ kill, next, waitingMb, swappedMb }) => {
    const { machine } = setUp();
    machine.swapOut(2);
    expect(machine.kill(kill)).toBe(next);
    if (next >= 0) expect(machine.start(next)).toBe(false);
    expect([machine.functions, machine.running, machine.waitingMb, machine.swappedMb]).toEqual([2, 1, waitingMb, swappedMb]);
    expect(machine.isRunning(kill)).toBe(false);
  });

  it("recounts its totals from the functions, dropping the float drift of many increments", () => {
    // 0 runs with no memory; 1, 2, 3 wait with 0.1, 0.2 and 0.7 MB and are killed newest first.
    const table = functionTable([0, 0, 0, 0], [0, 0.1, 0.2, 0.7]);
    const machine = new XxMachine(1, 1, table);
    for (const fn of [0, 1, 2, 3]) if (machine.admit(fn) === runsOnFreeCore) machine.start(fn);
    for (const fn of [3, 2, 1]) machine.kill(fn);
    expect(machine.waitingMb).not.toBe(0);
    expect(Math.abs(machine.waitingMb)).toBeLessThan(1e-15);
    machine.recountMemory();
    expect([machine.waitingMb, machine.swappedMb]).toEqual([0, 0]);
  });
});
