import type { SeededRandom } from "../seeded-random.ts";
import { minuteMs, writeMinuteArrivals, type ArrivalsInMinute } from "./minute-arrivals.ts";

const lastOffsetMs = minuteMs - 1e-6;

/** Arrivals of one function-minute written out whole (512 kB at most); larger counts are streamed. */
export const materializedRunLimit = 1 << 16;
/** Offsets one minute may hold written out (8 B each, 8 MB in all) before every further function is streamed. */
export const materializedMinuteLimit = 1 << 20;

/**
 * One function-minute's arrival offsets as a stream, without holding them: the same numbers, in
 * the same order, as `writeMinuteArrivals`, from O(1) memory whatever the count.
 *
 * `writeMinuteArrivals` needs the sum of all gaps before the first offset and, with a phase
 * shift, starts from the first offset that wraps past the minute. This replays the gap stream
 * instead of storing it: one pass sums the gaps (advancing the shared stream exactly as the
 * array version does), one finds the wrap point, and emission replays from copies of the stream
 * taken at the start and at the wrap — the same floating-point operations in the same order.
 */
export class StreamedMinuteArrivals {
  private readonly scale: number;
  private readonly shift: number;
  private readonly shifted: boolean;
  /** First index whose shifted offset passes the minute: indices wrap … count−1 come first. */
  private readonly wrap: number;
  private readonly tAtWrap: number;
  private readonly gapsAtStart: SeededRandom | undefined;
  private readonly gapsAtWrap: SeededRandom | undefined;
  private gaps: SeededRandom | undefined;
  private i: number;
  private end: number;
  private t: number;
  private inTail: boolean;
  /** The current offset; valid until `advance` returns false. */
  value = 0;

  constructor(
    private readonly mode: ArrivalsInMinute,
    private readonly count: number,
    gaps: SeededRandom,
    phase: SeededRandom | undefined,
  ) {
    if (mode === "equidistant") {
      this.scale = minuteMs / count;
    } else {
      this.gapsAtStart = gaps.clone();
      let total = 0;
      for (let i = 0; i < count; i++) total += this.draw(gaps);
      this.scale = total > 0 ? minuteMs / total : 0;
    }
    this.shifted = phase !== undefined;
    this.shift = phase !== undefined ? phase.next() * minuteMs : 0;
    let wrap = count;
    let tAtWrap = 0;
    if (phase !== undefined) {
      const g = this.gapsAtStart?.clone();
      let t = 0;
      for (let i = 0; i < count; i++) {
        const at = mode === "equidistant" ? i * this.scale : t;
        if (at + this.shift >= minuteMs) {
          wrap = i;
          tAtWrap = t;
          this.gapsAtWrap = g;
          break;
        }
        if (g !== undefined) t += this.draw(g) * this.scale;
      }
    }
    this.wrap = wrap;
    this.tAtWrap = tAtWrap;
    // The wrapped tail (shifted past the minute, so earliest) first, then the head.
    this.inTail = wrap < count;
    this.i = this.inTail ? wrap : 0;
    this.end = this.inTail ? count : wrap;
    this.t = this.inTail ? tAtWrap : 0;
    this.gaps = (this.inTail ? this.gapsAtWrap : this.gapsAtStart)?.clone();
    this.emit();
  }

  /** Moves to the next offset; false when the run is spent. */
  advance(): boolean {
    if (this.gaps !== undefined) this.t += this.draw(this.gaps) * this.scale;
    this.i++;
    if (this.i === this.end) {
      if (!this.inTail || this.wrap === 0) return false;
      this.inTail = false;
      this.i = 0;
      this.end = this.wrap;
      this.t = 0;
      this.gaps = this.gapsAtStart?.clone();
    }
    this.emit();
    return true;
  }

  private emit(): void {
    const at = this.mode === "equidistant" ? this.i * this.scale : this.t;
    let v = at + this.shift;
    // Only a phase shift wraps; unshifted, rounding past the minute is clamped like the array version.
    if (this.shifted && v >= minuteMs) v -= minuteMs;
    this.value = v > lastOffsetMs ? lastOffsetMs : v;
  }

  private draw(g: SeededRandom): number {
    return this.mode === "poisson" ? -Math.log(1 - g.next()) : g.next();
  }
}

/**
 * Merges the arrival runs of one minute's functions into one ascending order, ties going to the
 * lower run (function order), as the array merge did. Small runs are written out whole into one
 * buffer (fast, bounded by `materializedMinuteLimit`); the rest stream, so no count — legal up to
 * the documented cap — is ever held as an array.
 */
export class MinuteArrivalMerge {
  private slab: Float64Array;
  private readonly cursor: Int32Array;
  private readonly stop: Int32Array;
  private readonly streamed: (StreamedMinuteArrivals | null)[];
  /** 1 where run k streams: a typed flag, so the hot path never reads the object array for a written-out run. */
  private readonly isStreamed: Uint8Array;
  private readonly head: Float64Array;
  private readonly heap: Int32Array;
  private size = 0;

  /**
   * Draws every run's gaps and phase now, in function order, so the random streams advance
   * exactly as the array version's did.
   */
  constructor(
    mode: ArrivalsInMinute,
    counts: Uint32Array,
    gaps: SeededRandom,
    phase: SeededRandom | undefined,
    slab: Float64Array,
    /** What is written out rather than streamed; tests lower it to reach the streamed path cheaply. */
    limits: { readonly run: number; readonly minute: number } = { run: materializedRunLimit, minute: materializedMinuteLimit },
  ) {
    const runs = counts.length;
    this.cursor = new Int32Array(runs);
    this.stop = new Int32Array(runs);
    // Packed (filled), not holey: reading a hole is a slow prototype lookup.
    this.streamed = new Array<StreamedMinuteArrivals | null>(runs).fill(null);
    this.isStreamed = new Uint8Array(runs);
    this.head = new Float64Array(runs);
    this.heap = new Int32Array(runs);
    let used = 0;
    // Every function of every minute: k < runs and used < slab.length here, so `!` is kept.
    for (let k = 0; k < runs; k++) {
      const n = counts[k]!;
      if (n === 0) continue;
      if (n <= limits.run && used + n <= limits.minute) {
        if (used + n > slab.length) {
          const grown = new Float64Array(Math.min(limits.minute, Math.max(used + n, slab.length * 2)));
          grown.set(slab.subarray(0, used));
          slab = grown;
        }
        writeMinuteArrivals(mode, n, gaps, phase, slab, used);
        this.cursor[k] = used;
        this.stop[k] = used + n;
        this.head[k] = slab[used]!;
        used += n;
      } else {
        const run = new StreamedMinuteArrivals(mode, n, gaps, phase);
        this.streamed[k] = run;
        this.isStreamed[k] = 1;
        this.head[k] = run.value;
      }
      this.heap[this.size++] = k;
    }
    this.slab = slab;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The buffer small runs were written to, possibly grown: reuse it for the next minute. */
  get buffer(): Float64Array {
    return this.slab;
  }

  get empty(): boolean {
    return this.size === 0;
  }

  /** The run (function position in the minute) of the earliest remaining arrival. */
  get run(): number {
    // Per arrival; read only while !empty, so the heap has a root and `!` is kept.
    return this.heap[0]!;
  }

  /** The earliest remaining arrival's offset in ms. */
  get offsetMs(): number {
    // Per arrival; read only while !empty, and heap entries index `head`, so `!` is kept.
    return this.head[this.heap[0]!]!;
  }

  /**
   * Moves the next arrivals, earliest first, into `runs` and `offsetsMs` (up to their length);
   * returns how many. The caller's loop is an async generator, which V8 optimizes poorly, so
   * the heap work stays in this plain method.
   */
  take(runs: Int32Array, offsetsMs: Float64Array): number {
    const n = Math.min(runs.length, offsetsMs.length);
    let i = 0;
    // Per arrival: size > 0 gives the heap a root, and heap entries index `head`, so `!` is kept.
    for (; i < n && this.size > 0; i++) {
      const k = this.heap[0]!;
      runs[i] = k;
      offsetsMs[i] = this.head[k]!;
      this.next();
    }
    return i;
  }

  /** Drops the earliest arrival. */
  next(): void {
    // Per arrival, called while !empty: k < runs indexes every per-run array (a streamed k has its
    // run; cursor < stop ≤ slab.length for a written one), so `!` is kept rather than checked.
    const k = this.heap[0]!;
    let more: boolean;
    if (this.isStreamed[k] === 1) {
      const run = this.streamed[k]!;
      more = run.advance();
      if (more) this.head[k] = run.value;
    } else {
      const at = ++this.cursor[k]!;
      more = at < this.stop[k]!;
      if (more) this.head[k] = this.slab[at]!;
    }
    if (!more) this.heap[0] = this.heap[--this.size]!;
    this.siftDown(0);
  }


  private siftDown(i: number): void {
    const heap = this.heap;
    const head = this.head;
    const size = this.size;
    // The moving entry is held aside and written once at its place (a hole, not swaps). Per
    // arrival: every index read is < size ≤ heap.length, and heap entries index `head`; `!` kept.
    const k = heap[i]!;
    const v = head[k]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let c = l;
      let ck = heap[l]!;
      let cv = head[ck]!;
      if (r < size) {
        const rk = heap[r]!;
        const rv = head[rk]!;
        if (rv < cv || (rv === cv && rk < ck)) {
          c = r;
          ck = rk;
          cv = rv;
        }
      }
      if (!(cv < v || (cv === v && ck < k))) break;
      heap[i] = ck;
      i = c;
    }
    heap[i] = k;
  }
}
