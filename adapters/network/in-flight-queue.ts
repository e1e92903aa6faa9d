import type { Invocation } from "../../traces/invocation.ts";
import type { WriteReceipt } from "./invoker.ts";

/**
 * One sent request awaiting its outcome, and the transport's receipt for it: `sentAt` starts as
 * the moment the driver handed the request over and moves to when the transport says it wrote it
 * (the first time it says so). Once `settled`, it is only waiting to leave the queue.
 */
export class InFlight implements WriteReceipt {
  /** `performance.now()` when the request left (see above). */
  sentAt: number;
  settled = false;
  private writeReported = false;
  private abandonListener: (() => void) | undefined;

  constructor(
    readonly inv: Invocation,
    handedAt: number,
    /** `performance.now()` when it times out, counted from when it was handed over. */
    readonly deadline: number,
    /** For a transport that listens on a signal; absent when it listens through `onAbandon`. */
    private readonly controller?: AbortController,
  ) {
    this.sentAt = handedAt;
  }

  written(atMs: number): void {
    if (this.writeReported || this.settled) return;
    this.writeReported = true;
    if (atMs > this.sentAt) this.sentAt = atMs;
  }

  onAbandon(listener: () => void): void {
    this.abandonListener = listener;
  }

  /** Tells the transport the driver gave the request up, so it frees the connection. */
  abandon(): void {
    this.controller?.abort();
    const listener = this.abandonListener;
    this.abandonListener = undefined;
    listener?.();
  }
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
    while (this.head < this.entries.length && this.entries[this.head]!.settled) this.head++;
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
    return this.entries.slice(this.head).filter((entry) => !entry.settled);
  }
}
