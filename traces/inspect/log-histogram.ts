/**
 * Counts of non-negative values in logarithmic buckets 1 % wide, so percentiles of a stream of
 * any length come out within 1 % in bounded memory. Zeros (zero-ms work occurs in the Azure
 * traces) are counted apart; min, max and the mean are exact.
 */
export class LogHistogram {
  private static readonly growth = 1.01;
  private static readonly smallest = 1e-3;
  private static readonly buckets = Math.ceil(Math.log(1e12 / LogHistogram.smallest) / Math.log(LogHistogram.growth));
  private readonly counts = new Float64Array(LogHistogram.buckets);
  private zeros = 0;
  private total = 0;
  private sum = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    this.total++;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    if (value <= 0) {
      this.zeros++;
      return;
    }
    const i = Math.floor(Math.log(value / LogHistogram.smallest) / Math.log(LogHistogram.growth));
    // Per invocation inspected: the index is clamped into [0, buckets), so `!` is kept.
    this.counts[Math.min(LogHistogram.buckets - 1, Math.max(0, i))]!++;
  }

  get count(): number {
    return this.total;
  }

  get mean(): number {
    return this.total > 0 ? this.sum / this.total : 0;
  }

  get min(): number {
    return this.total > 0 ? this.lo : 0;
  }

  get max(): number {
    return this.total > 0 ? this.hi : 0;
  }

  /** The value at quantile q ∈ [0, 1], clamped to the exact min and max. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = q * this.total;
    if (rank <= this.zeros) return Math.max(0, this.lo);
    let seen = this.zeros;
    for (const [i, count] of this.counts.entries()) {
      seen += count;
      if (seen >= rank) {
        const mid = LogHistogram.smallest * Math.pow(LogHistogram.growth, i + 0.5);
        return Math.min(this.hi, Math.max(this.lo, mid));
      }
    }
    return this.hi;
  }
}
