import type { PercentileDistribution } from "./percentile-distribution.ts";

/** One replayed function: its identity, class and the distributions its invocations draw from. */
export interface FunctionProfile {
  readonly tenant: string;
  readonly app: string;
  readonly fn: string;
  readonly trigger: string;
  readonly priceClass: number;
  /** Work per invocation (ms), from the durations percentiles. */
  readonly work: PercentileDistribution;
  /** Peak memory per invocation (MB), from the memory percentiles. */
  readonly memory: PercentileDistribution;
  /** Memory at start: the distribution's floor (p1), so start ≤ peak always. */
  readonly memStartMb: number;
  /** `work.mean()`, cached: offered load and rate scaling use it. */
  readonly meanWorkMs: number;
  /** The trace's `Average` ms × `AverageAllocatedMb` / 1e6 (In-Vitro's sampler weight). */
  readonly resourcePerInvocation: number;
}
