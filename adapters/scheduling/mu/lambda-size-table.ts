/**
 * AWS Lambda's memory sizes: how many vCPUs a size gets and what 1 ms of it costs (x86).
 *
 * Prices: AWS's published per-1 ms table (aws.amazon.com/lambda/pricing, x86, first tier; the
 * same in us-east-1 and eu-west-3, the region of seed 004). Seed 004's Table 1 lists five of these
 * sizes; its 2048 MB price ($0.0000000333) is AWS's, but its other four are ten times AWS's
 * ($0.000000667 for 4096 MB where AWS lists $0.0000000667) — a dropped zero, since with them μ at
 * 4096 MB would cost ten times μ at 2048 MB, which the paper's own Figure 2 text rules out ("keeping
 * the cost envelope relatively constant"). We bill with AWS's figures: `seed004Table1` keeps the
 * paper's as printed, and a test pins the discrepancy.
 *
 * vCPUs: "At 1,769 MB, a function has the equivalent of one vCPU" (AWS Lambda developer guide,
 * "Memory and computing power"), up to 6 at 10,240 MB: ceil(MB / 1769), which gives exactly the
 * 2 … 6 cores of seed 004's Table 1. Below 1,769 MB a single thread gets only MB / 1769 of a vCPU.
 */
export interface LambdaSize {
  readonly memoryMb: number;
  readonly vcpus: number;
  /** Share of one vCPU a single thread gets: 1 from 1,769 MB up, less below. */
  readonly threadCpuShare: number;
  /** USD per billed ms. */
  readonly usdPerMs: number;
}

/** AWS's published per-1 ms prices, x86 (USD). */
export const awsPublishedUsdPerMs: Readonly<Record<number, number>> = {
  128: 0.0000000021,
  512: 0.0000000083,
  1024: 0.0000000167,
  1536: 0.000000025,
  2048: 0.0000000333,
  3072: 0.00000005,
  4096: 0.0000000667,
  5120: 0.0000000833,
  6144: 0.0000001,
  7168: 0.0000001167,
  8192: 0.0000001333,
  9216: 0.00000015,
  10240: 0.0000001667,
};

/** Seed 004, Table 1, as printed: memory, cores, USD per 1 ms. */
export const seed004Table1: readonly { readonly memoryMb: number; readonly cores: number; readonly usdPerMs: number }[] = [
  { memoryMb: 2048, cores: 2, usdPerMs: 0.0000000333 },
  { memoryMb: 4096, cores: 3, usdPerMs: 0.000000667 },
  { memoryMb: 6144, cores: 4, usdPerMs: 0.000001 },
  { memoryMb: 8192, cores: 5, usdPerMs: 0.000001333 },
  { memoryMb: 10240, cores: 6, usdPerMs: 0.000001667 },
];

/** AWS's GB-second price (x86), for sizes its per-ms table does not list. */
export const usdPerGbSecond = 0.0000166667;
export const mbPerVcpu = 1769;
export const minMemoryMb = 128;
export const maxMemoryMb = 10240;

/** The size's vCPUs, thread share and price; throws outside Lambda's 128–10,240 MB in whole MB. */
export function lambdaSize(memoryMb: number): LambdaSize {
  if (!(Number.isInteger(memoryMb) && memoryMb >= minMemoryMb && memoryMb <= maxMemoryMb)) {
    throw new RangeError(`Lambda memory must be a whole number of MB in ${minMemoryMb}–${maxMemoryMb} (got ${memoryMb})`);
  }
  return {
    memoryMb,
    vcpus: Math.ceil(memoryMb / mbPerVcpu),
    threadCpuShare: Math.min(1, memoryMb / mbPerVcpu),
    usdPerMs: awsPublishedUsdPerMs[memoryMb] ?? ((memoryMb / 1024) * usdPerGbSecond) / 1000,
  };
}
