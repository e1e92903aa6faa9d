import { describe, expect, it } from "vitest";
import { formatSendPlan, planSends } from "../../../harness/replay/send-plan.ts";
import type { Invocation, InvocationBatch, TraceSource } from "../../../traces/invocation.ts";

function traceAt(arrivals: readonly number[], batchSize = 2): TraceSource {
  return {
    kind: "hand-made",
    spec: {},
    prices: [1],
    async *open(): AsyncGenerator<InvocationBatch> {
      const all: Invocation[] = arrivals.map((arrivalMs, id) => ({ id, arrivalMs, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 1, memStartMb: 1, memPeakMb: 1 }));
      for (let i = 0; i < all.length; i += batchSize) yield all.slice(i, i + batchSize);
    },
  };
}

describe("the plan stated before anything is sent", () => {
  it.each<[string, number[], { invocations: number; lastSendMs: number; meanPerS: number; peakPerS: number; peakSecond: number }]>([
    ["the busiest second, across batch boundaries", [0, 100, 1000, 1200, 1400, 1999, 2500, 4000], { invocations: 8, lastSendMs: 4000, meanPerS: 2, peakPerS: 4, peakSecond: 1 }],
    ["a stream shorter than a second", [10, 20, 30], { invocations: 3, lastSendMs: 30, meanPerS: 3, peakPerS: 3, peakSecond: 0 }],
    ["a quiet start: the peak is late", [0, 9000, 9100, 9200], { invocations: 4, lastSendMs: 9200, meanPerS: 4 / 9.2, peakPerS: 3, peakSecond: 9 }],
  ])("%s", async (_name, arrivals, expected) => {
    expect(await planSends(traceAt(arrivals))).toEqual(expected);
  });

  it("reads as one line", () => {
    const line = formatSendPlan({ invocations: 6000, lastSendMs: 59_990, meanPerS: 100.02, peakPerS: 131, peakSecond: 17 }, ["http:http://127.0.0.1:8080/"]);
    expect(line).toBe("plan for http:http://127.0.0.1:8080/: 6,000 invocations over 60.0 s of wall time each, mean 100/s, peak 131/s (second 17)");
  });
});
