import { mkdtempSync, rmSync, writeSync, openSync, closeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The non-zero counts of one minute, in the order functions were added (ascending index). */
export interface MinuteCounts {
  readonly minute: number;
  readonly functions: Uint32Array;
  readonly counts: Uint32Array;
}

export interface MinuteMajorCountsOptions {
  /** Minutes per spill bucket; a bucket is what is read back at once. */
  readonly bucketMinutes?: number;
  /** Buffered bytes beyond which every bucket is appended to its temp file. */
  readonly memoryBudgetBytes?: number;
}

/** An entry is (minute within bucket, function, count), three uint32. */
const entryWords = 3;

/**
 * The transpose of an invocations file: rows arrive function by function, but arrivals are
 * emitted minute by minute. Holding a day's matrix (46 k functions × 1,440 minutes) would cost
 * ~265 MB and grow with the file, so non-zero cells go into buckets of minutes, and once the
 * buffers pass a budget every bucket is appended to its own temp file. Reading minute by minute
 * then loads one bucket at a time, so memory stays bounded by the budget plus one bucket.
 * Small traces never touch the disk.
 */
export class MinuteMajorCounts {
  private readonly bucketMinutes: number;
  private readonly budgetWords: number;
  private readonly buffers: Uint32Array[];
  private readonly lengths: Int32Array;
  private readonly spilled: boolean[];
  private bufferedWords = 0;
  private dir: string | undefined;

  constructor(
    readonly minutes: number,
    options: MinuteMajorCountsOptions = {},
  ) {
    this.bucketMinutes = options.bucketMinutes ?? 30;
    this.budgetWords = Math.floor((options.memoryBudgetBytes ?? 32 * 1024 * 1024) / 4);
    const buckets = Math.ceil(minutes / this.bucketMinutes);
    this.buffers = Array.from({ length: buckets }, () => new Uint32Array(256));
    this.lengths = new Int32Array(buckets);
    this.spilled = new Array<boolean>(buckets).fill(false);
  }

  /** Adds one function's counts for every minute (zeros are not stored). */
  addFunction(fn: number, counts: Uint32Array): void {
    // Every minute of every function: m < counts.length and b < buckets (m < minutes), so `!` is
    // kept rather than checked.
    for (let m = 0; m < counts.length; m++) {
      const c = counts[m]!;
      if (c === 0) continue;
      const b = (m / this.bucketMinutes) | 0;
      let buf = this.buffers[b]!;
      let len = this.lengths[b]!;
      if (len + entryWords > buf.length) {
        const grown = new Uint32Array(buf.length * 2);
        grown.set(buf);
        this.buffers[b] = buf = grown;
      }
      buf[len] = m - b * this.bucketMinutes;
      buf[len + 1] = fn;
      buf[len + 2] = c;
      this.lengths[b] = len + entryWords;
      this.bufferedWords += entryWords;
    }
    if (this.bufferedWords > this.budgetWords) this.spill();
  }

  /** Whether any bucket went to disk (for tests and the bench). */
  get usedDisk(): boolean {
    return this.dir !== undefined;
  }

  /** Every minute in order, empty minutes included. */
  async *byMinute(): AsyncGenerator<MinuteCounts> {
    for (const [b, buffer] of this.buffers.entries()) {
      const first = b * this.bucketMinutes;
      const span = Math.min(this.bucketMinutes, this.minutes - first);
      // Spilled entries were added before the buffered ones, so file then buffer keeps function order.
      const parts: Uint32Array[] = [];
      if (this.spilled[b]) {
        const bytes = await readFile(this.bucketPath(b));
        // A Uint32Array view needs a 4-byte-aligned offset; copy in the rare case it is not.
        const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.prototype.slice.call(bytes);
        parts.push(new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4));
      }
      parts.push(buffer.subarray(0, this.bufferedLength(b)));
      // Counting sort by minute: stable, so functions stay ascending within a minute. It touches
      // every stored count: entries are whole triples of in-bucket minute < span, function, count,
      // so every index is in range and `!` is kept rather than checked.
      const perMinute = new Int32Array(span + 1);
      for (const p of parts) for (let i = 0; i < p.length; i += entryWords) perMinute[p[i]! + 1]!++;
      for (let m = 0; m < span; m++) perMinute[m + 1]! += perMinute[m]!;
      const total = perMinute[span]!;
      const functions = new Uint32Array(total);
      const counts = new Uint32Array(total);
      const cursor = perMinute.slice(0, span);
      for (const p of parts) {
        for (let i = 0; i < p.length; i += entryWords) {
          const at = cursor[p[i]!]!++;
          functions[at] = p[i + 1]!;
          counts[at] = p[i + 2]!;
        }
      }
      for (let m = 0; m < span; m++) {
        yield {
          minute: first + m,
          functions: functions.subarray(perMinute[m]!, perMinute[m + 1]!),
          counts: counts.subarray(perMinute[m]!, perMinute[m + 1]!),
        };
      }
    }
  }

  /** Removes the temp files. Safe to call twice. */
  dispose(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private spill(): void {
    this.dir ??= mkdtempSync(join(tmpdir(), "xxbench-counts-"));
    for (const [b, buffer] of this.buffers.entries()) {
      const len = this.bufferedLength(b);
      if (len === 0) continue;
      const fd = openSync(this.bucketPath(b), "a");
      try {
        const view = buffer.subarray(0, len);
        writeSync(fd, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      } finally {
        closeSync(fd);
      }
      this.spilled[b] = true;
      this.lengths[b] = 0;
      // Shrink: a buffer grown for a dense bucket would otherwise pin its peak size forever.
      if (buffer.length > 65536) this.buffers[b] = new Uint32Array(65536);
    }
    this.bufferedWords = 0;
  }

  /** Words in bucket b's buffer: `lengths` has one entry per bucket. */
  private bufferedLength(b: number): number {
    const len = this.lengths[b];
    if (len === undefined) throw new Error(`minute-major counts have ${this.lengths.length} buckets, not a bucket ${b}`);
    return len;
  }

  private bucketPath(b: number): string {
    if (this.dir === undefined) throw new Error(`minute-major counts: bucket ${b} went to disk, but its folder is gone (disposed?)`);
    return join(this.dir, `bucket-${b}.u32`);
  }
}
