/** The simulated cluster and policy knobs (DESIGN.md, "The simulator's semantics"). */
export interface SimConfig {
  readonly machines: number;
  readonly cores: number;
  /** Global scheduler shards (XX). */
  readonly shards: number;
  /** Machines polled per power-of-k placement. */
  readonly k: number;
  /** Virtual ms a shard spends per placement (XX); 0 places at arrival, so the shard never queues. */
  readonly shardCostMs: number;
  /** XX shards take the highest non-empty class instead of the largest price × time waited. */
  readonly strict: boolean;
  /** Machine samples every this many virtual ms (0: none). */
  readonly sampleIntervalMs: number;
  /** RAM per machine in MB; null leaves memory unmodelled (the seeds' "absurdly high" setting). */
  readonly ramMb: number | null;
  /** Swap space per machine in MB (seed 000 §4.3: a 500 GB SSD). */
  readonly swapMb: number;
  /** Swap traffic in MB per virtual ms; 0 makes swapping instant, as in the seeds. */
  readonly swapMbPerMs: number;
  /** XX places on idle-list machines first (the seeds switch it off to compare latency with Hermod). */
  readonly idleList: boolean;
  /** A machine joins an idle list while its free memory exceeds this share of RAM. */
  readonly idleFreeShare: number;
  /** A listed machine rewrites its entry when free memory moved by more than this share of RAM. */
  readonly idleStepShare: number;
  /** XX's monthly budget per tenant, in USD; tenants not listed are never throttled. */
  readonly budgetsUsd: Readonly<Record<string, number>>;
  /** Lambda memory size, MB (sim:faas, sim:mu): sets vCPUs and the price per ms (adapters/scheduling/mu/lambda-size-table.ts). */
  readonly memoryMb: number;
  /** Most function instances in flight at once (sim:faas: invocations; sim:mu: workers), as Lambda's concurrency limit. */
  readonly concurrencyCap: number;
  /** The function's timeout, ms: the platform cuts an invocation off then (μ stops taking work at 80 % of it). */
  readonly timeoutMs: number;
  /** Extra delay before a new instance's handler starts (setup + init), ms. */
  readonly coldStartMs: number;
  /** How long an idle instance stays warm for reuse, ms. */
  readonly keepAliveMs: number;
  /** Seeds the placement and shard-choice streams. */
  readonly seed: number;
}

export const simDefaults: Omit<SimConfig, "seed"> = {
  machines: 100,
  cores: 8,
  shards: 4,
  k: 3,
  // Dirigent (Cvetković et al., SOSP '24, arXiv:2404.16393) measured its control plane spinning up
  // 2,500 sandboxes per second at low latency: 1 / 2,500 s = 0.4 ms per placement, used for each shard
  // until the live plane measures ours. At the seeds' base load (ρ = 0.7 on 100 × 8 cores, 100 ms mean
  // work) each of the 4 shards places ≈ 1,400/s, so is busy 56 % of the time and adds < 3 ms at p99.
  shardCostMs: 0.4,
  strict: false,
  sampleIntervalMs: 1000,
  ramMb: null,
  swapMb: 500 * 1024,
  swapMbPerMs: 0,
  idleList: false,
  idleFreeShare: 0.25,
  idleStepShare: 0.05,
  budgetsUsd: {},
  // Seed 004 Table 1's smallest size.
  memoryMb: 2048,
  // AWS Lambda's default concurrency limit per account and region.
  concurrencyCap: 1000,
  // Lambda's largest timeout (15 min), what a μ worker meant to live long is given.
  timeoutMs: 900_000,
  // Seed 001 §2 measured Lambda cold starts of a 20 ms function at 200–400 ms end to end: ~250 ms of setup and init.
  coldStartMs: 250,
  // Shahrad et al. (ATC '20) found providers keeping idle instances ~10 minutes (their fixed keep-alive baseline).
  keepAliveMs: 600_000,
};

export function validateSimConfig(c: SimConfig): string[] {
  const errors: string[] = [];
  for (const key of ["machines", "cores", "shards", "k"] as const) {
    if (!(Number.isInteger(c[key]) && c[key] > 0)) errors.push(`${key} must be a positive integer (got ${c[key]})`);
  }
  if (!(c.shardCostMs >= 0)) errors.push(`shard cost must be >= 0 ms (got ${c.shardCostMs})`);
  if (c.ramMb !== null && !(c.ramMb > 0)) errors.push(`RAM must be > 0 MB (got ${c.ramMb})`);
  if (!(c.swapMb >= 0)) errors.push(`swap must be >= 0 MB (got ${c.swapMb})`);
  if (!(c.swapMbPerMs >= 0)) errors.push(`swap bandwidth must be >= 0 (got ${c.swapMbPerMs})`);
  if (!(c.idleFreeShare >= 0 && c.idleFreeShare < 1)) errors.push(`idle free share must be in [0, 1) (got ${c.idleFreeShare})`);
  if (!(c.idleStepShare >= 0 && c.idleStepShare < 1)) errors.push(`idle step share must be in [0, 1) (got ${c.idleStepShare})`);
  for (const [tenant, usd] of Object.entries(c.budgetsUsd)) if (!(usd >= 0)) errors.push(`budget of ${tenant} must be >= 0 USD (got ${usd})`);
  if (!(Number.isInteger(c.memoryMb) && c.memoryMb >= 128 && c.memoryMb <= 10240)) errors.push(`memory must be a whole number of MB in 128–10240 (got ${c.memoryMb})`);
  if (!(Number.isInteger(c.concurrencyCap) && c.concurrencyCap > 0)) errors.push(`concurrency cap must be a positive integer (got ${c.concurrencyCap})`);
  if (!(c.timeoutMs > 0 && c.timeoutMs <= 900_000)) errors.push(`timeout must be in (0, 900] s (got ${c.timeoutMs / 1000})`);
  if (!(c.coldStartMs >= 0 && Number.isFinite(c.coldStartMs))) errors.push(`cold start must be >= 0 ms (got ${c.coldStartMs})`);
  if (!(c.keepAliveMs >= 0 && Number.isFinite(c.keepAliveMs))) errors.push(`keep-alive must be >= 0 s (got ${c.keepAliveMs / 1000})`);
  if (!(c.sampleIntervalMs >= 0)) errors.push(`sample interval must be >= 0 ms (got ${c.sampleIntervalMs})`);
  for (const rule of ineffectiveOptionRules) if (rule.applies(c)) errors.push(rule.message);
  return errors;
}

/**
 * Options that cannot change anything in the configuration they come with, so a run would be
 * stored as if they applied. An option counts as given when it differs from its default.
 */
export const ineffectiveOptionRules: readonly { readonly applies: (c: SimConfig) => boolean; readonly message: string }[] = [
  {
    applies: (c) => c.idleList && c.ramMb === null,
    message: "--idle-list needs --ram-gb: with unbounded RAM every machine stays on an idle list forever",
  },
  {
    applies: (c) => !c.idleList && c.idleFreeShare !== simDefaults.idleFreeShare,
    message: "--idle-free-share has no effect without --idle-list",
  },
  {
    applies: (c) => c.strict && c.shardCostMs === 0,
    message: "--strict has no effect with --shard-cost-ms 0: every arrival is placed at once, so a shard never chooses",
  },
  {
    applies: (c) => c.ramMb === null && c.swapMb !== simDefaults.swapMb,
    message: "--swap-gb has no effect without --ram-gb (memory is not modelled)",
  },
  {
    applies: (c) => c.ramMb === null && c.swapMbPerMs !== simDefaults.swapMbPerMs,
    message: "--swap-mb-per-s has no effect without --ram-gb (memory is not modelled)",
  },
];
