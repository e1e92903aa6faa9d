import { describe, expect, it } from "vitest";
import { minWindowCount, windowMs, type WindowQuantiles } from "../../reports/queries/tail-over-time-query.ts";
import { tailOverTimePanels } from "../../reports/tail-over-time-panels.ts";

describe("the tail-over-time window", () => {
  it.each([
    // duration ms, sparsest class count, window ms
    [120_000, Number.POSITIVE_INFINITY, 1000], // ~150 windows: the seeds' Figure 3 at 1 s
    [120_000, 1_000_000, 1000], // plenty of invocations: time resolution is kept
    [120_000, 12_000, 1000], // 100 per second: 1 s windows already hold 100
    [120_000, 6_000, 2000], // 50 per second: lengthened to 2 s to hold 100
    [120_000, 100, 10_000], // would need the whole run: capped at ~20 windows (120 s / 20 = 6 s → 10 s)
    [15_800, 1443, 1000], // the test store: 1.1 s wanted, capped at 15.8 s / 20 → 1 s
    [2_000, 300, 100], // a tiny run: never shorter than 100 ms
    [60_000, 0, 5000], // a class that completed nothing: the cap, not an infinite window
  ])("%d ms with a sparsest class of %d invocations → %d ms", (duration, sparsest, expected) => {
    expect(windowMs(duration, sparsest)).toBe(expected);
  });
});

const w = (runId: number, priceClass: number, window: number, count: number, p50Ms = 10, p99Ms = 100): WindowQuantiles => ({ runId, priceClass, window, count, p50Ms, p99Ms });
const layout = {
  runs: [
    { runId: 1, series: "A" },
    { runId: 2, series: "B" },
  ],
  classes: [
    { priceClass: 1, label: "top" },
    { priceClass: 0, label: "bottom" },
  ],
  windowMs: 2000,
  windowCount: 3,
};

describe("the tail-over-time panels", () => {
  const panels = tailOverTimePanels(
    [
      w(1, 1, 0, 150, 11, 111),
      w(1, 1, 2, 150, 13, 133), // window 1 of run A is empty: a gap, not a line across it
      w(2, 1, 0, 150),
      w(2, 1, 1, 99, 12, 122), // one short of a p99: its median is drawn, its p99 is not
      w(2, 1, 2, 150),
      w(1, 0, 0, 40),
      w(2, 0, 1, 5),
    ],
    layout,
  );
  const line = (series: string, cls: string, quantile: string): [number, number | null][] =>
    panels.points.filter((p) => p.series === series && p.priceClass === cls && p.quantile === quantile).map((p) => [p.tS, p.latencyMs]);

  it("draws each window as a flat step and breaks the line at an empty window", () => {
    expect(line("A", "top", "p99")).toEqual([
      [0, 111],
      [2, 111],
      [2, null],
      [4, 133],
      [6, 133],
    ]);
    // Two vertices share x where windows meet: the order field, not x, says which comes first.
    expect(panels.points.filter((p) => p.series === "A" && p.priceClass === "top" && p.quantile === "p99").map((p) => p.seq)).toEqual([0, 1, 2, 4, 5]);
  });

  it(`breaks the p99 below ${minWindowCount.p99} invocations and the median below ${minWindowCount.p50}`, () => {
    expect(line("B", "top", "p99")).toEqual([
      [0, 100],
      [2, 100],
      [2, null],
      [4, 100],
      [6, 100],
    ]);
    expect(line("B", "top", "p50")).toEqual([
      [0, 10],
      [2, 10],
      [2, 12],
      [4, 12],
      [4, 10],
      [6, 10],
    ]);
    expect(line("A", "bottom", "p50")).toEqual([
      [0, 10],
      [2, 10],
      [2, null],
      [4, null],
    ]);
  });

  it("marks every window where some run is short of a p99, with the fewest count", () => {
    expect(panels.sparse).toEqual([
      { priceClass: "top", startS: 2, endS: 4, fewest: 0 },
      { priceClass: "bottom", startS: 0, endS: 2, fewest: 0 },
      { priceClass: "bottom", startS: 2, endS: 4, fewest: 0 },
      { priceClass: "bottom", startS: 4, endS: 6, fewest: 0 },
    ]);
  });

  it("says in words why a panel has no p99, and nothing for a panel that has one", () => {
    expect(panels.notes).toEqual([{ priceClass: "bottom", text: "no p99 drawn: no 2 s window holds 100 completed invocations of this class (at most 40); medians only" }]);
    const sparse = tailOverTimePanels([w(1, 1, 0, 7)], { ...layout, runs: [layout.runs[0]!], classes: [layout.classes[0]!] });
    expect(sparse.notes).toEqual([{ priceClass: "top", text: "nothing drawn: no 2 s window holds 10 completed invocations of this class (at most 7), too few for a p99 or a median" }]);
    const none = tailOverTimePanels([], { ...layout, classes: [layout.classes[0]!] });
    expect(none.notes).toEqual([{ priceClass: "top", text: "nothing drawn: no completed invocation of this class in these runs" }]);
  });
});
