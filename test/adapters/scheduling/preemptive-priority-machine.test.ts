import { describe, expect, it } from "vitest";
import {
  PreemptivePriorityMachine,
  runsOnFreeCore,
  waits,
} from "../../../adapters/scheduling/preemptive-priority-machine.ts";

/** One call on the machine and what it must answer (`release` answers the slot that now runs, or -1). */
type Step =
  | readonly ["admit", slot: number, cls: number, answer: number]
  | readonly ["release", slot: number, cls: number, answer: number]
  | readonly ["removeWaiting", slot: number, cls: number];

/**
 * The machine's state, one string per class (index = class): the running functions in FIFO
 * order, "|", then the waiting ones in FIFO order.
 */
function stateOf(machine: PreemptivePriorityMachine): string[] {
  const state: string[] = [];
  for (let c = 0; c < machine.classes; c++) {
    const running: number[] = [];
    const waiting: number[] = [];
    for (let i = 0; i < machine.functionsInClass(c); i++) {
      const slot = machine.functionAt(c, i);
      (i < machine.runningInClass(c) ? running : waiting).push(slot);
      expect(machine.isRunning(slot, c)).toBe(i < machine.runningInClass(c));
    }
    state.push(`${running.join(" ")}|${waiting.join(" ")}`);
  }
  return state;
}

function play(machine: PreemptivePriorityMachine, steps: readonly Step[]): void {
  steps.forEach((step, n) => {
    const where = `step ${n}: ${step.join(" ")}`;
    if (step[0] === "admit") expect(machine.admit(step[1], step[2]), where).toBe(step[3]);
    else if (step[0] === "release") expect(machine.release(step[1], step[2]), where).toBe(step[3]);
    else machine.removeWaiting(step[1], step[2]);
  });
}

const free = runsOnFreeCore;

interface Scenario {
  readonly name: string;
  readonly cores: number;
  readonly steps: readonly Step[];
  /** Final state per class, as `stateOf` renders it. */
  readonly state: readonly string[];
  readonly running: number;
  readonly functions: number;
}

const scenarios: readonly Scenario[] = [
  {
    name: "functions take free cores whatever their class",
    cores: 3,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 2, free],
      ["admit", 2, 0, free],
    ],
    state: ["0 2|", "|", "1|"],
    running: 3,
    functions: 3,
  },
  {
    name: "with every core busy, an equal or lower class waits and a higher one preempts",
    cores: 2,
    steps: [
      ["admit", 0, 1, free],
      ["admit", 1, 2, free],
      ["admit", 2, 1, waits],
      ["admit", 3, 0, waits],
      ["admit", 4, 2, 0],
      ["admit", 5, 2, waits],
      ["admit", 6, 1, waits],
    ],
    state: ["|3", "|0 2 6", "1 4|5"],
    running: 2,
    functions: 7,
  },
  {
    name: "a higher class preempts the newest running function of the lowest running class",
    cores: 3,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 0, free],
      ["admit", 2, 1, free],
      ["admit", 3, 2, 1],
      ["admit", 4, 2, 0],
      ["admit", 5, 2, 2],
      ["admit", 6, 2, waits],
    ],
    state: ["|0 1", "|2", "3 4 5|6"],
    running: 3,
    functions: 7,
  },
  {
    name: "the victim comes from the lowest running class, not from a class in between",
    cores: 2,
    steps: [
      ["admit", 0, 1, free],
      ["admit", 1, 0, free],
      ["admit", 2, 2, 1],
      ["admit", 3, 2, 0],
    ],
    state: ["|1", "|0", "2 3|"],
    running: 2,
    functions: 4,
  },
  {
    name: "a class-1 newcomer preempts class 0 while class 2 runs alongside",
    cores: 2,
    steps: [
      ["admit", 0, 2, free],
      ["admit", 1, 0, free],
      ["admit", 2, 1, 1],
      ["admit", 3, 1, waits],
    ],
    state: ["|1", "2|3", "0|"],
    running: 2,
    functions: 4,
  },
  {
    name: "a preempted function resumes before later arrivals of its class (SCHED_FIFO)",
    cores: 1,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 0, waits],
      ["admit", 2, 1, 0],
      ["release", 2, 1, 0],
    ],
    state: ["0|1", "|", "|"],
    running: 1,
    functions: 2,
  },
  {
    name: "two preempted functions resume in arrival order, ahead of their class's waiters",
    cores: 2,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 0, free],
      ["admit", 2, 0, waits],
      ["admit", 3, 1, 1],
      ["admit", 4, 1, 0],
      ["release", 3, 1, 0],
      ["release", 4, 1, 1],
      ["release", 0, 0, 2],
    ],
    state: ["1 2|", "|", "|"],
    running: 2,
    functions: 2,
  },
  {
    name: "a release hands the core to the highest waiting class, then FIFO within it",
    cores: 1,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 1, 0],
      ["admit", 2, 2, 1],
      ["admit", 3, 1, waits],
      ["admit", 4, 0, waits],
      ["release", 2, 2, 1],
      ["release", 1, 1, 3],
      ["release", 3, 1, 0],
      ["release", 0, 0, 4],
      ["release", 4, 0, -1],
    ],
    state: ["|", "|", "|"],
    running: 0,
    functions: 0,
  },
  {
    name: "releasing a running function that is not its class's first keeps the others' order",
    cores: 3,
    steps: [
      ["admit", 0, 1, free],
      ["admit", 1, 1, free],
      ["admit", 2, 1, free],
      ["admit", 3, 1, waits],
      ["admit", 4, 1, waits],
      ["release", 1, 1, 3],
    ],
    state: ["|", "0 2 3|4", "|"],
    running: 3,
    functions: 4,
  },
  {
    name: "a release with nobody waiting frees the core",
    cores: 2,
    steps: [
      ["admit", 0, 2, free],
      ["admit", 1, 0, free],
      ["release", 0, 2, -1],
      ["admit", 2, 0, free],
    ],
    state: ["1 2|", "|", "|"],
    running: 2,
    functions: 2,
  },
  {
    name: "removing a waiting function closes the gap in its class",
    cores: 1,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 0, waits],
      ["admit", 2, 0, waits],
      ["admit", 3, 0, waits],
      ["removeWaiting", 2, 0],
      ["release", 0, 0, 1],
    ],
    state: ["1|3", "|", "|"],
    running: 1,
    functions: 2,
  },
  {
    name: "removing the preempted function at the head of the waiters hands its turn to the next",
    cores: 1,
    steps: [
      ["admit", 0, 0, free],
      ["admit", 1, 0, waits],
      ["admit", 2, 1, 0],
      ["removeWaiting", 0, 0],
      ["release", 2, 1, 1],
    ],
    state: ["1|", "|", "|"],
    running: 1,
    functions: 1,
  },
  {
    name: "removing the last waiter leaves the running ones alone",
    cores: 1,
    steps: [
      ["admit", 0, 2, free],
      ["admit", 1, 2, waits],
      ["removeWaiting", 1, 2],
    ],
    state: ["|", "|", "0|"],
    running: 1,
    functions: 1,
  },
];

describe("PreemptivePriorityMachine (preemptive priority across classes, FIFO within)", () => {
  it.each(scenarios)("$name", ({ cores, steps, state, running, functions }) => {
    const machine = new PreemptivePriorityMachine(cores, 3);
    play(machine, steps);
    expect(stateOf(machine)).toEqual(state);
    expect(machine.running).toBe(running);
    expect(machine.functions).toBe(functions);
  });

  it.each([
    { name: "releasing a waiting function", cores: 1, admitted: [[0, 0], [1, 0]], slot: 1, cls: 0, message: "slot 1 is not running in class 0" },
    { name: "releasing a running function under the wrong class", cores: 1, admitted: [[0, 1]], slot: 0, cls: 0, message: "slot 0 is not running in class 0" },
    { name: "releasing a slot never admitted", cores: 2, admitted: [[0, 1]], slot: 7, cls: 1, message: "slot 7 is not running in class 1" },
  ] as const)("refuses $name and changes nothing", ({ cores, admitted, slot, cls, message }) => {
    const machine = new PreemptivePriorityMachine(cores, 3);
    for (const [s, c] of admitted) machine.admit(s, c);
    const before = stateOf(machine);
    expect(() => machine.release(slot, cls)).toThrow(message);
    expect(stateOf(machine)).toEqual(before);
    expect(machine.functions).toBe(admitted.length);
  });

  it.each([
    { name: "a running function", slot: 0, cls: 0, message: "slot 0 is running in class 0: release it instead" },
    { name: "the second running function of its class", slot: 1, cls: 0, message: "slot 1 is running in class 0: release it instead" },
    { name: "a slot not in that class", slot: 9, cls: 0, message: "slot 9 is not in class 0" },
    { name: "a slot of another class", slot: 2, cls: 1, message: "slot 2 is not in class 1" },
  ])("removeWaiting refuses $name", ({ slot, cls, message }) => {
    const machine = new PreemptivePriorityMachine(2, 3);
    machine.admit(0, 0);
    machine.admit(1, 0);
    machine.admit(2, 0);
    expect(() => machine.removeWaiting(slot, cls)).toThrow(message);
    expect(stateOf(machine)).toEqual(["0 1|2", "|", "|"]);
    expect(machine.functions).toBe(3);
  });

  it("its two non-slot answers are negative and distinct, so they never read as a victim's slot", () => {
    expect(runsOnFreeCore).toBeLessThan(0);
    expect(waits).toBeLessThan(0);
    expect(runsOnFreeCore).not.toBe(waits);
  });

  it("isRunning answers for the class asked about only", () => {
    const machine = new PreemptivePriorityMachine(1, 3);
    machine.admit(5, 2);
    machine.admit(6, 2);
    expect(machine.isRunning(5, 2)).toBe(true);
    expect(machine.isRunning(5, 1)).toBe(false);
    expect(machine.isRunning(6, 2)).toBe(false);
    expect(machine.isRunning(7, 2)).toBe(false);
  });

  it("keeps FIFO order past the deque's first growth, across preemptions and releases", () => {
    // 20 functions of class 0 on 4 cores, then 4 of class 1 preempt all of them: the four
    // preempted ones (slots 0–3) must still come first, in arrival order, then 4..19.
    const machine = new PreemptivePriorityMachine(4, 2);
    for (let s = 0; s < 20; s++) machine.admit(s, 0);
    for (let s = 20; s < 24; s++) expect(machine.admit(s, 1)).toBe(23 - s);
    const order: number[] = [];
    for (let s = 20; s < 24; s++) order.push(machine.release(s, 1));
    for (let i = 0; i < 20; i++) {
      const slot = machine.functionAt(0, 0);
      const next = machine.release(slot, 0);
      if (next >= 0) order.push(next);
    }
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(machine.running).toBe(0);
    expect(machine.functions).toBe(0);
  });
});
