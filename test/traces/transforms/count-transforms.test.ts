import { describe, expect, it } from "vitest";
import { offeredLoad, scaleCounts, scaledTotal } from "../../../traces/transforms/rate-scaling.ts";
import { roundCumulative } from "../../../traces/transforms/systematic-rounding.ts";
import { thumbnailCounts, thumbnailMinutes } from "../../../traces/transforms/time-compression.ts";
import { resolveWindow } from "../../../traces/transforms/time-window.ts";
import { TraceOptionError } from "../../../traces/trace-option-error.ts";

const u32 = (xs: number[]): Uint32Array => Uint32Array.from(xs);

describe("thumbnails (minute buckets merged)", () => {
  it.each([
    [[1, 2, 3, 4, 5, 6], 2, [3, 7, 11]],
    [[1, 2, 3, 4, 5, 6, 7], 3, [6, 15, 7]],
    [[5, 0, 0, 5], 4, [10]],
    [[4, 4, 4, 4], 1, [4, 4, 4, 4]],
  ])("%j by %d sums groups exactly: %j", (counts, factor, expected) => {
    expect([...thumbnailCounts(u32(counts), factor, 0.5)]).toEqual(expected);
  });

  it("keeps the total exactly for a fractional factor, whatever the offset", () => {
    const counts = u32([7, 3, 0, 11, 2, 9, 4, 1, 1, 5]);
    for (const offset of [0, 0.25, 0.5, 0.99]) {
      const out = thumbnailCounts(counts, 2.5, offset);
      expect(out.length).toBe(thumbnailMinutes(10, 2.5));
      expect(out.reduce((a, b) => a + b, 0)).toBe(43);
    }
  });
});

describe("rate scaling by systematic rounding", () => {
  it("gives ⌊factor × total + offset⌋ per function, spread over its minutes", () => {
    const counts = u32([10, 0, 10, 0, 10]);
    const out = scaleCounts(counts, 0.5, 0.3);
    expect([...out]).toEqual([5, 0, 5, 0, 5]);
    expect(out.reduce((a, b) => a + b, 0)).toBe(scaledTotal(30, 0.5, 0.3));
  });

  it("does not drop every single-invocation function when thinning (plain rounding would)", () => {
    const kept = Array.from({ length: 1000 }, (_, f) => scaledTotal(1, 0.3, (f + 0.5) / 1000)).reduce((a, b) => a + b, 0);
    expect(kept).toBe(300);
  });

  it("offered load is work per trace ms over the cores", () => {
    expect(offeredLoad(8 * 60_000, 60_000, 16)).toBe(0.5);
  });

  it("roundCumulative counts sum to the rounded end of the curve", () => {
    const out = roundCumulative(4, (i) => (i + 1) * 0.75, 0.1);
    expect([...out]).toEqual([0, 1, 1, 1]);
  });
});

describe("time window", () => {
  const file = { fromMinute: 479, minutes: 480 };
  it("defaults to the whole file", () => expect(resolveWindow(file, undefined, undefined)).toEqual(file));
  it("cuts from a minute to the end", () => expect(resolveWindow(file, 900, undefined)).toEqual({ fromMinute: 900, minutes: 59 }));
  it.each([
    [100, undefined, /--from 100 is outside the trace's minutes 479..958/],
    [900, 100, /--minutes 100 from minute 900 runs past the trace's last minute 958 \(at most 59\)/],
  ])("refuses from=%s minutes=%s", (from, minutes, message) => {
    expect(() => resolveWindow(file, from, minutes)).toThrow(TraceOptionError);
    expect(() => resolveWindow(file, from, minutes)).toThrow(message);
  });
});
