/**
 * Every price xxbench bills with, in one table, with where it comes from. Costs are kept in µ¢
 * (millionths of a US cent); 1 USD = 1e8 µ¢.
 */
export const priceTable = {
  xx: {
    /** µ¢ per cpu-second of each class: the seeds' fictitious price classes (seed 000 §3.1). */
    cpuMicroCentsPerSecond: [0.5, 1, 1.5, 2],
    /**
     * µ¢ per GB-second of memory, the same for every class, billed by use (seed 000 §3: "XX bills
     * memory separately and by use"). The seeds give no figure; this fictitious one puts a GB on a
     * par with a fifth of the cheapest class's CPU, and is ours to change.
     */
    memoryMicroCentsPerGbSecond: 0.1,
    source: "seed 000 §3.1 (CPU classes); memory price: xxbench's own assumption",
  },
  lambda: {
    /** USD per GB-second, billed per 1 ms of duration at the configured memory. */
    x86UsdPerGbSecond: 0.0000166667,
    armUsdPerGbSecond: 0.0000133334,
    /** USD per request. */
    usdPerRequest: 0.2 / 1e6,
    /** Configurable memory: 128 MB to 10,240 MB in 1 MB steps. */
    minMemoryMb: 128,
    maxMemoryMb: 10240,
    source: "AWS Lambda pricing, us-east-1, first pricing tier (aws.amazon.com/lambda/pricing), as of 2024",
  },
  provisioned: {
    /** USD per machine-hour for an 8-vCPU, 32 GiB machine (m5.2xlarge on-demand, Linux, us-east-1). */
    usdPerMachineHour: 0.384,
    source: "AWS EC2 on-demand pricing, m5.2xlarge, us-east-1, as of 2024",
  },
} as const;

export const microCentsPerUsd = 1e8;
