/** The simulated cluster and policy knobs (DESIGN.md, "The simulator's semantics"). */
export interface SimConfig {
  readonly machines: number;
  readonly cores: number;
  /** Global scheduler shards (XX). */
  readonly shards: number;
  /** Machines polled per power-of-k placement. */
  readonly k: number;
  /** Virtual ms a shard spends per placement (XX); 0 places at arrival. */
  readonly shardCostMs: number;
  /** XX shards take the highest non-empty class instead of the largest price × time waited. */
  readonly strict: boolean;
  /** Machine samples every this many virtual ms (0: none). */
  readonly sampleIntervalMs: number;
  /** Seeds the placement and shard-choice streams. */
  readonly seed: number;
}

export const simDefaults: Omit<SimConfig, "seed"> = {
  machines: 100,
  cores: 8,
  shards: 4,
  k: 3,
  shardCostMs: 0,
  strict: false,
  sampleIntervalMs: 1000,
};

export function validateSimConfig(c: SimConfig): string[] {
  const errors: string[] = [];
  for (const key of ["machines", "cores", "shards", "k"] as const) {
    if (!(Number.isInteger(c[key]) && c[key] > 0)) errors.push(`${key} must be a positive integer (got ${c[key]})`);
  }
  if (!(c.shardCostMs >= 0)) errors.push(`shard cost must be >= 0 ms (got ${c.shardCostMs})`);
  if (!(c.sampleIntervalMs >= 0)) errors.push(`sample interval must be >= 0 ms (got ${c.sampleIntervalMs})`);
  return errors;
}
