import { seedOverheadRange, type OverheadRange } from "../../scheduling/freshen/function-overhead.ts";
import { triggerKinds, type TriggerKind } from "../../scheduling/freshen/trigger-delays.ts";

/**
 * Freshen (seed 003) in the simulator: a switch on any policy. Off (`null` in SimConfig), a run
 * is exactly the run without this layer, so one stream with and without it pairs in a report.
 */
export interface FreshenConfig {
  /** Share of predictions that are wrong: a predicted call that never comes. In [0, 1). */
  readonly mispredictionRate: number;
  /** How long a prefetched result serves later invocations of its function, ms; 0: only the predicted call uses it. */
  readonly ttlMs: number;
  /** Each function's freshenable overhead (connection set-up + fetch) is drawn from this range. */
  readonly overheadMs: OverheadRange;
  /** The trigger kinds chain edges are drawn from, uniformly (seed 003 Table 1's services). */
  readonly triggers: readonly TriggerKind[];
}

export const freshenDefaults: FreshenConfig = {
  mispredictionRate: 0,
  // Seed 003 leaves the TTL to the developer ("once every n seconds") and gives no value; 0 keeps
  // the default run's savings down to prediction alone.
  ttlMs: 0,
  overheadMs: seedOverheadRange,
  triggers: triggerKinds,
};

export function validateFreshenConfig(c: FreshenConfig): string[] {
  const errors: string[] = [];
  if (!(c.mispredictionRate >= 0 && c.mispredictionRate < 1)) errors.push(`freshen misprediction rate must be in [0, 1) (got ${c.mispredictionRate})`);
  if (!(c.ttlMs >= 0 && Number.isFinite(c.ttlMs))) errors.push(`freshen TTL must be >= 0 ms (got ${c.ttlMs})`);
  const { minMs, maxMs } = c.overheadMs;
  if (!(minMs >= 0 && maxMs >= minMs && Number.isFinite(maxMs))) errors.push(`freshen overhead range must satisfy 0 <= min <= max (got ${minMs}:${maxMs} ms)`);
  if (minMs === 0 && maxMs > 0) errors.push(`freshen overhead range is log-uniform, so its min must be > 0 ms when max is (got ${minMs}:${maxMs} ms)`);
  if (c.triggers.length === 0) errors.push("freshen needs at least one trigger kind");
  return errors;
}
