import { describe, expect, it } from "vitest";
import { openingConnections } from "../../../adapters/network/opening-connections.ts";
import type { Invocation } from "../../../traces/invocation.ts";

const at = (arrivals: number[]): Invocation[] =>
  arrivals.map((arrivalMs, id) => ({ id, arrivalMs, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 0, memStartMb: 128, memPeakMb: 128 }));
const even = (count: number, perS: number): number[] => Array.from({ length: count }, (_, i) => 200 + (i * 1000) / perS);

describe("openingConnections: connections opened before the clock starts, for 50 ms of the opening rate", () => {
  const cases: [string, number[], number, number][] = [
    ["20,000/s: 1,000", even(4096, 20_000), 2000, 1000],
    ["20,000/s with the default bound: all 1,000", even(4096, 20_000), 1000, 1000],
    ["2,000/s: 100", even(4096, 2_000), 1000, 100],
    ["100/s: 5", even(500, 100), 1000, 5],
    ["1/s: 1", even(10, 1), 1000, 1],
    ["200,000/s: capped at --max-in-flight", even(4096, 200_000), 1000, 1000],
    ["all at one instant: one each", [5, 5, 5, 5], 1000, 4],
    ["all at one instant, more than the cap: the cap", [5, 5, 5, 5], 3, 3],
    ["a single invocation: 1", [42], 1000, 1],
    ["an empty batch: none", [], 1000, 0],
    ["uneven: the batch's mean rate (11 over 10 ms is 1,000/s), so 50", [0, 1, 1, 2, 3, 5, 6, 8, 9, 9, 10], 1000, 50],
    ["a rate that needs a fraction: rounded up", even(100, 30), 1000, 2],
  ];
  it.each(cases)("%s", (_name, arrivals, maxInFlight, expected) => {
    expect(openingConnections(at(arrivals), maxInFlight)).toBe(expected);
  });
});
