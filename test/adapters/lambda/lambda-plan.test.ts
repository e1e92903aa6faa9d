import { describe, expect, it } from "vitest";
import { fitSuggestions, formatLambdaPlan, type LambdaPlan } from "../../../adapters/lambda/lambda-plan.ts";

const plan: LambdaPlan = { region: "us-east-1", memoryMb: 128, invocations: 1000, spanS: 60, peakConcurrency: 40, peakSecond: 7, gbSeconds: 10, usd: { x86_64: 2, arm64: 1.6 } };

describe("fitSuggestions", () => {
  it.each([
    ["within budget and quota", { budgetUsd: 5, concurrencyQuota: 100 }, []],
    ["over budget on x86: keep 25 %", { budgetUsd: 0.5 }, [/over the \$0\.50 budget on x86_64 \(\$2\.00\): keep at most 25 % of the invocations \(a sampling factor of 0\.25/]],
    ["over budget on arm: keep 50 %", { budgetUsd: 0.8, arch: "arm64" as const }, [/on arm64 \(\$1\.60\): keep at most 50 %/]],
    ["over the quota: slow by 4×", { concurrencyQuota: 10 }, [/peak concurrency 40\.0 exceeds the account's quota of 10: expect 429s; slow the trace by 4\.0× .* or keep 25 % of the invocations/]],
    ["both", { budgetUsd: 1, concurrencyQuota: 20 }, [/keep at most 50 %/, /slow the trace by 2\.0×/]],
  ])("%s", (_name, limits, expected) => {
    const lines = fitSuggestions(plan, limits);
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => expect(line).toMatch(expected[i]!));
  });
});

describe("formatLambdaPlan", () => {
  it("names requests, span, peak concurrency, GB-s and dollars per architecture", () => {
    expect(formatLambdaPlan(plan).split("\n")).toEqual([
      "1,000 requests over 60.0 s in us-east-1 at 128 MB",
      "peak concurrency 40.0 (mean over second 7, Little's law)",
      "10.000 GB-s billed (init of cold starts not included)",
      "x86_64: $2.00",
      "arm64: $1.60",
    ]);
  });
});
