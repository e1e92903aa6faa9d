/**
 * A distribution known only at a few percentile points, sampled by the piecewise-linear inverse
 * CDF through them (serverless-sim's choice; In-Vitro draws integers uniformly per segment,
 * which is the same law up to truncation). Below the first point the value stays at the first
 * point's value, above the last at the last's: memory has no pct0, so its mass under 1 % sits
 * at p1, as In-Vitro does.
 */
export class PercentileDistribution {
  /** Cumulative probabilities, ascending, in [0, 1]. */
  readonly probabilities: readonly number[];
  /** Values at those probabilities, non-decreasing. */
  readonly values: readonly number[];

  constructor(probabilities: readonly number[], values: readonly number[]) {
    if (probabilities.length !== values.length || probabilities.length === 0) {
      throw new RangeError(`${probabilities.length} probabilities for ${values.length} values`);
    }
    this.probabilities = probabilities;
    this.values = values;
    for (const { from, to } of this.segments()) {
      if (!(to.probability > from.probability)) throw new RangeError("percentile probabilities must increase");
      if (!(to.value >= from.value)) throw new RangeError("percentile values must not decrease");
    }
  }

  /** A point mass, for defaults and for traces that carry one value. */
  static constant(value: number): PercentileDistribution {
    return new PercentileDistribution([0, 1], [value, value]);
  }

  /** The value at cumulative probability u ∈ [0, 1). */
  sample(u: number): number {
    const p = this.probabilities;
    const v = this.values;
    // Once per generated invocation: the constructor made p and v equally long and non-empty, and
    // every index below is in [0, length), so `!` is kept rather than checked.
    if (u <= p[0]!) return v[0]!;
    for (let i = 1; i < p.length; i++) {
      if (u < p[i]!) {
        const lo = p[i - 1]!;
        return v[i - 1]! + ((u - lo) / (p[i]! - lo)) * (v[i]! - v[i - 1]!);
      }
    }
    return v[v.length - 1]!;
  }

  /** The exact mean of `sample(U)` for U uniform: the flat tails plus each linear segment's midpoint. */
  mean(): number {
    const { first, last } = this.ends();
    let m = first.probability * first.value + (1 - last.probability) * last.value;
    for (const { from, to } of this.segments()) m += (to.probability - from.probability) * ((to.value + from.value) / 2);
    return m;
  }

  /** P(sample < x), the inverse of `sample`, for tests and reports. */
  cdf(x: number): number {
    const { first } = this.ends();
    if (x <= first.value) return x < first.value ? 0 : first.probability;
    for (const { from, to } of this.segments()) {
      if (x <= to.value) {
        if (to.value === from.value) return from.probability;
        return from.probability + ((x - from.value) / (to.value - from.value)) * (to.probability - from.probability);
      }
    }
    return 1;
  }

  /** The percentile points as (probability, value) pairs; the constructor made the lists equally long. */
  private knots(): Knot[] {
    return this.probabilities.map((probability, i) => {
      const value = this.values[i];
      if (value === undefined) throw new RangeError(`${this.probabilities.length} probabilities for ${this.values.length} values`);
      return { probability, value };
    });
  }

  /** The first and last knots; the constructor refused an empty list. */
  private ends(): { first: Knot; last: Knot } {
    const knots = this.knots();
    const [first] = knots;
    const last = knots.at(-1);
    if (first === undefined || last === undefined) throw new RangeError("a percentile distribution with no points");
    return { first, last };
  }

  /** Each pair of neighbouring knots, in order: the linear pieces of the inverse CDF. */
  private segments(): { from: Knot; to: Knot }[] {
    const segments: { from: Knot; to: Knot }[] = [];
    let from: Knot | undefined;
    for (const to of this.knots()) {
      if (from !== undefined) segments.push({ from, to });
      from = to;
    }
    return segments;
  }
}

/** One percentile point: the value below which `probability` of the mass lies. */
interface Knot {
  readonly probability: number;
  readonly value: number;
}

/** The knots of `function_durations_percentiles`: percentile_Average_{0,1,25,50,75,99,100}. */
export const durationPercentileProbabilities: readonly number[] = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1];

/** The knots of `app_memory_percentiles`: AverageAllocatedMb_pct{1,5,25,50,75,95,99,100} (no pct0). */
export const memoryPercentileProbabilities: readonly number[] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];
