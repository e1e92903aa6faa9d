/**
 * Freshen launches waiting for their time, earliest first (ties: first planned first). Launches
 * are planned up to a trigger delay ahead and not in time order, so they need a heap; there are
 * only as many as calls arrive within the slowest trigger's delay.
 */
export class LaunchQueue<T> {
  private readonly at: number[] = [];
  private readonly seq: number[] = [];
  private readonly items: T[] = [];
  private planned = 0;

  get size(): number {
    return this.items.length;
  }

  /** The earliest launch time; +∞ when empty. */
  peekAt(): number {
    return this.items.length > 0 ? this.at[0]! : Number.POSITIVE_INFINITY;
  }

  push(at: number, item: T): void {
    this.at.push(at);
    this.seq.push(this.planned++);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  pop(): T {
    const top = this.items[0];
    if (top === undefined) throw new Error("LaunchQueue.pop on an empty queue");
    const last = this.items.length - 1;
    this.move(last, 0);
    this.at.pop();
    this.seq.pop();
    this.items.pop();
    if (this.items.length > 0) this.down(0);
    return top;
  }

  private before(a: number, b: number): boolean {
    return this.at[a]! < this.at[b]! || (this.at[a] === this.at[b] && this.seq[a]! < this.seq[b]!);
  }

  private move(from: number, to: number): void {
    this.at[to] = this.at[from]!;
    this.seq[to] = this.seq[from]!;
    this.items[to] = this.items[from]!;
  }

  private swap(a: number, b: number): void {
    const at = this.at[a]!;
    const seq = this.seq[a]!;
    const item = this.items[a]!;
    this.move(b, a);
    this.at[b] = at;
    this.seq[b] = seq;
    this.items[b] = item;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(l, m)) m = l;
      if (r < n && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
