import { describe, expect, it } from "vitest";
import { awsPublishedUsdPerMs, lambdaSize, seed004Table1, usdPerGbSecond } from "../../../../adapters/scheduling/mu/lambda-size-table.ts";

describe("lambdaSize: memory → vCPUs, a thread's CPU share and the price per ms", () => {
  it.each([
    { memoryMb: 128, vcpus: 1, share: 128 / 1769, usdPerMs: 0.0000000021 },
    { memoryMb: 1024, vcpus: 1, share: 1024 / 1769, usdPerMs: 0.0000000167 },
    { memoryMb: 1769, vcpus: 1, share: 1, usdPerMs: ((1769 / 1024) * usdPerGbSecond) / 1000 },
    { memoryMb: 1770, vcpus: 2, share: 1, usdPerMs: ((1770 / 1024) * usdPerGbSecond) / 1000 },
    { memoryMb: 2048, vcpus: 2, share: 1, usdPerMs: 0.0000000333 },
    { memoryMb: 3538, vcpus: 2, share: 1, usdPerMs: ((3538 / 1024) * usdPerGbSecond) / 1000 },
    { memoryMb: 3539, vcpus: 3, share: 1, usdPerMs: ((3539 / 1024) * usdPerGbSecond) / 1000 },
    { memoryMb: 4096, vcpus: 3, share: 1, usdPerMs: 0.0000000667 },
    { memoryMb: 6144, vcpus: 4, share: 1, usdPerMs: 0.0000001 },
    { memoryMb: 8192, vcpus: 5, share: 1, usdPerMs: 0.0000001333 },
    { memoryMb: 10240, vcpus: 6, share: 1, usdPerMs: 0.0000001667 },
  ])("$memoryMb MB: $vcpus vCPUs", ({ memoryMb, vcpus, share, usdPerMs }) => {
    const size = lambdaSize(memoryMb);
    expect(size.vcpus).toBe(vcpus);
    expect(size.threadCpuShare).toBeCloseTo(share, 12);
    expect(size.usdPerMs).toBe(usdPerMs);
  });

  it("gives seed 004 Table 1's cores for each of its five sizes", () => {
    for (const row of seed004Table1) expect(lambdaSize(row.memoryMb).vcpus).toBe(row.cores);
  });

  it("bills Table 1's 2048 MB price, and a tenth of its other four: the paper dropped a zero there", () => {
    const [first, ...rest] = seed004Table1;
    expect(lambdaSize(first!.memoryMb).usdPerMs).toBe(first!.usdPerMs);
    for (const row of rest) expect(lambdaSize(row.memoryMb).usdPerMs / row.usdPerMs).toBeCloseTo(0.1, 6);
  });

  it("AWS's published per-ms prices are its GB-second price, rounded to AWS's printed digits", () => {
    for (const [mb, usd] of Object.entries(awsPublishedUsdPerMs)) {
      expect(Math.abs(usd - ((Number(mb) / 1024) * usdPerGbSecond) / 1000) / usd).toBeLessThan(0.025);
    }
  });

  it.each([127, 10241, 2048.5, Number.NaN])("refuses %s MB", (mb) => {
    expect(() => lambdaSize(mb)).toThrow(/whole number of MB in 128–10240/);
  });
});
