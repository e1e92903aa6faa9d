import type { Invocation } from "../../traces/invocation.ts";

/** One sent request awaiting its outcome. `controller` is released once it is settled. */
export interface InFlight {
  readonly inv: Invocation;
  /** `performance.now()` when it was handed to the transport, and when it times out. */
  readonly sentAt: number;
  readonly deadline: number;
  controller: AbortController | undefined;
}

/**
 * The sent requests in send order. Every request has the same timeout, so send order is deadline
 * order and the oldest unsettled request is the next to time out: one timer on the head replaces
 * a timer per request. Settled requests leave from the head; the array is compacted when half of
 * it is gone, so memory follows the requests in flight (plus any answered behind a slow head).
 */
export class InFlightQueue {
  private readonly entries: InFlight[] = [];
  private head = 0;

  push(entry: InFlight): void {
    this.entries.push(entry);
  }

  /** The oldest request not yet settled, after dropping the settled ones before it. */
  oldest(): InFlight | undefined {
    while (this.head < this.entries.length && this.entries[this.head]!.controller === undefined) this.head++;
    if (this.head === this.entries.length) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return this.entries[this.head];
  }

  /** After `entry` was settled: if it was the head, the head moves on (memory follows the answers). */
  settled(entry: InFlight): void {
    if (this.entries[this.head] === entry) this.oldest();
  }

  /** The unsettled requests, as a copy: settling them while iterating compacts the queue. */
  unsettled(): InFlight[] {
    return this.entries.slice(this.head).filter((entry) => entry.controller !== undefined);
  }
}
