import type { JobTable } from "./job-table.ts";

/**
 * A min-heap of job slots ordered by `jobs.key[slot]` (ties on the smaller slot), for the
 * many small per-machine queues where only the minimum ever leaves. Lighter than
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
    const key = this.jobs.key;
    const heap = this.heap;
    let p = this.size++;
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
    const slot = heap[n]!;
    const key = this.jobs.key;
    const k = key[slot]!;
    let p = 0;
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
    return top;
  }
}
