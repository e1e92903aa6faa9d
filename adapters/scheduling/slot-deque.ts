/** A growable ring buffer of job slots: O(1) at both ends, O(i) removal at index i. */
export class SlotDeque {
  private buf = new Int32Array(8);
  private head = 0;
  length = 0;

  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  pushBack(slot: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length++) & (this.buf.length - 1)] = slot;
  }

  popFront(): number {
    const slot = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return slot;
  }

  /** Removes the element at index i by shifting the ones before it: cheap near the front. */
  removeAt(i: number): number {
    const mask = this.buf.length - 1;
    const slot = this.buf[(this.head + i) & mask]!;
    for (let j = i; j > 0; j--) this.buf[(this.head + j) & mask] = this.buf[(this.head + j - 1) & mask]!;
    this.head = (this.head + 1) & mask;
    this.length--;
    return slot;
  }

  /** Index of slot among the first `limit` elements, or -1. */
  indexOf(slot: number, limit = this.length): number {
    const mask = this.buf.length - 1;
    for (let i = 0; i < limit; i++) if (this.buf[(this.head + i) & mask] === slot) return i;
    return -1;
  }

  private grow(): void {
    const bigger = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) bigger[i] = this.at(i);
    this.buf = bigger;
    this.head = 0;
  }
}
