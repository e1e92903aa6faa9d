import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAzure2019 } from "../../../traces/azure2019/azure2019-trace.ts";
import { withRealTraceDefaults } from "../../../traces/real-trace-options.ts";
import { collect, readTable, sample500 } from "../support/samples.ts";

const csvRows = readTable(join(sample500, "invocations.csv")).rows;

describe("time compression and rate scaling on the 500-function sample", () => {
  it("thumbnails by 4: minute j holds the sum of CSV minutes 4j..4j+3, per function", async () => {
    const source = await readAzure2019(sample500, withRealTraceDefaults({ minutes: 40, compress: 4 }));
    const invocations = await collect(source);
    expect(source.expectedDurationMs).toBe(10 * 60_000);
    const got = new Map<string, number[]>();
    for (const inv of invocations) {
      const c = got.get(inv.fn) ?? new Array<number>(10).fill(0);
      c[Math.floor(inv.arrivalMs / 60_000)]!++;
      got.set(inv.fn, c);
    }
    for (const r of csvRows) {
      const minutes = r.slice(4, 44).map(Number);
      const expected = Array.from({ length: 10 }, (_, j) => minutes.slice(4 * j, 4 * j + 4).reduce((a, b) => a + b, 0));
      expect(got.get(r[2]!) ?? new Array<number>(10).fill(0)).toEqual(expected);
    }
  });

  it("scale mode divides every arrival time and keeps the work", async () => {
    const plain = await collect(await readAzure2019(sample500, withRealTraceDefaults({ minutes: 10 })));
    const fast = await collect(await readAzure2019(sample500, withRealTraceDefaults({ minutes: 10, compress: 2.5, compressMode: "scale" })));
    expect(fast.map((i) => i.arrivalMs)).toEqual(plain.map((i) => i.arrivalMs / 2.5));
    expect(fast.map((i) => i.workMs)).toEqual(plain.map((i) => i.workMs));
  });

  it("rate scaling hits the target load on the cluster and replays exactly the expected count", async () => {
    const source = await readAzure2019(sample500, withRealTraceDefaults({ minutes: 60, targetLoad: 0.7, cores: 64 }));
    const invocations = await collect(source);
    expect(invocations.length).toBe(source.expectedInvocations);
    const record = (source.spec["transforms"] as { transform: string; resultingLoad: number; factor: number }[]).find((t) => t.transform === "rate-scaling")!;
    expect(record.resultingLoad).toBeCloseTo(0.7, 2);
    // The realised load (drawn work) is near the expected one.
    const work = invocations.reduce((s, i) => s + i.workMs, 0);
    expect(work / (60 * 60_000 * 64)).toBeGreaterThan(0.6);
    expect(work / (60 * 60_000 * 64)).toBeLessThan(0.8);
  });
});
