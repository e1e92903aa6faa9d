/**
 * Integrates busy cores over virtual time, per machine. Models call `advance` just before the
 * number of busy cores on a machine changes; samples read the utilization since the previous sample.
 */
export class CoreTimeMeter {
  private readonly busyMs: Float64Array;
  private readonly last: Float64Array;
  private readonly atLastSample: Float64Array;
  private lastSampleMs = 0;

  constructor(readonly machines: number) {
    this.busyMs = new Float64Array(machines);
    this.last = new Float64Array(machines);
    this.atLastSample = new Float64Array(machines);
  }

  advance(m: number, now: number, busyCores: number): void {
    this.busyMs[m]! += busyCores * (now - this.last[m]!);
    this.last[m] = now;
  }

  /** Busy core-ms of machine m up to `now`, given its current busy cores. */
  busyUntil(m: number, now: number, busyCores: number): number {
    return this.busyMs[m]! + busyCores * (now - this.last[m]!);
  }

  /** Utilization of machine m since the last sample; call for every machine, then `sampled(now)`. */
  utilizationSinceSample(m: number, now: number, busyCores: number, cores: number): number {
    this.advance(m, now, busyCores);
    const span = now - this.lastSampleMs;
    const util = span > 0 ? (this.busyMs[m]! - this.atLastSample[m]!) / (cores * span) : 0;
    this.atLastSample[m] = this.busyMs[m]!;
    return util;
  }

  sampled(now: number): void {
    this.lastSampleMs = now;
  }
}
