/**
 * A function's freshenable overhead: connection set-up plus data fetch, ms. Seed 003 §4
 * (Figure 4) measured what freshen could save by fetching a file before the function runs:
 * "Maximum benefits range from 11-622ms" over file sizes and server locations. Without a trace
 * that reports the overhead, each function draws its own from that range, uniform in log space
 * (the figure's axis is logarithmic and the sizes grow geometrically).
 */
export interface OverheadRange {
  readonly minMs: number;
  readonly maxMs: number;
}

export const seedOverheadRange: OverheadRange = { minMs: 11, maxMs: 622 };

/** The overhead of a function at `uniform` ∈ [0, 1) along the range, log-uniform. */
export function functionOverheadMs(range: OverheadRange, uniform: number): number {
  if (range.minMs === range.maxMs) return range.minMs;
  return range.minMs * (range.maxMs / range.minMs) ** uniform;
}

/**
 * The part of one invocation's work that is overhead. A trace's duration already includes the
 * function's own set-up and fetch, so the overhead is part of the work, never more than it.
 */
export function invocationOverheadMs(functionOverhead: number, workMs: number): number {
  return Math.min(functionOverhead, workMs);
}
