import { describe, expect, it } from "vitest";
import { defaultNetworkOptions, resolveNetworkOptions, type GivenNetworkOptions } from "../../../adapters/network/network-options.ts";

describe("resolveNetworkOptions", () => {
  it("fills in the defaults", () => {
    expect(resolveNetworkOptions({})).toEqual({ options: { maxInFlight: 1000, timeoutMs: 30_000, drainS: 5 }, errors: [] });
    expect(resolveNetworkOptions({ timeoutMs: undefined })).toEqual({ options: defaultNetworkOptions, errors: [] });
  });

  const cases: [string, GivenNetworkOptions, string[]][] = [
    ["all given and valid", { maxInFlight: 1, timeoutMs: 0.5, drainS: 0 }, []],
    ["in-flight 0", { maxInFlight: 0 }, ["--max-in-flight must be a whole number from 1 to 100000 (got 0)"]],
    ["in-flight fractional", { maxInFlight: 2.5 }, ["--max-in-flight must be a whole number from 1 to 100000 (got 2.5)"]],
    ["in-flight too many", { maxInFlight: 100_001 }, ["--max-in-flight must be a whole number from 1 to 100000 (got 100001)"]],
    ["timeout 0", { timeoutMs: 0 }, ["--timeout-ms must be more than 0 and at most 3600000 ms (got 0)"]],
    ["timeout NaN", { timeoutMs: Number.NaN }, ["--timeout-ms must be more than 0 and at most 3600000 ms (got NaN)"]],
    ["drain negative", { drainS: -1 }, ["--drain-s must be from 0 to 3600 seconds (got -1)"]],
    [
      "every problem at once",
      { maxInFlight: -1, timeoutMs: -1, drainS: Infinity },
      [
        "--max-in-flight must be a whole number from 1 to 100000 (got -1)",
        "--timeout-ms must be more than 0 and at most 3600000 ms (got -1)",
        "--drain-s must be from 0 to 3600 seconds (got Infinity)",
      ],
    ],
  ];
  it.each(cases)("%s", (_name, given, errors) => expect(resolveNetworkOptions(given).errors).toEqual(errors));
});
