import { SlotDeque } from "./slot-deque.ts";

/**
 * A global scheduler shard's queue (seed 000 §3.2): one FIFO per price class. The next function
 * to place is the class head with the largest price × time waited, so high classes wait less
 * yet a long-waiting low class still gets placed; ties go to the higher class. The `strict`
 * variant always takes the highest non-empty class. Time enters only as the `now` argument.
 */
export class PriceWaitMultiQueue {
  private readonly queues: SlotDeque[];
  private readonly enqueuedAt: Float64Array[];
  private readonly heads: Int32Array;
  private readonly tails: Int32Array;
  length = 0;

  constructor(
    private readonly prices: readonly number[],
    private readonly strict: boolean,
  ) {
    this.queues = prices.map(() => new SlotDeque());
    // Enqueue times ride in a parallel ring so the queue needs nothing from the caller's tables.
    this.enqueuedAt = prices.map(() => new Float64Array(8));
    this.heads = new Int32Array(prices.length);
    this.tails = new Int32Array(prices.length);
  }

  push(slot: number, cls: number, now: number): void {
    const q = this.queues[cls]!;
    let times = this.enqueuedAt[cls]!;
    if (q.length === times.length) {
      const bigger = new Float64Array(times.length * 2);
      for (let i = 0; i < q.length; i++) bigger[i] = times[(this.heads[cls]! + i) & (times.length - 1)]!;
      this.enqueuedAt[cls] = times = bigger;
      this.heads[cls] = 0;
      this.tails[cls] = q.length;
    }
    times[this.tails[cls]!] = now;
    this.tails[cls] = (this.tails[cls]! + 1) & (times.length - 1);
    q.pushBack(slot);
    this.length++;
  }

  /** Removes and returns the next slot to place, or -1 when empty. */
  pickNext(now: number): number {
    if (this.length === 0) return -1;
    let best = -1;
    let bestScore = -1;
    for (let c = this.queues.length - 1; c >= 0; c--) {
      if (this.queues[c]!.length === 0) continue;
      if (this.strict) {
        best = c;
        break;
      }
      const score = this.prices[c]! * (now - this.enqueuedAt[c]![this.heads[c]!]!);
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    const times = this.enqueuedAt[best]!;
    this.heads[best] = (this.heads[best]! + 1) & (times.length - 1);
    this.length--;
    return this.queues[best]!.popFront();
  }
}
