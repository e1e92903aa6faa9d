import { roundCumulative } from "./systematic-rounding.ts";

/**
 * Rate scaling to a target offered load on the simulated cluster, ρ = Σ work / (duration ×
 * cores). Counts per minute are multiplied by `target / traced load`, rounded systematically per
 * function (see `roundCumulative`), so the shape over time, the function mix and the work
 * distributions are kept and only the rate changes.
 */
export interface RateScaling {
  readonly targetLoad: number;
  readonly cores: number;
  /** The offered load of the trace after window, sample and compression, before scaling. */
  readonly sourceLoad: number;
  readonly factor: number;
  /** The load the scaled counts give (rounding makes it differ slightly from the target). */
  readonly resultingLoad: number;
}

/** Offered load: expected work per ms of trace time, over the cores. */
export function offeredLoad(totalWorkMs: number, durationMs: number, cores: number): number {
  return durationMs > 0 ? totalWorkMs / (durationMs * cores) : 0;
}

/** Scales one function's minute counts by `factor`; the total becomes ⌊factor × total + offset⌋. */
export function scaleCounts(counts: Uint32Array, factor: number, offset: number): Uint32Array {
  if (factor === 1) return counts;
  // Integer prefix times the factor, so the last step lands exactly on `scaledTotal`. Every minute
  // of every replayed function: m < counts.length = cumulative.length, so `!` is kept.
  let prefix = 0;
  const cumulative = new Float64Array(counts.length);
  for (let m = 0; m < counts.length; m++) cumulative[m] = (prefix += counts[m]!) * factor;
  return roundCumulative(counts.length, (m) => cumulative[m]!, offset);
}

/** The total `scaleCounts` gives for a function with `total` invocations. */
export function scaledTotal(total: number, factor: number, offset: number): number {
  return factor === 1 ? total : Math.floor(total * factor + offset);
}
