import { PreemptivePriorityMachine } from "./preemptive-priority-machine.ts";
import type { SwapView } from "./price-class-swapper.ts";

export { runsOnFreeCore, waits } from "./preemptive-priority-machine.ts";

/**
 * The per-function facts an XX machine works from, indexed by the caller's function number
 * (the simulator's JobTable satisfies it; the live agent keeps its own). The caller writes `cls`
 * before `admit` and keeps `mem` current whenever the function stops running; the machine
 * writes `swapped`.
 */
export interface XxFunctionTable {
  /** The price class each function runs at. */
  readonly cls: Int32Array;
  /** Resident MB of each function as of when it last stopped running (what it holds while it waits). */
  readonly mem: Float64Array;
  /** 1 while the function's memory is swapped out. */
  readonly swapped: Uint8Array;
}

/**
 * One XX machine's scheduler with the bookkeeping its dispatcher needs (seed 000 §3.2):
 * preemptive priority across price classes, FIFO within a class (PreemptivePriorityMachine),
 * plus which functions are swapped out and how much memory the waiting ones hold. It decides;
 * the caller acts and reports back, so the simulator (in virtual time) and the live agent (with
 * SIGSTOP / SIGCONT) run the same rules:
 *
 * - `admit(fn)` → `runsOnFreeCore` (start fn), `waits`, or a victim: stop the victim, update its
 *   `mem`, call `preempted(victim)`, then start fn.
 * - Before starting any function call `start(fn)`: true means its memory must be swapped in first.
 * - `finish(fn)` / `kill(fn)` → the function to start on the freed core, or -1.
 * - `swapOut(fn)` when the dispatcher chose fn; it returns the MB moved out.
 *
 * Time never enters: when things happen is the caller's business.
 */
export class XxMachine implements SwapView {
  readonly scheduler: PreemptivePriorityMachine;
  private waiting = 0;
  private swappedOut = 0;

  constructor(
    readonly cores: number,
    readonly classes: number,
    private readonly table: XxFunctionTable,
  ) {
    this.scheduler = new PreemptivePriorityMachine(cores, classes);
  }

  /** Functions on the machine: running, waiting or swapped out. */
  get functions(): number {
    return this.scheduler.functions;
  }

  get running(): number {
    return this.scheduler.running;
  }

  /** Resident MB of the functions that neither run nor are swapped out. */
  get waitingMb(): number {
    return this.waiting;
  }

  /** MB of the functions swapped out. */
  get swappedMb(): number {
    return this.swappedOut;
  }

  /**
   * Function fn (class and memory in the table) was placed here. Returns `runsOnFreeCore`,
   * `waits`, or the running function it preempts, which the caller stops and reports through
   * `preempted` before starting fn.
   */
  admit(fn: number): number {
    this.waiting += this.table.mem[fn]!;
    return this.scheduler.admit(fn, this.table.cls[fn]!);
  }

  /** The caller stopped a preempted function and wrote its memory at that moment: it waits, resident. */
  preempted(fn: number): void {
    this.waiting += this.table.mem[fn]!;
  }

  /** The caller starts fn on a core. Returns true if fn was swapped out: its memory comes back in first. */
  start(fn: number): boolean {
    const table = this.table;
    if (table.swapped[fn] === 1) {
      table.swapped[fn] = 0;
      this.swappedOut -= table.mem[fn]!;
      return true;
    }
    this.waiting -= table.mem[fn]!;
    return false;
  }

  /** A running function finished. Returns the function to start on its core, or -1. */
  finish(fn: number): number {
    return this.scheduler.release(fn, this.table.cls[fn]!);
  }

  /** Moves a waiting function's memory out to swap; returns the MB moved. */
  swapOut(fn: number): number {
    const mb = this.table.mem[fn]!;
    this.table.swapped[fn] = 1;
    this.waiting -= mb;
    this.swappedOut += mb;
    return mb;
  }

  /**
   * Removes a function, running or not (the dispatcher's last resort). Returns the function to
   * start on the core it freed, or -1 (none waits, or it was not running).
   */
  kill(fn: number): number {
    const table = this.table;
    const cls = table.cls[fn]!;
    if (this.scheduler.isRunning(fn, cls)) return this.scheduler.release(fn, cls);
    this.scheduler.removeWaiting(fn, cls);
    if (table.swapped[fn] === 1) this.swappedOut -= table.mem[fn]!;
    else this.waiting -= table.mem[fn]!;
    return -1;
  }

  isRunning(fn: number): boolean {
    return this.scheduler.isRunning(fn, this.table.cls[fn]!);
  }

  isSwapped(fn: number): boolean {
    return this.table.swapped[fn] === 1;
  }

  memoryMb(fn: number): number {
    return this.table.mem[fn]!;
  }

  /** Recomputes the waiting and swapped totals from the functions, so incremental float error never accumulates. */
  recountMemory(): void {
    const s = this.scheduler;
    const table = this.table;
    let waiting = 0;
    let swapped = 0;
    for (let c = 0; c < this.classes; c++) {
      const n = s.functionsInClass(c);
      let waitingClass = 0;
      let swappedClass = 0;
      for (let i = s.runningInClass(c); i < n; i++) {
        const fn = s.functionAt(c, i);
        if (table.swapped[fn] === 1) swappedClass += table.mem[fn]!;
        else waitingClass += table.mem[fn]!;
      }
      waiting += waitingClass;
      swapped += swappedClass;
    }
    this.waiting = waiting;
    this.swappedOut = swapped;
  }
}
