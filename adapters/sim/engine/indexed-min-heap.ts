/**
 * A binary min-heap over small integer ids with a key per id, supporting removal and re-keying
 * of any member in O(log n). Ties break on the smaller id, so the order never depends on
 * insertion history. Storage is typed arrays that grow by doubling: no objects per entry.
 */
export class IndexedMinHeap {
  private keys: Float64Array;
  private pos: Int32Array;
  private heap: Int32Array;
  private count = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.heap = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return id < this.pos.length && this.pos[id]! >= 0;
  }

  /** The smallest id's key, or +Infinity when empty. */
  peekKey(): number {
    return this.count > 0 ? this.keys[this.heap[0]!]! : Number.POSITIVE_INFINITY;
  }

  /** The id with the smallest key, or -1 when empty. */
  peekId(): number {
    return this.count > 0 ? this.heap[0]! : -1;
  }

  key(id: number): number {
    return this.keys[id]!;
  }

  /** Inserts id, or moves it if already present. */
  set(id: number, key: number): void {
    if (id >= this.pos.length) this.grow(id + 1);
    const p = this.pos[id]!;
    if (p < 0) {
      this.keys[id] = key;
      const at = this.count++;
      this.heap[at] = id;
      this.pos[id] = at;
      this.up(at);
      return;
    }
    const old = this.keys[id]!;
    this.keys[id] = key;
    if (key < old) this.up(p);
    else this.down(p);
  }

  pop(): number {
    const top = this.heap[0]!;
    this.removeAt(0);
    return top;
  }

  delete(id: number): void {
    if (!this.has(id)) return;
    this.removeAt(this.pos[id]!);
  }

  private removeAt(p: number): void {
    const id = this.heap[p]!;
    this.pos[id] = -1;
    const last = --this.count;
    if (p === last) return;
    const moved = this.heap[last]!;
    this.heap[p] = moved;
    this.pos[moved] = p;
    this.up(p);
    this.down(this.pos[moved]!);
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private up(p: number): void {
    const heap = this.heap;
    const id = heap[p]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pid = heap[parent]!;
      if (!this.less(id, pid)) break;
      heap[p] = pid;
      this.pos[pid] = p;
      p = parent;
    }
    heap[p] = id;
    this.pos[id] = p;
  }

  private down(p: number): void {
    const heap = this.heap;
    const n = this.count;
    const id = heap[p]!;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(heap[right]!, heap[child]!)) child = right;
      const cid = heap[child]!;
      if (!this.less(cid, id)) break;
      heap[p] = cid;
      this.pos[cid] = p;
      p = child;
    }
    heap[p] = id;
    this.pos[id] = p;
  }

  private grow(min: number): void {
    let cap = this.pos.length * 2;
    while (cap < min) cap *= 2;
    const keys = new Float64Array(cap);
    keys.set(this.keys);
    const pos = new Int32Array(cap).fill(-1);
    pos.set(this.pos);
    const heap = new Int32Array(cap);
    heap.set(this.heap);
    this.keys = keys;
    this.pos = pos;
    this.heap = heap;
  }
}
