import type { Invocation } from "../../../traces/invocation.ts";

/**
 * The invocations in flight, one slot each, as parallel typed arrays (struct-of-arrays) so the
 * event loop touches no per-job objects. Slots are recycled through a free list; the table grows
 * by doubling and never shrinks, so memory follows the peak number in flight, not the trace length.
 */
export class JobTable {
  invocation: (Invocation | undefined)[] = [];
  /** Work still to do, ms of one core. */
  remaining = new Float64Array(0);
  /** The job's whole CPU demand: its invocation's work, less what a layer such as freshen did for it. */
  work = new Float64Array(0);
  /** When the job last started running (XX, EDF); unused while it waits. */
  runStart = new Float64Array(0);
  firstStart = new Float64Array(0);
  placedAt = new Float64Array(0);
  /** Policy-owned key: a PS finish tag, an EDF deadline, a shard enqueue time. */
  key = new Float64Array(0);
  /** Resident memory (MB) at the job's last state change; while running it grows from here. */
  mem = new Float64Array(0);
  /** Memory growth per ms of CPU: (peak − start) / work, as the seeds grow memory with progress. */
  memSlope = new Float64Array(0);
  /** 1 while the job's memory is swapped out. */
  swapped = new Uint8Array(0);
  swappedOutMb = new Float64Array(0);
  swapOuts = new Int32Array(0);
  cls = new Int32Array(0);
  machine = new Int32Array(0);
  preemptions = new Int32Array(0);
  private free = new Int32Array(0);
  private freeCount = 0;
  private capacity = 0;
  inFlight = 0;

  constructor(initialCapacity = 1024) {
    this.grow(initialCapacity);
  }

  admit(inv: Invocation): number {
    if (this.freeCount === 0) this.grow(this.capacity * 2);
    const slot = this.free[--this.freeCount]!;
    this.invocation[slot] = inv;
    this.remaining[slot] = inv.workMs;
    this.work[slot] = inv.workMs;
    this.runStart[slot] = Number.NaN;
    this.firstStart[slot] = Number.NaN;
    this.placedAt[slot] = Number.NaN;
    this.key[slot] = 0;
    this.mem[slot] = inv.workMs > 0 ? inv.memStartMb : inv.memPeakMb;
    this.memSlope[slot] = inv.workMs > 0 ? (inv.memPeakMb - inv.memStartMb) / inv.workMs : 0;
    this.swapped[slot] = 0;
    this.swappedOutMb[slot] = 0;
    this.swapOuts[slot] = 0;
    this.cls[slot] = inv.priceClass;
    this.machine[slot] = -1;
    this.preemptions[slot] = 0;
    this.inFlight++;
    return slot;
  }

  /** Resident memory of a job at time t: static unless running, then growing with CPU progress. */
  memoryAt(slot: number, t: number, running: boolean): number {
    if (!running) return this.mem[slot]!;
    const progressed = t - this.runStart[slot]!;
    return progressed > 0 ? this.mem[slot]! + this.memSlope[slot]! * progressed : this.mem[slot]!;
  }

  release(slot: number): void {
    this.invocation[slot] = undefined;
    this.free[this.freeCount++] = slot;
    this.inFlight--;
  }

  private grow(capacity: number): void {
    const old = this.capacity;
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.remaining = f64(this.remaining);
    this.work = f64(this.work);
    this.runStart = f64(this.runStart);
    this.firstStart = f64(this.firstStart);
    this.placedAt = f64(this.placedAt);
    this.key = f64(this.key);
    this.mem = f64(this.mem);
    this.memSlope = f64(this.memSlope);
    this.swappedOutMb = f64(this.swappedOutMb);
    this.swapOuts = i32(this.swapOuts);
    const swapped = new Uint8Array(capacity);
    swapped.set(this.swapped);
    this.swapped = swapped;
    this.cls = i32(this.cls);
    this.machine = i32(this.machine);
    this.preemptions = i32(this.preemptions);
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeCount));
    // Hand out low slots first: new slots go below the existing free ones on the stack.
    let n = this.freeCount;
    for (let s = capacity - 1; s >= old; s--) free[n++] = s;
    this.free = free;
    this.freeCount = n;
    this.capacity = capacity;
    this.invocation.length = capacity;
  }
}
