import type { PreemptivePriorityMachine } from "./preemptive-priority-machine.ts";

/** What the swapper needs to know about one function: is it swapped out, and its memory now. */
export interface SwapView {
  isSwapped(slot: number): boolean;
  memoryMb(slot: number): number;
}

/**
 * XX's price-class-based swapping (seed 000 §3.2): under memory pressure the dispatcher moves out
 * functions that are not running, lowest price class first, because the priority scheduler will
 * not run them until every higher class has finished. Within a class it takes the newest first
 * (the one that would run last under FIFO) — our choice where the seeds are silent.
 * Appends to `victims` until at least `needMb` would be freed or no candidate is left.
 */
export function chooseSwapVictims(machine: PreemptivePriorityMachine, view: SwapView, needMb: number, victims: number[]): number {
  let freed = 0;
  for (let c = 0; c < machine.classes && freed < needMb; c++) {
    const running = machine.runningInClass(c);
    for (let i = machine.functionsInClass(c) - 1; i >= running && freed < needMb; i--) {
      const slot = machine.functionAt(c, i);
      if (view.isSwapped(slot)) continue;
      victims.push(slot);
      freed += view.memoryMb(slot);
    }
  }
  return freed;
}

/** Killing is the last resort when swap is full too: the newest function of the lowest class present. */
export function chooseKillVictim(machine: PreemptivePriorityMachine): number {
  for (let c = 0; c < machine.classes; c++) {
    const n = machine.functionsInClass(c);
    if (n > 0) return machine.functionAt(c, n - 1);
  }
  return -1;
}
