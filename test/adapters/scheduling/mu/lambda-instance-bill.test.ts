import { describe, expect, it } from "vitest";
import { lambdaBilledMs, lambdaInstanceMicroCents, proRataShares } from "../../../../adapters/scheduling/mu/lambda-instance-bill.ts";
import { lambdaSize } from "../../../../adapters/scheduling/mu/lambda-size-table.ts";

describe("Lambda's instance bill", () => {
  it.each([
    { initMs: 0, durationMs: 1000, billed: 1000 },
    { initMs: 0, durationMs: 1000.01, billed: 1001 },
    { initMs: 250, durationMs: 1000, billed: 1250 },
    { initMs: 250, durationMs: 0.2, billed: 251 },
    { initMs: 0, durationMs: 0, billed: 0 },
  ])("init $initMs ms + duration $durationMs ms bills $billed ms", ({ initMs, durationMs, billed }) => {
    expect(lambdaBilledMs(initMs, durationMs)).toBe(billed);
  });

  it("is billed ms × the size's price per ms, plus $0.20 per million requests, in µ¢", () => {
    expect(lambdaInstanceMicroCents(lambdaSize(4096), 1000)).toBeCloseTo(1000 * 0.0000000667 * 1e8 + 0.2e-6 * 1e8, 9);
    expect(lambdaInstanceMicroCents(lambdaSize(2048), 0)).toBeCloseTo(20, 12);
  });
});

describe("proRataShares: one instance's bill over the task runs it held", () => {
  it.each([
    { bill: 100, runMs: [1, 1, 2], shares: [25, 25, 50] },
    { bill: 90, runMs: [300], shares: [90] },
    { bill: 30, runMs: [0, 0, 0], shares: [10, 10, 10] },
    { bill: 10, runMs: [], shares: [] },
  ])("$bill over $runMs", ({ bill, runMs, shares }) => {
    const got = proRataShares(bill, runMs);
    expect(got.length).toBe(shares.length);
    got.forEach((s, i) => expect(s).toBeCloseTo(shares[i]!, 12));
  });

  it.each([
    [12_345.678_9, [1000.3, 999.7, 1234.5, 7.25, 0.1, 333.33]],
    [0.1 + 0.2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    [7, [0.001, 99_999]],
  ])("adds up to the bill %s for awkward fractions (to the last bit or one)", (bill, runMs) => {
    const shares = proRataShares(bill, runMs);
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - bill)).toBeLessThanOrEqual(2 * Number.EPSILON * bill);
    expect(shares.every((s) => s >= 0)).toBe(true);
  });
});
