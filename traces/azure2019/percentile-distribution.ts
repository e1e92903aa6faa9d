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
    for (let i = 1; i < values.length; i++) {
      if (!(probabilities[i]! > probabilities[i - 1]!)) throw new RangeError("percentile probabilities must increase");
      if (!(values[i]! >= values[i - 1]!)) throw new RangeError("percentile values must not decrease");
    }
    this.probabilities = probabilities;
    this.values = values;
  }

  /** A point mass, for defaults and for traces that carry one value. */
  static constant(value: number): PercentileDistribution {
    return new PercentileDistribution([0, 1], [value, value]);
  }

  /** The value at cumulative probability u ∈ [0, 1). */
  sample(u: number): number {
    const p = this.probabilities;
    const v = this.values;
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
    const p = this.probabilities;
    const v = this.values;
    let m = p[0]! * v[0]! + (1 - p[p.length - 1]!) * v[v.length - 1]!;
    for (let i = 1; i < p.length; i++) m += (p[i]! - p[i - 1]!) * ((v[i]! + v[i - 1]!) / 2);
    return m;
  }

  /** P(sample < x), the inverse of `sample`, for tests and reports. */
  cdf(x: number): number {
    const p = this.probabilities;
    const v = this.values;
    if (x <= v[0]!) return x < v[0]! ? 0 : p[0]!;
    for (let i = 1; i < v.length; i++) {
      if (x <= v[i]!) {
        if (v[i]! === v[i - 1]!) return p[i - 1]!;
        return p[i - 1]! + ((x - v[i - 1]!) / (v[i]! - v[i - 1]!)) * (p[i]! - p[i - 1]!);
      }
    }
    return 1;
  }
}

/** The knots of `function_durations_percentiles`: percentile_Average_{0,1,25,50,75,99,100}. */
export const durationPercentileProbabilities: readonly number[] = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1];

/** The knots of `app_memory_percentiles`: AverageAllocatedMb_pct{1,5,25,50,75,95,99,100} (no pct0). */
export const memoryPercentileProbabilities: readonly number[] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];
