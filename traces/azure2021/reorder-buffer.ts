/**
 * Restores start-time order in a stream that is only nearly sorted, in bounded memory: an item
 * is released once an item starting `windowS` later has been seen, and an item that arrives
 * after something later than it was released cannot be placed (the caller reports the row).
 * The 2021 file is ordered by start time (checked on the excerpt) but the release does not
 * promise it; sorted by end time instead, starts would be out of order by at most the longest
 * duration, which the default window of an hour covers.
 */
export class ReorderBuffer<T> {
  private readonly heap: { start: number; seq: number; item: T }[] = [];
  private seq = 0;
  private maxSeen = Number.NEGATIVE_INFINITY;
  private lastReleased = Number.NEGATIVE_INFINITY;
  private lastItem: T | undefined;

  constructor(private readonly windowS: number) {}

  /** Adds an item; false if it starts before an item already released (too far out of order). */
  push(start: number, item: T): boolean {
    if (start < this.lastReleased) return false;
    if (start > this.maxSeen) this.maxSeen = start;
    const heap = this.heap;
    heap.push({ start, seq: this.seq++, item });
    let i = heap.length - 1;
    // Once per row of the file: 0 ≤ parent < i < heap.length, so `!` is kept rather than checked.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return true;
  }

  /** Releases, in order, the items no later row can precede; `all` at the end of the input. */
  *release(all = false): Generator<T> {
    const heap = this.heap;
    const limit = all ? Number.POSITIVE_INFINITY : this.maxSeen - this.windowS;
    // Once per row of the file: the heap is non-empty in the loop and i < c < heap.length in the
    // sift, so `!` is kept rather than checked.
    while (heap.length > 0 && heap[0]!.start <= limit) {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heap.length) break;
          const r = l + 1;
          const c = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
          if (!before(heap[c]!, heap[i]!)) break;
          [heap[i], heap[c]] = [heap[c]!, heap[i]!];
          i = c;
        }
      }
      this.lastReleased = top.start;
      this.lastItem = top.item;
      yield top.item;
    }
  }

  /** The item released last, the latest start so far: what a refused item falls before. */
  get lastReleasedItem(): T | undefined {
    return this.lastItem;
  }

  get size(): number {
    return this.heap.length;
  }
}

function before(a: { start: number; seq: number }, b: { start: number; seq: number }): boolean {
  return a.start < b.start || (a.start === b.start && a.seq < b.seq);
}
