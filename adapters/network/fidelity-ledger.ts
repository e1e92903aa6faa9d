import * as hdr from "hdr-histogram-js";
import type { SendFidelity } from "../backend.ts";

/** Lateness is kept in µs: p99 under 1 ms is the driver's target, so ms buckets would hide it. */
const maxLatenessUs = 3_600_000_000;

/** One second of the run: how many sends the trace asked for in it and how many left in it. */
export interface SecondOfSends {
  readonly second: number;
  readonly intended: number;
  readonly sent: number;
}

/**
 * How faithfully the driver kept to the trace's send times. The distribution is an HDR
 * histogram (3 significant digits, so p99 is within 0.1 %; bounded memory however long the run);
 * the maximum is kept exactly. Times are ms on the replay's clock (t0 = 0).
 */
export class FidelityLedger {
  private readonly latenessUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: maxLatenessUs, numberOfSignificantValueDigits: 3 });
  private maxLatenessMs = 0;
  private sentCount = 0;
  private droppedCount = 0;
  private firstIntendedMs = Infinity;
  private lastIntendedMs = -Infinity;
  private firstSentMs = Infinity;
  private lastSentMs = -Infinity;
  private readonly intendedBySecond: number[] = [];
  private readonly sentBySecond: number[] = [];

  recordSent(intendedMs: number, sentMs: number): void {
    this.intended(intendedMs);
    this.sentCount++;
    const lateness = Math.max(0, sentMs - intendedMs);
    if (lateness > this.maxLatenessMs) this.maxLatenessMs = lateness;
    this.latenessUs.recordValue(Math.min(maxLatenessUs, Math.round(lateness * 1000)));
    if (sentMs < this.firstSentMs) this.firstSentMs = sentMs;
    if (sentMs > this.lastSentMs) this.lastSentMs = sentMs;
    bump(this.sentBySecond, sentMs);
  }

  recordDropped(intendedMs: number): void {
    this.intended(intendedMs);
    this.droppedCount++;
  }

  get sent(): number {
    return this.sentCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Lateness at percentile `p` (0–100) of the sends so far, ms; 0 before the first. */
  latenessPercentileMs(p: number): number {
    return this.sentCount === 0 ? 0 : this.latenessUs.getValueAtPercentile(p) / 1000;
  }

  /** Per second of the run, intended and actual sends (seconds with neither are listed as zeros). */
  perSecond(): SecondOfSends[] {
    const seconds = Math.max(this.intendedBySecond.length, this.sentBySecond.length);
    return Array.from({ length: seconds }, (_, second) => ({ second, intended: this.intendedBySecond[second] ?? 0, sent: this.sentBySecond[second] ?? 0 }));
  }

  summary(): SendFidelity {
    return {
      latenessP50Ms: this.latenessPercentileMs(50),
      latenessP99Ms: this.latenessPercentileMs(99),
      latenessMaxMs: this.maxLatenessMs,
      intendedPerS: ratePerS(this.sentCount + this.droppedCount, this.firstIntendedMs, this.lastIntendedMs),
      achievedPerS: ratePerS(this.sentCount, this.firstSentMs, this.lastSentMs),
      sent: this.sentCount,
      dropped: this.droppedCount,
    };
  }

  private intended(intendedMs: number): void {
    if (intendedMs < this.firstIntendedMs) this.firstIntendedMs = intendedMs;
    if (intendedMs > this.lastIntendedMs) this.lastIntendedMs = intendedMs;
    bump(this.intendedBySecond, intendedMs);
  }
}

/**
 * Events per second over the span from the first to the last: n events span n − 1 gaps, so 100
 * evenly spaced sends 10 ms apart are 100/s. Fewer than two events, or all at one instant, have no
 * rate: 0.
 */
export function ratePerS(count: number, firstMs: number, lastMs: number): number {
  const spanMs = lastMs - firstMs;
  if (count < 2 || !(spanMs > 0)) return 0;
  return ((count - 1) * 1000) / spanMs;
}

function bump(bySecond: number[], ms: number): void {
  const second = Math.max(0, Math.floor(ms / 1000));
  while (bySecond.length <= second) bySecond.push(0);
  bySecond[second]!++;
}
