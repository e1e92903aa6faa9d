import { describe, expect, it } from "vitest";
import { formatTraceInspection } from "../../../traces/inspect/format-trace-inspection.ts";
import { LogHistogram } from "../../../traces/inspect/log-histogram.ts";
import { inspectTrace } from "../../../traces/inspect/trace-inspection.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { withRealTraceDefaults } from "../../../traces/real-trace-options.ts";
import { openTraceSpec } from "../../../traces/trace-spec.ts";
import { readTable, sample2021, sample500 } from "../support/samples.ts";
import { join } from "node:path";

function fixedSource(invocations: Invocation[], durationMs: number): TraceSource {
  return { kind: "fixed", spec: {}, prices: [1, 2], expectedDurationMs: durationMs, open: async function* () { yield invocations; } };
}

const inv = (id: number, arrivalMs: number, workMs: number, priceClass: number, fn: string, trigger?: string): Invocation => ({
  id, arrivalMs, tenant: "t", app: "a", fn, priceClass, workMs, memStartMb: 10, memPeakMb: 20 + id, ...(trigger ? { trigger } : {}),
});

describe("inspectTrace", () => {
  it("counts functions, invocations, triggers, classes and the offered load exactly", async () => {
    const r = await inspectTrace(
      fixedSource([inv(0, 0, 1000, 0, "f", "http"), inv(1, 30_000, 3000, 1, "g", "timer"), inv(2, 90_000, 2000, 1, "g", "timer")], 120_000),
      { cores: 2 },
    );
    expect([r.functions, r.apps, r.tenants, r.invocations]).toEqual([2, 1, 1, 3]);
    expect(r.triggers).toEqual({ http: 1, timer: 2 });
    expect(r.classes).toEqual([1, 2]);
    expect(r.offeredLoad).toBe(6000 / (120_000 * 2));
    expect(r.overTime).toEqual({ bucketMs: 60_000, invocations: [2, 1], load: [4000 / 120_000, 2000 / 120_000] });
    expect(r.workMs.max).toBe(3000);
    expect(r.workMs.mean).toBe(2000);
  });

  it("matches the CSV total of the 500-function sample and prints every section", async () => {
    const source = await openTraceSpec(`azure2019:${sample500}`, withRealTraceDefaults({ minutes: 30 }));
    const r = await inspectTrace(source, { cores: 800 });
    const expected = readTable(join(sample500, "invocations.csv")).rows.reduce((s, row) => s + row.slice(4, 34).map(Number).reduce((a, b) => a + b, 0), 0);
    expect(r.invocations).toBe(expected);
    expect(r.overTime.invocations.length).toBe(30);
    expect(Object.keys(r.triggers).sort()).toEqual(["event", "http", "orchestration", "others", "queue", "storage", "timer"].filter((t) => r.triggers[t]));
    const text = formatTraceInspection(r);
    for (const label of ["functions", "invocations", "offered load", "rate", "work ms", "memory MB", "triggers", "classes", "transform    window"]) {
      expect(text).toContain(label);
    }
    expect(JSON.parse(JSON.stringify(r)).invocations).toBe(expected);
  });

  it("widens the rate buckets instead of growing the series", async () => {
    const many = Array.from({ length: 3000 }, (_, i) => inv(i, i * 60_000, 1, 0, "f"));
    const r = await inspectTrace(fixedSource(many, 3000 * 60_000), { cores: 1 });
    expect(r.overTime.invocations.length).toBeLessThanOrEqual(1440);
    expect(r.overTime.invocations.reduce((a, b) => a + b, 0)).toBe(3000);
  });

  it("reports the 2021 head without triggers", async () => {
    const r = await inspectTrace(await openTraceSpec(`azure2021:${sample2021}`, withRealTraceDefaults()), { cores: 8 });
    expect(r.invocations).toBe(998);
    expect(r.triggers).toEqual({ "(none)": 998 });
    expect(r.functions).toBe(49);
  });
});

describe("LogHistogram", () => {
  it("gives percentiles within 1 % and exact extremes", () => {
    const h = new LogHistogram();
    for (let i = 1; i <= 10_000; i++) h.add(i);
    h.add(0);
    expect(h.quantile(0.5) / 5000).toBeCloseTo(1, 1);
    expect(Math.abs(h.quantile(0.99) / 9900 - 1)).toBeLessThan(0.011);
    expect([h.min, h.max, h.count]).toEqual([0, 10_000, 10_001]);
  });
});
