import { describe, expect, it } from "vitest";
import { parseLoads, parseSeeds, sweepCells } from "../../../harness/sweep/sweep-grid.ts";
import { formatSweepProgress, sweepEtaSeconds } from "../../../harness/sweep/sweep-progress.ts";

describe("the sweep grid", () => {
  it.each([
    ["0.5:1.2:0.1", [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2]],
    ["0.5,0.9", [0.5, 0.9]],
    ["0.25:1:0.25", [0.25, 0.5, 0.75, 1]],
    ["0.9:0.9:0.1", [0.9]],
  ])("reads loads %s as exact decimals", (text, loads) => {
    expect(parseLoads(text)).toEqual(loads);
  });

  it.each(["1.2:0.5:0.1", "0.5:1:0", "0.5,-1", "a,b"])("rejects loads %s", (text) => {
    expect(() => parseLoads(text)).toThrow(/bad load/);
  });

  it("rejects seeds that are not non-negative integers", () => {
    expect(parseSeeds("1,2,3")).toEqual([1, 2, 3]);
    expect(() => parseSeeds("1,-2")).toThrow(/bad seeds/);
  });

  it("orders cells seed, load, backend, and labels them by workload", () => {
    const cells = sweepCells({ loads: [0.5, 0.9], backends: ["sim:xx", "sim:hermod"], seeds: [1, 2] });
    expect(cells.map((c) => [c.seed, c.load, c.backend])).toEqual([
      [1, 0.5, "sim:xx"], [1, 0.5, "sim:hermod"], [1, 0.9, "sim:xx"], [1, 0.9, "sim:hermod"],
      [2, 0.5, "sim:xx"], [2, 0.5, "sim:hermod"], [2, 0.9, "sim:xx"], [2, 0.9, "sim:hermod"],
    ]);
    expect(cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(cells[2]!.label).toBe("load=0.9 seed=1");
    expect(sweepCells({ loads: [0.7], backends: ["sim:xx"], seeds: [1] })[0]!.label).toBe("load=0.7");
  });

  it("sweeps one phase schedule instead of loads when given one", () => {
    const cells = sweepCells({ loads: [], phases: "0:0.7,50:1.3", backends: ["sim:xx", "sim:edf"], seeds: [3] });
    expect(cells.map((c) => [c.load, c.phases, c.label])).toEqual([
      [null, "0:0.7,50:1.3", "phases=0:0.7,50:1.3"],
      [null, "0:0.7,50:1.3", "phases=0:0.7,50:1.3"],
    ]);
  });
});

describe("sweep progress", () => {
  const cell = sweepCells({ loads: [1], backends: ["sim:xx"], seeds: [1] })[0]!;
  it("extrapolates the ETA from finished and partly finished runs", () => {
    // 2 done + half of one running = 2.5 of 10 runs in 50 s → 7.5 runs left at 20 s each.
    const p = { name: "s", total: 10, done: 2, failed: 0, running: [{ cell, fraction: 0.5 }], elapsedMs: 50_000 };
    expect(sweepEtaSeconds(p)).toBeCloseTo(150, 6);
    expect(formatSweepProgress(p)).toBe(`sweep "s": 2/10 runs done, running sim:xx load=1 50%, ETA 2 min 30 s, 50 s elapsed`);
  });

  it("gives no ETA before anything is done", () => {
    expect(sweepEtaSeconds({ name: "s", total: 4, done: 0, failed: 0, running: [{ cell, fraction: 0 }], elapsedMs: 3000 })).toBeNull();
  });
});
