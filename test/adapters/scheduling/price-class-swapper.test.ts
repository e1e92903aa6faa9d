import { describe, expect, it } from "vitest";
import { PreemptivePriorityMachine } from "../../../adapters/scheduling/preemptive-priority-machine.ts";
import { chooseKillVictim, chooseSwapVictims } from "../../../adapters/scheduling/price-class-swapper.ts";

/** Slot s has class classOf[s] and memory 100·(s+1) MB; slots arrive in order on a 2-core machine. */
function machineWith(classOf: readonly number[]): PreemptivePriorityMachine {
  const machine = new PreemptivePriorityMachine(2, 4);
  classOf.forEach((cls, slot) => machine.admit(slot, cls));
  return machine;
}

const memory = (slot: number): number => 100 * (slot + 1);

describe("price-class swapping decisions", () => {
  // Classes of slots 0..6. Running: the two highest first-come (slots 1 and 4, class 3).
  const classOf = [0, 3, 1, 0, 3, 2, 1];

  it.each([
    [50, [3]],
    [400, [3]],
    [401, [3, 0]],
    [600, [3, 0, 6]],
    [1600, [3, 0, 6, 2, 5]],
    [100_000, [3, 0, 6, 2, 5]],
  ])("to free %d MB takes waiting functions lowest class first, newest first: %j", (need, expected) => {
    const machine = machineWith(classOf);
    const victims: number[] = [];
    chooseSwapVictims(machine, { isSwapped: () => false, memoryMb: memory }, need, victims);
    expect(victims).toEqual(expected);
    expect(victims).not.toContain(1);
    expect(victims).not.toContain(4);
  });

  it("skips functions already swapped out", () => {
    const machine = machineWith(classOf);
    const victims: number[] = [];
    chooseSwapVictims(machine, { isSwapped: (s) => s === 3, memoryMb: memory }, 500, victims);
    expect(victims).toEqual([0, 6]);
  });

  it("kills the newest function of the lowest class present", () => {
    expect(chooseKillVictim(machineWith(classOf))).toBe(3);
    expect(chooseKillVictim(machineWith([3, 2, 2]))).toBe(2);
    expect(chooseKillVictim(new PreemptivePriorityMachine(2, 4))).toBe(-1);
  });
});
