import { SlotDeque } from "./slot-deque.ts";

/** `admit` found a free core: the new function runs. */
export const runsOnFreeCore = -1;
/** `admit` found every core busy with an equal or higher class: the new function waits. */
export const waits = -2;

/**
 * XX's machine scheduler (seed 000 §3.2): preemptive priority across price classes, first come
 * first served within a class, like Linux SCHED_FIFO. It decides which functions run; it knows
 * nothing of time, so the simulator and the live control plane drive the same decisions.
 *
 * Each class keeps one FIFO whose running members are always a prefix. The running set is the
 * first `cores` functions in (class descending, FIFO) order; a preempted function is the last
 * running one of the lowest running class, so it stays at the head of its class's waiters —
 * SCHED_FIFO's rule that a preempted task resumes first.
 */
export class PreemptivePriorityMachine {
  private readonly queues: SlotDeque[];
  private readonly runningIn: Int32Array;
  running = 0;
  functions = 0;

  constructor(
    readonly cores: number,
    readonly classes: number,
  ) {
    this.queues = Array.from({ length: classes }, () => new SlotDeque());
    this.runningIn = new Int32Array(classes);
  }

  /**
   * A function of class `cls` arrives. Returns `runsOnFreeCore`, `waits`, or the slot of the
   * running function it preempts (the new one then runs on that core).
   */
  admit(slot: number, cls: number): number {
    this.queues[cls]!.pushBack(slot);
    this.functions++;
    if (this.running < this.cores) {
      // A free core means nobody waits, so the newcomer is at the end of its class's running prefix.
      this.runningIn[cls]!++;
      this.running++;
      return runsOnFreeCore;
    }
    let lowest = 0;
    while (lowest < cls && this.runningIn[lowest] === 0) lowest++;
    if (lowest >= cls) return waits;
    // A lower class runs, so no function of class `cls` waits: the newcomer extends the prefix.
    const victim = this.queues[lowest]!.at(--this.runningIn[lowest]!);
    this.runningIn[cls]!++;
    return victim;
  }

  /** A running function finished. Returns the slot that now runs on its core, or -1. */
  release(slot: number, cls: number): number {
    const queue = this.queues[cls]!;
    const i = queue.indexOf(slot, this.runningIn[cls]);
    if (i < 0) throw new Error(`slot ${slot} is not running in class ${cls}`);
    queue.removeAt(i);
    this.runningIn[cls]!--;
    this.running--;
    this.functions--;
    for (let c = this.classes - 1; c >= 0; c--) {
      const q = this.queues[c]!;
      const r = this.runningIn[c]!;
      if (q.length > r) {
        this.runningIn[c] = r + 1;
        this.running++;
        return q.at(r);
      }
    }
    return -1;
  }

  /** Removes a function that is not running (a kill); running ones leave through `release`. */
  removeWaiting(slot: number, cls: number): void {
    const queue = this.queues[cls]!;
    const i = queue.indexOf(slot);
    if (i < 0) throw new Error(`slot ${slot} is not in class ${cls}`);
    if (i < this.runningIn[cls]!) throw new Error(`slot ${slot} is running in class ${cls}: release it instead`);
    queue.removeAt(i);
    this.functions--;
  }

  isRunning(slot: number, cls: number): boolean {
    const i = this.queues[cls]!.indexOf(slot, this.runningIn[cls]);
    return i >= 0;
  }

  runningInClass(cls: number): number {
    return this.runningIn[cls]!;
  }

  /** The i-th function of class `cls` in FIFO order (running ones first). */
  functionAt(cls: number, i: number): number {
    return this.queues[cls]!.at(i);
  }

  functionsInClass(cls: number): number {
    return this.queues[cls]!.length;
  }
}
