import { microCentsPerUsd, priceTable } from "../../billing/price-table.ts";
import type { LambdaSize } from "./lambda-size-table.ts";

/**
 * What Lambda bills one instance invocation: its duration rounded up to a whole ms, times the
 * size's price per ms, plus the request fee. The duration includes the init phase of a cold
 * start: AWS bills INIT for every on-demand function since 1 August 2025 ("AWS Lambda
 * standardizes billing for INIT phase", AWS Compute Blog, April 2025); seed 004's 2023 runs of a
 * Go managed runtime were not billed it.
 */
export function lambdaBilledMs(initMs: number, durationMs: number): number {
  return Math.ceil(initMs + durationMs);
}

export function lambdaInstanceMicroCents(size: LambdaSize, billedMs: number): number {
  return billedMs * size.usdPerMs * microCentsPerUsd + priceTable.lambda.usdPerRequest * microCentsPerUsd;
}

/**
 * Shares one instance's bill among the task runs it held, pro rata to each run's milliseconds
 * (equal shares when none ran a measurable time). The last share is the remainder, so the shares
 * add up to the bill (to the last bit of the running sum).
 */
export function proRataShares(billMicroCents: number, runMs: readonly number[]): number[] {
  const n = runMs.length;
  if (n === 0) return [];
  const total = runMs.reduce((a, b) => a + b, 0);
  const shares: number[] = [];
  let given = 0;
  for (let i = 0; i < n - 1; i++) {
    const share = total > 0 ? (billMicroCents * runMs[i]!) / total : billMicroCents / n;
    shares.push(share);
    given += share;
  }
  shares.push(billMicroCents - given);
  return shares;
}
