import type { JobTable } from "./job-table.ts";

/**
 * A min-heap of job slots ordered by `jobs.key[slot]` (ties on the smaller slot), for the
 * many small per-machine queues where the minimum leaves (and rarely another, on a kill). Lighter than
 * IndexedMinHeap, whose position index would be sized to the whole job table per machine.
 */
export class SlotHeap {
  private heap = new Int32Array(8);
  size = 0;

  constructor(private readonly jobs: JobTable) {}

  peek(): number {
    return this.size > 0 ? this.heap[0]! : -1;
  }

  push(slot: number): void {
    if (this.size === this.heap.length) {
      const bigger = new Int32Array(this.heap.length * 2);
      bigger.set(this.heap);
      this.heap = bigger;
    }
    this.heap[this.size] = slot;
    this.siftUp(this.size++);
  }

  /** The i-th slot in heap order (not sorted): for scans over every member. */
  at(i: number): number {
    return this.heap[i]!;
  }

  /** Removes any member (a kill): O(size) to find it, then a re-heapify of the moved entry. */
  remove(slot: number): void {
    const i = this.heap.subarray(0, this.size).indexOf(slot);
    if (i < 0) throw new Error(`slot ${slot} is not in this heap`);
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    // Re-insert the last entry from the hole: sift it down from i, then up if it belongs higher.
    this.heap[i] = last;
    this.siftUp(this.siftDown(i));
  }

  private siftUp(p: number): void {
    const heap = this.heap;
    const key = this.jobs.key;
    const slot = heap[p]!;
    const k = key[slot]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const ps = heap[parent]!;
      const pk = key[ps]!;
      if (pk < k || (pk === k && ps < slot)) break;
      heap[p] = ps;
      p = parent;
    }
    heap[p] = slot;
  }

  pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const n = --this.size;
    if (n === 0) return top;
    heap[0] = heap[n]!;
    this.siftDown(0);
    return top;
  }

  /** Sifts the entry at `start` down; returns where it settled. */
  private siftDown(start: number): number {
    const heap = this.heap;
    const n = this.size;
    const slot = heap[start]!;
    const key = this.jobs.key;
    const k = key[slot]!;
    let p = start;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      let cs = heap[c]!;
      let ck = key[cs]!;
      if (c + 1 < n) {
        const rs = heap[c + 1]!;
        const rk = key[rs]!;
        if (rk < ck || (rk === ck && rs < cs)) {
          c++;
          cs = rs;
          ck = rk;
        }
      }
      if (k < ck || (k === ck && slot < cs)) break;
      heap[p] = cs;
      p = c;
    }
    heap[p] = slot;
    return p;
  }
}
