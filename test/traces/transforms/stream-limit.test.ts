import { describe, expect, it } from "vitest";
import type { Invocation, InvocationBatch, TraceSource } from "../../../traces/invocation.ts";
import { limitedTrace, type StreamLimit } from "../../../traces/transforms/stream-limit.ts";

/** Ten invocations 100 ms apart, in batches of 3, 3, 3, 1. */
const source: TraceSource = {
  kind: "hand-made",
  spec: { n: 10 },
  prices: [1],
  expectedInvocations: 10,
  expectedDurationMs: 1000,
  async *open(): AsyncGenerator<InvocationBatch> {
    const all: Invocation[] = Array.from({ length: 10 }, (_, id) => ({
      id,
      arrivalMs: id * 100,
      tenant: "t",
      app: "a",
      fn: "f",
      priceClass: 0,
      workMs: 1,
      memStartMb: 1,
      memPeakMb: 1,
    }));
    for (let i = 0; i < all.length; i += 3) yield all.slice(i, i + 3);
  },
};

async function ids(limit: StreamLimit): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of limitedTrace(source, limit).open()) out.push(...batch.map((inv) => inv.id));
  return out;
}

describe("limitedTrace (--invocations and --duration-s on a real trace)", () => {
  it.each<[string, StreamLimit, number[]]>([
    ["the first 4 (inside the second batch)", { invocations: 4 }, [0, 1, 2, 3]],
    ["exactly one batch", { invocations: 3 }, [0, 1, 2]],
    ["more than there are", { invocations: 50 }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ["arrivals before 450 ms", { durationMs: 450 }, [0, 1, 2, 3, 4]],
    ["an arrival exactly at the limit is left out", { durationMs: 300 }, [0, 1, 2]],
    ["whichever limit comes first: the count", { invocations: 2, durationMs: 900 }, [0, 1]],
    ["whichever limit comes first: the time", { invocations: 8, durationMs: 250 }, [0, 1, 2]],
  ])("%s", async (_name, limit, expected) => {
    expect(await ids(limit)).toEqual(expected);
  });

  it("states the limit in the spec and in what it expects, so the manifest rebuilds it and progress has an end", () => {
    const limited = limitedTrace(source, { invocations: 4, durationMs: 5000 });
    expect(limited.spec).toEqual({ n: 10, limit: { invocations: 4, durationMs: 5000 } });
    expect(limited.expectedInvocations).toBe(4);
    expect(limited.expectedDurationMs).toBe(1000);
  });
});
