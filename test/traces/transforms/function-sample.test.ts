import { describe, expect, it } from "vitest";
import { readAzure2019 } from "../../../traces/azure2019/azure2019-trace.ts";
import { withRealTraceDefaults } from "../../../traces/real-trace-options.ts";
import { collect, readTable, sample500 } from "../support/samples.ts";
import { join } from "node:path";

type SampleRecord = { transform: string; size: number; score: number; chainScores: { size: number; score: number; bestOf: [number, number] }[] };
const sampleOf = (spec: Readonly<Record<string, unknown>>): SampleRecord =>
  (spec["transforms"] as SampleRecord[]).find((t) => t.transform === "function-sample")!;

describe("representative function sample on the 500-function sample", () => {
  it("replays exactly N functions, each with its CSV counts, and records the distances", async () => {
    const source = await readAzure2019(sample500, withRealTraceDefaults({ sample: 50, minutes: 120 }));
    const invocations = await collect(source);
    const fns = new Set(invocations.map((i) => i.fn));
    expect(fns.size).toBeLessThanOrEqual(50);
    expect((source.spec["functions"] as { replayed: number }).replayed).toBe(50);
    const rows = readTable(join(sample500, "invocations.csv")).rows.filter((r) => fns.has(r[2]!));
    const expected = rows.reduce((s, r) => s + r.slice(4, 124).map(Number).reduce((a, b) => a + b, 0), 0);
    expect(invocations.length).toBe(expected);
    expect(source.expectedInvocations).toBe(expected);
    const record = sampleOf(source.spec);
    expect(record.size).toBe(50);
    // The chosen candidate is the best of those scored.
    expect(record.score).toBe(record.chainScores[0]!.bestOf[0]);
    expect(record.chainScores[0]!.bestOf[1]).toBeGreaterThan(record.score);
  });

  it("nests the samples of a chain: sample 20 ⊂ sample 80 for the same chain and seed", async () => {
    const fnsOf = async (n: number): Promise<Set<string>> => {
      const source = await readAzure2019(sample500, withRealTraceDefaults({ sample: n, sampleChain: [80, 20], minutes: 60, seed: 5, sampleTrials: 4 }));
      return new Set((await collect(source)).map((i) => i.fn));
    };
    const big = await fnsOf(80);
    const small = await fnsOf(20);
    expect(small.size).toBeGreaterThan(0);
    for (const f of small) expect(big.has(f)).toBe(true);
  });
});
