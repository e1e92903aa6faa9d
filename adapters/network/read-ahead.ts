import type { Invocation, InvocationBatch } from "../../traces/invocation.ts";

/**
 * The trace stream, read lazily: at most the current batch and the next one are held. The next
 * batch is requested once half of the current one has been taken, so it is ready before it is
 * due without the reader ever running far ahead of the sends (an interrupted run leaves at most
 * one batch read and never reached).
 */
export class ReadAhead {
  private readonly iterator: AsyncIterator<InvocationBatch>;
  private batch: InvocationBatch = [];
  private index = 0;
  private next: Promise<IteratorResult<InvocationBatch>> | undefined;
  private ended = false;

  constructor(stream: AsyncIterable<InvocationBatch>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** The next invocation to send, if the current batch still has one. */
  peek(): Invocation | undefined {
    return this.batch[this.index];
  }

  /** What is left of the current batch, `peek()` first (before anything is taken, the batch itself: do not change it). */
  ahead(): readonly Invocation[] {
    return this.index === 0 ? this.batch : this.batch.slice(this.index);
  }

  /** Moves past the invocation `peek()` returned. */
  advance(): void {
    this.index++;
    if (this.next === undefined && !this.ended && this.index * 2 >= this.batch.length) this.prefetch();
  }

  /** When the current batch is used up: waits for the next non-empty one; false at the stream's end. */
  async refill(): Promise<boolean> {
    while (this.index >= this.batch.length) {
      if (this.ended) return false;
      if (this.next === undefined) this.prefetch();
      const result = await this.next!;
      this.next = undefined;
      if (result.done) {
        this.ended = true;
        return false;
      }
      this.batch = result.value;
      this.index = 0;
      if (this.batch.length <= 1) this.prefetch();
    }
    return true;
  }

  /** Stops the stream (an interrupted run): the source closes its files. */
  async close(): Promise<void> {
    this.batch = [];
    this.index = 0;
    if (this.ended) return;
    this.ended = true;
    const pending = this.next;
    this.next = undefined;
    await pending?.catch(() => undefined);
    await this.iterator.return?.();
  }

  private prefetch(): void {
    if (this.next !== undefined || this.ended) return;
    const next = this.iterator.next();
    // A failed read surfaces when refill() awaits it; until then it must not count as unhandled.
    next.catch(() => undefined);
    this.next = next;
  }
}
